"""A model field's choice label without Model.get_FOO_display's cost.

get_FOO_display builds a dict of the field's choices on every call and hashes each lazy
label, which translates it: a list that shows three labels on each of 25 rows translates
a few hundred strings per page. The labels of a field in a language never change while
the process runs, so each field's table is made once per language.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Field, Model
from django.utils.translation import get_language


@functools.lru_cache(maxsize=512)
def _labels(field: Field[Any, Any], language: str) -> dict[Any, str]:
    return {value: str(label) for value, label in field.flatchoices}


def choice_label(instance: Model, name: str) -> str:
    """What instance.get_<name>_display() returns, in the active language."""
    field = instance._meta.get_field(name)
    assert isinstance(field, Field)
    value = getattr(instance, field.attname)
    return _labels(field, get_language() or "").get(value, value)
