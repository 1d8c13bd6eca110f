from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.template.loader import get_template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tawasul.home.context_processors import DEMO_BANNER_TEMPLATES, build_shell
from tawasul.home.tests.helpers import log_in


def html_tag(page: str) -> str:
    match = re.search(r"<html[^>]*>", page)
    assert match, "no <html> tag"
    return match.group(0)


def test_login_page_is_arabic_right_to_left_by_default(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    page = response.content.decode()
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    assert "bootstrap.rtl.min.css" in page
    assert 'id="main-nav"' not in page  # no navigation before signing in
    assert 'name="language" value="en"' in page  # but the language switcher is there


def test_language_switch_to_english_and_back(client, world):
    log_in(client, world.consul_ph)
    home = reverse("home")
    response = client.post(reverse("set_language"), {"language": "en", "next": home})
    assert response.status_code == 302
    assert response["Location"] == home
    page = client.get(home).content.decode()
    assert html_tag(page) == '<html lang="en" dir="ltr">'
    assert "bootstrap.min.css" in page and "bootstrap.rtl.min.css" not in page

    client.post(reverse("set_language"), {"language": "ar", "next": home})
    page = client.get(home).content.decode()
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    assert "bootstrap.rtl.min.css" in page


def test_language_switcher_keeps_the_current_page(client, world):
    log_in(client, world.consul_ph)
    url = reverse("organizations:list") + "?kind=embassy"
    page = client.get(url).content.decode()
    assert 'name="next" value="/directory/?kind=embassy"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_unknown_language_falls_back_without_error(client, world):
    log_in(client, world.consul_ph)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert html_tag(client.get("/").content.decode()) == '<html lang="ar" dir="rtl">'


def test_shell_has_landmarks_skip_link_and_user(client, world):
    page = log_in(client, world.consul_ph).get(reverse("home")).content.decode()
    assert 'href="#main"' in page and '<main id="main"' in page
    assert "<header>" in page and "<footer" in page and "<nav" in page
    assert world.embassy_ph.name_ar in page  # the organization, in Arabic
    assert 'action="/accounts/logout/"' in page or f'action="{reverse("account_logout")}"' in page
    assert "htmx" in page and "bootstrap.bundle.min.js" in page


def nav(page: str) -> str:
    return page.split('id="main-nav"')[1].split("</ul>")[0]


@pytest.mark.parametrize(
    ("username", "sees_audit", "sees_admin"),
    [
        ("supervisor", True, False),
        ("admin", True, True),
        ("consul_ph", False, False),
        ("protection_director", False, False),
        ("unesco_fp", False, False),
    ],
)
def test_navigation_follows_the_role(client, world, username, sees_audit, sees_admin):
    user = getattr(world, username)
    user.is_staff = True  # the admin link depends on the role, not on is_staff alone
    user.save()
    page = log_in(client, user).get(reverse("home")).content.decode()
    links = nav(page)
    assert reverse("organizations:list") in links
    assert reverse("organizations:services") in links
    assert (reverse("audit:list") in links) is sees_audit
    # The administration link is in the account menu.
    header = page.split("<header>")[1].split("</header>")[0]
    assert (f'href="{reverse("admin:index")}"' in header) is sees_admin


def test_active_navigation_item_has_aria_current(client, world):
    page = log_in(client, world.consul_ph).get(reverse("organizations:services")).content.decode()
    links = nav(page)
    services_link = re.search(rf'<a[^>]*href="{reverse("organizations:services")}"[^>]*>', links)
    directory_link = re.search(rf'<a[^>]*href="{reverse("organizations:list")}"[^>]*>', links)
    assert services_link and 'aria-current="page"' in services_link.group(0)
    assert directory_link and 'aria-current' not in directory_link.group(0)


def banner_templates(response) -> set[str]:
    return {t.name for t in response.templates} & set(DEMO_BANNER_TEMPLATES)


def test_demo_banner_only_in_demo_mode_for_demo_users(client, world, settings):
    user = world.consul_ph
    user.is_demo = True
    user.save()
    Authenticator.objects.filter(user=user).delete()  # exempt: signs in without one
    settings.DEMO_MODE = True
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert banner_templates(response)

    settings.DEMO_MODE = False
    response = log_in(Client(), user).get(reverse("home"))
    assert response.status_code == 200
    assert not banner_templates(response)


def test_no_demo_banner_for_a_user_who_is_not_a_demo_user(client, world, settings):
    settings.DEMO_MODE = True
    response = log_in(client, world.consul_ph).get(reverse("home"))
    assert response.status_code == 200
    assert not banner_templates(response)


def test_the_shell_looks_authenticators_up_for_demo_users_in_demo_mode_only(world, settings, rf):
    """Every page builds the shell; only the demo banner needs to know whether the user has
    an authenticator, and only a demo user in demo mode may see it."""
    request = rf.get("/")
    request.user = world.consul_ph

    def authenticator_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            build_shell(request)
        return sum("mfa_authenticator" in q["sql"] for q in queries.captured_queries)

    settings.DEMO_MODE = True
    assert authenticator_queries() == 0  # not a demo user
    world.consul_ph.is_demo = True
    settings.DEMO_MODE = False
    assert authenticator_queries() == 0  # a demo user, but not in demo mode
    settings.DEMO_MODE = True
    assert authenticator_queries() == 1


def test_messages_render_as_alerts(client, world):
    log_in(client, world.protection_director)
    service = world.protection.services.get()
    response = client.post(
        reverse("organizations:service_edit", args=[service.pk]),
        {"code": "counselling", "name_ar": "إرشاد", "name_en": "Counselling and support",
         "languages": "ar, en", "is_active": "on"},
        follow=True,
    )
    page = response.content.decode()
    assert "alert alert-success" in page


def test_404_page_uses_the_shell(client, world):
    response = log_in(client, world.consul_ph).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    assert 'id="main-nav"' in page


def test_500_page_renders_without_request_or_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        page = get_template("500.html").render({})
    assert '<html lang="ar" dir="rtl">' in page
    assert "{%" not in page
