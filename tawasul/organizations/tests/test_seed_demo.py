from django.core.management import call_command

from tawasul.accounts.models import User
from tawasul.accounts.roles import role_allowed_for_kind
from tawasul.organizations.models import (
    Organization,
    OrganizationKind,
    Service,
    ServiceTranslation,
)
from tawasul.organizations.selectors import own_languages

REQUIRED_USERS = {
    "admin", "liaison", "intake", "analyst", "ministry", "protection.director",
    "protection.manager", "family.manager", "elderly.manager", "embassy.ph", "embassy.in",
    "embassy.np", "unesco",
}


def _snapshot():
    return (
        sorted(Organization.objects.values_list("code", "name_en", "kind")),
        sorted(Service.objects.values_list("center__code", "code")),
        sorted(ServiceTranslation.objects.values_list("service__code", "language", "name")),
        sorted(User.objects.values_list("username", "role", "organization__code")),
    )


def test_seed_demo_creates_the_demo_world_and_is_idempotent(db):
    call_command("seed_demo", password="pw-one-two-three", quiet_logins=True)
    first = _snapshot()
    call_command("seed_demo", password="pw-one-two-three", quiet_logins=True)
    assert _snapshot() == first

    assert Organization.objects.filter(kind=OrganizationKind.MINISTRY).count() == 1
    assert Organization.objects.filter(kind=OrganizationKind.FOUNDATION).count() == 1
    centers = Organization.objects.filter(kind=OrganizationKind.CENTER)
    assert sorted(centers.values_list("domain", flat=True)) == sorted(
        ["family", "orphans", "protection", "youth", "disability", "elderly", "behavioral"]
    )
    for center in centers:
        assert center.services.count() >= 3
    embassies = Organization.objects.filter(kind=OrganizationKind.EMBASSY)
    assert embassies.count() >= 12
    assert {"PH", "IN", "NP", "BD", "EG", "KE"} <= {e.country.code for e in embassies}
    assert Organization.objects.filter(code="unesco", kind=OrganizationKind.UN_AGENCY).exists()

    users = {u.username: u for u in User.objects.select_related("organization")}
    assert set(users) >= REQUIRED_USERS
    for user in users.values():
        assert user.organization is not None
        assert role_allowed_for_kind(user.role, user.organization.kind), user.username
        assert user.check_password("pw-one-two-three")
    embassy = users["embassy.ph"].organization
    assert embassy is not None
    assert embassy.country.code == "PH"

    # Several entries in Filipino and in Nepali, one in Urdu: embassy.ph and embassy.np
    # see them in their own language.
    translated = ServiceTranslation.objects.filter(service__is_active=True)
    for username, language in (("embassy.ph", "tl"), ("embassy.np", "ne")):
        assert own_languages(users[username])[0] == language
        assert translated.filter(language=language).count() >= 3
    assert translated.filter(language="ur").count() == 1
    for translation in translated:
        assert translation.name and translation.description and translation.how_to_refer


def test_seed_demo_password_option_changes_every_password(db):
    call_command("seed_demo", password="first-password-x", quiet_logins=True)
    call_command("seed_demo", password="second-password-y", quiet_logins=True)
    assert User.objects.get(username="ministry").check_password("second-password-y")
    assert not User.objects.get(username="ministry").check_password("first-password-x")
