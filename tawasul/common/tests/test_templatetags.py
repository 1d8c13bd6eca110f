from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

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
