from __future__ import annotations

import pytest

from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import make_user

ME = "/api/v1/me/"


def test_me_shows_the_profile(world, as_user):
    body = as_user(world.consul_ph).get(ME).json()
    assert body["username"] == "consul_ph"
    assert body["role"] == "consular_officer"
    assert body["organization"]["code"] == "embassy-ph"
    assert body["organization"]["country"] == "PH"
    assert body["preferred_language"] == "ar"
    assert body["two_factor"] == {"status": "enabled", "required": True, "enabled": True}
    assert as_user(world.unesco_fp).get(ME).json()["two_factor"] == {
        "status": "not_required", "required": False, "enabled": False
    }
    bare = make_user("bare_consul", world.embassy_ph, Role.CONSULAR_OFFICER, two_factor=False)
    assert as_user(bare).get(ME).json()["two_factor"]["status"] == "required"


def test_patch_changes_names_and_language_and_audits_field_names_only(world, as_user):
    response = as_user(world.consul_ph).patch(
        ME, {"full_name_en": "Maria Santos", "preferred_language": "en"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["full_name_en"] == "Maria Santos"
    world.consul_ph.refresh_from_db()
    assert (world.consul_ph.full_name_en, world.consul_ph.preferred_language) == (
        "Maria Santos", "en"
    )
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert entry.actor == world.consul_ph
    assert entry.object_id == str(world.consul_ph.pk)
    assert entry.fields == ["full_name_en", "preferred_language"]
    assert "Maria" not in str(entry.fields) + entry.reason


def test_patch_with_unchanged_values_writes_no_audit_entry(world, as_user):
    client = as_user(world.consul_ph)
    assert client.patch(ME, {"preferred_language": "ar"}, format="json").status_code == 200
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


def test_bidi_and_zero_width_controls_are_removed_from_names(world, as_user):
    sneaky = "\u202eMaria\u200b  Santos\u2066\ufeff "
    arabic = "ما\u200dريا\u200f"
    response = as_user(world.consul_ph).patch(
        ME, {"full_name_en": sneaky, "full_name_ar": arabic}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["full_name_en"] == "Maria Santos"
    world.consul_ph.refresh_from_db()
    assert world.consul_ph.full_name_en == "Maria Santos"
    assert world.consul_ph.full_name_ar == "ماريا"


@pytest.mark.parametrize("language", ["fr", "AR", "", "arabic", 1, None])
def test_unknown_language_answers_400_and_keeps_the_old_one(world, as_user, language):
    response = as_user(world.consul_ph).patch(
        ME, {"preferred_language": language, "full_name_en": "New"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["preferred_language"]
    world.consul_ph.refresh_from_db()
    assert (world.consul_ph.preferred_language, world.consul_ph.full_name_en) == ("ar", "")


def test_too_long_name_answers_400(world, as_user):
    response = as_user(world.consul_ph).patch(ME, {"full_name_ar": "ا" * 201}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["full_name_ar"]


def test_name_of_only_invisible_characters_becomes_empty(world, as_user):
    world.consul_ph.full_name_en = "Old"
    world.consul_ph.save(update_fields=["full_name_en"])
    response = as_user(world.consul_ph).patch(ME, {"full_name_en": "\u200b\u202e"}, format="json")
    assert response.status_code == 200
    assert response.json()["full_name_en"] == ""


def test_me_without_credentials_answers_401(world):
    from rest_framework.test import APIClient

    assert APIClient().get(ME).status_code == 401
    assert APIClient().patch(ME, {"full_name_en": "X"}, format="json").status_code == 401


def test_profile_service_refuses_changing_someone_else(world):
    from tawasul.accounts.profile import user_update_profile
    from tawasul.common.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        user_update_profile(actor=world.consul_in, user=world.consul_ph, full_name_en="X")
    user_update_profile(actor=world.admin, user=world.consul_ph, full_name_en="Fixed")
    world.consul_ph.refresh_from_db()
    assert world.consul_ph.full_name_en == "Fixed"
