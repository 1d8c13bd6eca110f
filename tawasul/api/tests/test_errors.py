"""Bad input gets a clear JSON error, never a 500, and changes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from tawasul.api import views
from tawasul.api.errors import flatten_field_errors
from tawasul.api.tests.conftest import bearer, issue

ME = "/api/v1/me/"


@pytest.fixture
def consul(world):
    """A raw django.test.Client with the consul's token, to send arbitrary bodies."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue(world.consul_ph)}")
    client.user = world.consul_ph  # type: ignore[attr-defined]
    return client


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


def assert_unchanged(user) -> None:
    user.refresh_from_db()
    assert (user.full_name_ar, user.full_name_en, user.preferred_language) == ("", "", "ar")


@pytest.mark.parametrize(
    "body",
    [b"{", b'{"full_name_en": }', b"not json", b'{"full_name_en": NaN}', b"\xff\xfe\x00",
     b"[" * 100_000],
)
def test_malformed_json_answers_400(consul, body):
    response = consul.patch(ME, body, content_type="application/json")
    error = error_of(response, 400)
    assert error["code"] == "malformed_json"
    assert error["message"]
    assert_unchanged(consul.user)


def test_unknown_charset_is_read_as_utf8_not_a_500(consul):
    body = json.dumps({"full_name_ar": "ماريا"}, ensure_ascii=False).encode()
    response = consul.patch(ME, body, content_type="application/json; charset=nonsense-8")
    assert response.status_code == 200
    assert response.json()["full_name_ar"] == "ماريا"


def test_body_that_is_not_an_object_answers_400(consul):
    response = consul.patch(ME, b'["full_name_en"]', content_type="application/json")
    error = error_of(response, 400)
    assert error["code"] == "invalid"
    assert error["fields"]["non_field_errors"]


def test_form_encoded_body_answers_415(consul):
    response = consul.patch(ME, "full_name_en=X", content_type="application/x-www-form-urlencoded")
    assert error_of(response, 415)["code"] == "unsupported_media_type"
    assert_unchanged(consul.user)


def test_unknown_fields_answer_400_listing_each_and_nothing_is_saved(consul):
    response = consul.patch(
        ME, {"full_name_en": "Maria", "nickname": "M", "is_staff": True},
        content_type="application/json",
    )
    error = error_of(response, 400)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"nickname", "is_staff"}
    assert_unchanged(consul.user)


def test_read_only_fields_answer_400(consul):
    response = consul.patch(
        ME, {"role": "admin", "username": "root"}, content_type="application/json"
    )
    error = error_of(response, 400)
    assert set(error["fields"]) == {"role", "username"}
    consul.user.refresh_from_db()
    assert consul.user.role == "consular_officer"
    assert consul.user.username == "consul_ph"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_body_answers_413(consul):
    body = json.dumps({"full_name_en": "x" * 2000})
    error = error_of(consul.patch(ME, body, content_type="application/json"), 413)
    assert error["code"] == "request_too_large"
    assert_unchanged(consul.user)


def test_unknown_api_url_answers_json_404(world):
    error = error_of(bearer(issue(world.consul_ph)).get("/api/v1/nothing-here/"), 404)
    assert error["code"] == "not_found"
    # The rest of the site keeps its HTML pages.
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_method_not_allowed_answers_json_405(world):
    client = bearer(issue(world.consul_ph))
    assert error_of(client.put(ME, {}, format="json"), 405)["code"] == "method_not_allowed"
    assert error_of(client.delete("/api/v1/organizations/"), 405)["code"] == "method_not_allowed"


def test_server_error_under_the_api_answers_json_500(world, monkeypatch):
    def boom(self, request, *args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(views.OrganizationViewSet, "list", boom)
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {issue(world.consul_ph)}", raise_request_exception=False
    )
    error = error_of(client.get("/api/v1/organizations/"), 500)
    assert error["code"] == "server_error"
    assert "bug" not in error["message"]


def test_messages_are_in_the_request_language(world):
    client = APIClient()
    english = client.get(ME, HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"
    assert english.json()["error"]["message"].startswith("Authentication is required")
    arabic = client.get(ME, HTTP_ACCEPT_LANGUAGE="ar")
    assert arabic["Content-Language"] == "ar"
    assert arabic.json()["error"]["code"] == "not_authenticated"


def test_nested_field_errors_are_flattened_to_dotted_paths():
    detail = {
        "person": {"name_ar": ["Required."], "non_field_errors": ["Bad person."]},
        "languages": [{}, ["Not a language."]],
        "non_field_errors": ["Bad."],
    }
    assert flatten_field_errors(detail) == {
        "person.name_ar": ["Required."],
        "person": ["Bad person."],
        "languages.1": ["Not a language."],
        "non_field_errors": ["Bad."],
    }
