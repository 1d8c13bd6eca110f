"""What each reason code of the matching engine (tawasul.people.matching.records) says to a
case worker, in their language. The engine's own messages are English and for developers;
pages and the API show these. A code the engine adds later falls back to a generic text.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REASON_MESSAGES: dict[str, Promise] = {
    "same_identifier": _("Same %(type)s number"),
    "similar_identifier": _("%(type)s number differs by one character"),
    "different_identifier": _("Different %(type)s number"),
    "same_name_same_birth_date": _("Same name and same date of birth"),
    "arabic_matches_latin_same_birth_year": _(
        "Arabic name matches Latin name, same year of birth"
    ),
    "same_name": _("Same name"),
    "similar_name": _("Similar name"),
    "arabic_matches_latin": _("Arabic name matches Latin name"),
    "different_name": _("Different name"),
    "name_order_differs": _("Name order differs"),
    "missing_middle_name": _("A middle name is missing in one record"),
    "name_part_missing": _("Given or family name missing in one record"),
    "typo": _("Spelling differs slightly (possible typo)"),
    "same_birth_date": _("Same date of birth"),
    "similar_birth_date": _("Date of birth differs by one digit, or day and month swapped"),
    "same_birth_year": _("Same year of birth"),
    "estimated_birth_date_within_tolerance": _(
        "Estimated date of birth within %(years)s year(s)"
    ),
    "different_birth_date": _("Different date of birth"),
    "same_sex": _("Same sex"),
    "different_sex": _("Different sex"),
    "same_nationality": _("Same nationality"),
    "different_nationality": _("Different nationality"),
    "same_phone": _("Same phone number"),
    "other_attributes_agree": _("Other details agree"),
    "other_attributes_differ": _("Other details differ"),
}
FALLBACK = _("Other evidence")


def _identifier_label(kind: str) -> str:
    """The engine's identifier kinds are "qid", "passport:PH", …: show the type's name."""
    from tawasul.people.models import IdentifierType

    base = kind.split(":", 1)[0]
    try:
        return str(IdentifierType(base).label)
    except ValueError:
        return str(IdentifierType.OTHER.label)


def reason_message(code: str, params: Mapping[str, str] | None = None) -> str:
    template = REASON_MESSAGES.get(code, FALLBACK)
    values = dict(params or {})
    if "type" in values:
        values["type"] = _identifier_label(values["type"])
    values.setdefault("years", "0")
    try:
        return str(template) % values
    except (KeyError, ValueError, TypeError):
        return str(template)
