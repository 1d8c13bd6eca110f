"""Choice labels without Model.get_FOO_display's per-call cost, for every model of the
project (BaseModel).

Django's get_FOO_display builds a dict of the field's choices on every call and hashes
each lazy label, which translates it: a list that shows three labels on each of 25 rows
translates a few hundred strings per page. The labels of a field in a language never
change while the process runs, so each field's table is made once per language.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable
from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import get_language


@functools.lru_cache(maxsize=512)
def _labels(field: models.Field[Any, Any], language: str) -> dict[Any, str]:
    return {value: str(label) for value, label in field.flatchoices}


class ChoiceLabels(models.Model):
    """get_FOO_display from a table per field and language; what Django's returns."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:
        value = getattr(self, field.attname)
        if not isinstance(value, Hashable):  # a JSON value, say: Django's own way
            return super()._get_FIELD_display(field)  # type: ignore[misc]
        labels = _labels(field, get_language() or "")
        if value in labels:
            return labels[value]
        return force_str(value, strings_only=True)
