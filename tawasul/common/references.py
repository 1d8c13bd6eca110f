"""Human references (P-2026-000123, C-…, R-…) and the free text that services accept.

Shared by the person registry, cases and referrals, so that each numbers its records
and cleans its notes the same way.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tawasul.common.errors import DomainError
from tawasul.common.text import clean_text

TEXT_MAX_LENGTH = 20000


def next_reference(counter_model: type[models.Model], prefix: str, year: int) -> str:
    """<prefix>-<year>-<6 digits>, from the year's counter row (fields `year`, `last`),
    locked for the rest of the transaction so references are sequential without races
    (on SQLite the IMMEDIATE transaction already serializes writers)."""
    manager = counter_model._default_manager
    manager.get_or_create(year=year)
    counter = manager.select_for_update().get(year=year)
    counter.last += 1  # type: ignore[attr-defined]
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"  # type: ignore[attr-defined]


def clean_long_text(value: str, *, field: str, required: bool = False) -> str:
    """Multi-line text of a note, reason or summary: normalized, required if asked,
    at most TEXT_MAX_LENGTH characters; a DomainError naming `field` otherwise."""
    text = clean_text(value or "", multiline=True)
    if required and not text:
        raise DomainError("required", _("This field is required."), field=field)
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(
            "too_long", _("At most %(count)s characters.") % {"count": TEXT_MAX_LENGTH},
            field=field,
        )
    return text
