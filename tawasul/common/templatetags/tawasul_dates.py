"""`{{ value|with_hijri }}`: the Gregorian date with its Hijri (Umm al-Qura) date beside it.

hijridate covers 1924-08-01 to 2077-11-16 only and raises outside that range; a birth
date of an elderly person is often earlier. Such dates show the Gregorian date alone,
with a note for screen readers, never an error.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Literal

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from hijridate import Gregorian, Hijri

register = template.Library()

HIJRI_FIRST = dt.date(1924, 8, 1)
HIJRI_LAST = dt.date(2077, 11, 16)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        # The calendar day where the user is, not in UTC.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


@functools.lru_cache(maxsize=4096)
def to_hijri(value: dt.date) -> Hijri | None:
    if not HIJRI_FIRST <= value <= HIJRI_LAST:
        return None
    return Gregorian.fromdate(value).to_hijri()


def hijri_label(hijri: Hijri, language: str) -> str:
    """'22 Shawwal 1445 AH' / '22 شوال 1445 هـ'."""
    lang: Literal["ar", "en"] = "ar" if language.startswith("ar") else "en"
    return f"{hijri.day} {hijri.month_name(lang)} {hijri.year} {hijri.notation(lang)}"


@register.filter
def hijri(value: dt.date | dt.datetime | None) -> str:
    """The Hijri date alone; '' when there is none."""
    if not isinstance(value, dt.date):
        return ""
    converted = to_hijri(_as_date(value))
    if converted is None:
        return ""
    return hijri_label(converted, get_language() or "ar")


@register.filter
def with_hijri(value: dt.date | dt.datetime | None) -> SafeString | str:
    if not isinstance(value, dt.date):
        return ""
    return _with_hijri(_as_date(value), get_language() or "ar")


# A list prints one of these per row, and the same days recur from page to page: what a
# day prints in a language never changes, so each is worked out once per process.
@functools.lru_cache(maxsize=4096)
def _with_hijri(day: dt.date, language: str) -> SafeString:
    gregorian = format_html(
        '<time datetime="{}">{}</time>', day.isoformat(), date_format(day, "DATE_FORMAT")
    )
    converted = to_hijri(day)
    if converted is None:
        return format_html(
            '{} <span class="visually-hidden">({})</span>',
            gregorian,
            _("no Hijri date: outside the supported range 1924–2077"),
        )
    return format_html(
        '{} <span class="hijri-date text-body-secondary">({})</span>',
        gregorian,
        hijri_label(converted, language),
    )


@register.filter
def ago(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """`{{ referral.sent_at|ago:now }}`: "3 days ago", for the rows of a list (what
    {% blocktranslate with age=value|timesince:now %}{{ age }} ago{% endblocktranslate %}
    says, without a template block per row)."""
    if not isinstance(value, dt.datetime):
        return ""
    return _("%(age)s ago") % {"age": timesince(value, now)}
