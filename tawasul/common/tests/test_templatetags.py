from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from tawasul.common.templatetags.tawasul_dates import hijri, with_hijri
from tawasul.common.templatetags.tawasul_ui import language_name, language_names, optional_url


def render(value, language: str) -> str:
    with translation.override(language):
        return str(with_hijri(value))


def test_in_range_date_shows_gregorian_and_hijri_in_arabic():
    out = render(dt.date(2024, 5, 1), "ar")
    assert '<time datetime="2024-05-01">1 مايو، 2024</time>' in out
    assert "22 شوال 1445 هـ" in out


def test_in_range_date_shows_gregorian_and_hijri_in_english():
    out = render(dt.date(2024, 5, 1), "en")
    assert '<time datetime="2024-05-01">May 1, 2024</time>' in out
    assert "22 Shawwal 1445 AH" in out


@pytest.mark.parametrize(
    ("day", "expected_hijri"),
    [
        (dt.date(1924, 8, 1), "1 Muharram 1343 AH"),
        (dt.date(2077, 11, 16), "30 Dhu al-Hijjah 1500 AH"),
    ],
)
def test_first_and_last_supported_days(day, expected_hijri):
    assert expected_hijri in render(day, "en")


@pytest.mark.parametrize("day", [dt.date(1924, 7, 31), dt.date(1920, 3, 5), dt.date(2077, 11, 17)])
@pytest.mark.parametrize("language", ["ar", "en"])
def test_out_of_range_shows_gregorian_only_with_a_note(day, language):
    out = render(day, language)
    assert f'<time datetime="{day.isoformat()}">' in out
    assert "hijri-date" not in out
    assert 'class="visually-hidden"' in out
    with translation.override(language):
        assert hijri(day) == ""


def test_elderly_birth_date_in_a_template_does_not_fail():
    template = Template("{% load tawasul_dates %}{{ born|with_hijri }}")
    with translation.override("en"):
        out = template.render(Context({"born": dt.date(1920, 1, 1)}))
    assert "Jan. 1, 1920" in out and "no Hijri date" in out


def test_datetime_uses_the_local_calendar_day(settings):
    # 22:30 UTC on 30 April is already 1 May in Qatar (UTC+3).
    moment = dt.datetime(2024, 4, 30, 22, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    out = render(moment, "en")
    assert 'datetime="2024-05-01"' in out
    assert "22 Shawwal 1445 AH" in out


def test_naive_datetime_and_none():
    assert 'datetime="2024-05-01"' in render(dt.datetime(2024, 5, 1, 10, 0), "en")
    assert render(None, "en") == ""
    assert render("", "ar") == ""
    assert hijri(None) == ""


def test_output_is_escaped_markup_not_raw_input():
    out = render(dt.date(2024, 5, 1), "en")
    assert "<script" not in out and out.count("<time") == 1


def test_optional_url_is_empty_for_an_unknown_name():
    assert optional_url("no-such:page") == ""
    assert optional_url("home") == "/"


def test_language_names_in_both_languages():
    with translation.override("en"):
        assert language_name("tl") == "Filipino (Tagalog)"
        assert language_name("ne") == "Nepali"
        assert language_name("qq") == "qq"
        assert language_names(["ar", "en"]) == "<bdi>Arabic</bdi>, <bdi>English</bdi>"
        assert language_names(["<b>"]) == "<bdi>&lt;b&gt;</bdi>"
        assert language_names(None) == ""
    with translation.override("ar"):
        assert language_name("ar") != "ar" and "عرب" in language_name("ar")
        assert "، " in language_names(["ar", "en"])


def test_optional_url_with_arguments_and_under_another_prefix():
    from django.urls import set_script_prefix

    assert optional_url("cases:detail", "00000000-0000-0000-0000-000000000000") == (
        "/cases/00000000-0000-0000-0000-000000000000/")
    assert optional_url("cases:detail", "not-a-uuid") == ""
    set_script_prefix("/tawasul/")
    try:
        assert optional_url("home") == "/tawasul/"
    finally:
        set_script_prefix("/")
    assert optional_url("home") == "/"


class FieldForm(forms.Form):
    name = forms.CharField(label="Name <b>", help_text="Help & more", max_length=5)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")], required=False)
    agree = forms.BooleanField(label="Agree", help_text=mark_safe("<i>safe</i>"))


FIELDS = Template("{% load tawasul_ui %}{% field form.name %}{% field form.kind class='x' %}"
                  "{% field form.agree %}")


def test_field_writes_label_widget_help_and_errors_wired_for_screen_readers():
    with translation.override("en"):
        html = FIELDS.render(Context({"form": FieldForm({"name": "too<long", "kind": "z"})}))
    assert html == (
        '\n<div class="mb-3">\n'
        '  <label class="form-label" for="id_name">Name &lt;b&gt; <span class="text-danger" '
        'aria-hidden="true">*</span></label>\n'
        '  <input type="text" name="name" value="too&lt;long" maxlength="5" '
        'aria-invalid="true" aria-describedby="id_name_help id_name_errors" '
        'class="form-control is-invalid" required id="id_name">\n'
        '  <div class="form-text" id="id_name_help">Help &amp; more</div>\n'
        '  <div class="invalid-feedback d-block" id="id_name_errors"><div>Ensure this value '
        'has at most 5 characters (it has 8).</div></div>\n'
        '</div>\n\n'
        '\n<div class="mb-3">\n'
        '  <label class="form-label" for="id_kind">Kind</label>\n'
        '  <select name="kind" aria-invalid="true" aria-describedby="id_kind_errors" '
        'class="form-select x is-invalid" id="id_kind">\n'
        '  <option value="a">A</option>\n\n  <option value="b">B</option>\n\n</select>\n'
        '  \n'
        '  <div class="invalid-feedback d-block" id="id_kind_errors"><div>Select a valid '
        'choice. z is not one of the available choices.</div></div>\n'
        '</div>\n\n'
        '\n<div class="form-check mb-3">\n'
        '  <input type="checkbox" name="agree" aria-invalid="true" '
        'aria-describedby="id_agree_help id_agree_errors" class="form-check-input is-invalid" '
        'required id="id_agree">\n'
        '  <label class="form-check-label" for="id_agree">Agree</label>\n'
        '  <div class="form-text" id="id_agree_help"><i>safe</i></div>\n'
        '  <div class="invalid-feedback d-block" id="id_agree_errors"><div>This field is '
        'required.</div></div>\n'
        '</div>\n\n')


def test_field_of_an_unbound_form_has_no_errors_and_no_invalid_marks():
    with translation.override("en"):
        html = FIELDS.render(Context({"form": FieldForm()}))
    assert "is-invalid" not in html and "aria-invalid" not in html
    assert "invalid-feedback" not in html
    assert 'aria-describedby="id_name_help"' in html
    assert '<label class="form-label" for="id_kind">Kind</label>' in html


def test_menu_items_are_written_once_per_set_of_items_and_language():
    from tawasul.common.templatetags.tawasul_ui import _menu_html, menu_items
    from tawasul.home.context_processors import NavItem

    nav = [NavItem(gettext_lazy("Cases"), "/cases/", active=True),
           NavItem(gettext_lazy("Directory"), "", children=(
               NavItem(gettext_lazy("Services"), "/services/"),))]
    with translation.override("en"):
        english = menu_items(nav, "includes/nav_items.html")
        assert menu_items(nav, "includes/nav_items.html") is english  # looked up
        other = menu_items([NavItem(nav[0].label, "/cases/"), nav[1]], "includes/nav_items.html")
    with translation.override("ar"):
        arabic = menu_items(nav, "includes/nav_items.html")
    assert 'href="/cases/" aria-current="page">Cases</a>' in english
    assert 'href="/services/">Services</a>' in english and 'id="nav-group-2"' in english
    assert "aria-current" not in other
    assert ">Cases<" not in arabic and 'aria-current="page">الحالات</a>' in arabic
    assert _menu_html.cache_info().hits >= 1


def test_row_url_is_the_reversed_url_of_each_row():
    import uuid

    from django.urls import reverse, set_script_prefix

    from tawasul.common.templatetags.tawasul_ui import row_url

    first, second = uuid.uuid4(), uuid.uuid4()
    assert row_url("referrals:detail", first) == reverse("referrals:detail", args=[first])
    assert row_url("referrals:detail", second) == reverse("referrals:detail", args=[second])
    assert row_url("cases:detail", first) == f"/cases/{first}/"
    set_script_prefix("/tawasul/")
    try:
        assert row_url("cases:detail", first) == f"/tawasul/cases/{first}/"
    finally:
        set_script_prefix("/")
    # Not a UUID: reversed as {% url %} would, a wrong argument an error as there.
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        row_url("cases:detail", "not-a-uuid")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_choice_labels_are_what_djangos_get_display_gives_in_the_active_language(language):
    from django.db import models

    from tawasul.coordination.models import CoordinationRequest
    from tawasul.referrals.models import Referral

    def django_display(instance, name):
        django_own = models.Model._get_FIELD_display  # type: ignore[attr-defined]
        return django_own(instance, instance._meta.get_field(name))

    with translation.override(language):
        instances: list[models.Model] = [
            Referral(status=status, domain="protection", urgency="urgent")
            for status in ("submitted", "under_review", "declined")]
        instances.append(CoordinationRequest(status="sent", request_type="family_tracing"))
        # A value that is not among the choices shows as itself, an empty one as "".
        instances += [Referral(status="unheard-of"), Referral(status="")]
        for instance in instances:
            for name in ("status", "domain", "urgency", "request_type"):
                if hasattr(instance, name):
                    assert getattr(instance, f"get_{name}_display")() == (
                        django_display(instance, name)), (name, getattr(instance, name))
        assert Referral(status="unheard-of").get_status_display() == "unheard-of"
    with translation.override("ar"):
        assert Referral(status="submitted").get_status_display() != "Submitted"
    with translation.override("en"):
        assert Referral(status="submitted").get_status_display() == "Submitted"


def test_ago_says_how_long_ago_in_the_active_language():
    from tawasul.common.templatetags.tawasul_dates import ago

    now = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
    then = now - dt.timedelta(days=3, hours=2)
    with translation.override("en"):
        assert ago(then, now) == "3\xa0days, 2\xa0hours ago"
    with translation.override("ar"):
        assert ago(then, now).startswith("منذ ")
    assert ago(None, now) == ""
