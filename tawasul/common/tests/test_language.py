"""Arabic first: the browser's language does not decide, the person's choice does."""

import re

import pytest
from django.urls import reverse


def _html_tag(response):
    match = re.search(r"<html[^>]*>", response.content.decode())
    assert match is not None
    return match.group(0)


@pytest.mark.django_db
def test_login_page_is_arabic_rtl_whatever_the_browser_asks(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    tag = _html_tag(response)
    assert 'lang="ar"' in tag
    assert 'dir="rtl"' in tag


@pytest.mark.django_db
def test_switching_to_english_gives_ltr_pages(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    tag = _html_tag(client.get(reverse("account_login")))
    assert 'lang="en"' in tag
    assert 'dir="ltr"' in tag


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["fr", "xx-YY", "", "en<script>", "../../etc"])
def test_unknown_language_falls_back_to_arabic(client, cookie, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert 'lang="ar"' in _html_tag(response)


@pytest.mark.django_db
def test_asking_to_switch_to_an_unknown_language_changes_nothing(client):
    response = client.post(reverse("set_language"), {"language": "klingon", "next": "/"})
    assert response.status_code in (302, 204)
    assert 'lang="ar"' in _html_tag(client.get(reverse("account_login")))


@pytest.mark.django_db
@pytest.mark.parametrize(("header", "expected"), [("en-GB,en;q=0.9", "en"), ("ar", "ar"),
                                                  ("fr-FR", "ar"), ("", "ar")])
def test_api_follows_accept_language_with_arabic_as_fallback(client, header, expected):
    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 401
    assert response["Content-Language"] == expected
