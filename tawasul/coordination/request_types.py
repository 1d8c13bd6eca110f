"""What each type of request discloses to the embassy: a fixed minimum of fields, and the
data categories a consent must cover for them.

The table is the rule: a request sends these fields and nothing else of the person (no
case type, no case notes, no reason for care, no address or phone), and the embassy's
pages and API show these only. Whatever else the worker writes goes in the message, which
the request page asks them to keep to what the embassy needs.

`disclosed_values` takes the values from the registry at the moment of sending; the
request keeps them, so the embassy sees what was sent, and the disclosure log names the
fields that were sent (those with a value).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tawasul.coordination.models import RequestType
from tawasul.people.models import ConsentPurpose, DataCategory, IdentifierType, Person

IDENTITY = DataCategory.IDENTITY
FAMILY = DataCategory.FAMILY
LEGAL_STATUS = DataCategory.LEGAL_STATUS

# The purpose a consent must name for any coordination request.
PURPOSE = ConsentPurpose.COORDINATION_WITH_EMBASSY


@dataclass(frozen=True)
class DisclosedField:
    name: str
    label: Promise


FIELDS: dict[str, DisclosedField] = {f.name: f for f in (
    DisclosedField("name_latin", _("Name (Latin script)")),
    DisclosedField("name_ar", _("Name (Arabic)")),
    DisclosedField("given_name", _("First name")),
    DisclosedField("date_of_birth", _("Date of birth")),
    DisclosedField("sex", _("Sex")),
    DisclosedField("nationality", _("Nationality")),
    DisclosedField("passport_number", _("Passport number")),
    DisclosedField("home_town", _("Home town or area")),
    DisclosedField("languages", _("Languages")),
)}


@dataclass(frozen=True)
class Minimum:
    fields: tuple[str, ...]
    categories: frozenset[str]


NAMES = ("name_latin", "name_ar")
T = RequestType
MINIMUM: dict[str, Minimum] = {
    T.TRAVEL_DOCUMENT: Minimum(
        (*NAMES, "date_of_birth", "sex", "nationality", "passport_number"),
        frozenset({IDENTITY})),
    # Who the family is looking for, and where from: not why the person is in care.
    T.FAMILY_TRACING: Minimum(
        (*NAMES, "date_of_birth", "nationality", "home_town"),
        frozenset({IDENTITY, FAMILY})),
    T.RETURN_TRAVEL: Minimum(
        (*NAMES, "date_of_birth", "nationality", "passport_number"),
        frozenset({IDENTITY})),
    # An interpreter needs the language and whom to ask for, nothing more.
    T.INTERPRETER: Minimum(("given_name", "languages"), frozenset({IDENTITY})),
    T.LEGAL_ASSISTANCE: Minimum(
        (*NAMES, "date_of_birth", "nationality", "passport_number"),
        frozenset({IDENTITY, LEGAL_STATUS})),
    T.IDENTITY_VERIFICATION: Minimum(
        (*NAMES, "date_of_birth", "sex", "nationality", "passport_number"),
        frozenset({IDENTITY})),
    T.FINANCIAL_ASSISTANCE: Minimum(
        (*NAMES, "nationality", "passport_number"), frozenset({IDENTITY})),
    T.OTHER: Minimum((*NAMES, "nationality"), frozenset({IDENTITY})),
}
# Fields that come from the request rather than the registry.
REQUEST_FIELDS: frozenset[str] = frozenset({"home_town"})


def listing(items: Iterable[object]) -> str:
    """Labels joined with the comma of the active language (Arabic has its own)."""
    separator = "، " if (get_language() or "ar").startswith("ar") else ", "
    return separator.join(str(item) for item in items)


def minimum_of(request_type: str) -> Minimum:
    return MINIMUM[RequestType(request_type)]


def categories_of(request_type: str) -> set[str]:
    return set(minimum_of(request_type).categories)


def needs_home_town(request_type: str) -> bool:
    return "home_town" in minimum_of(request_type).fields


def _passport(person: Person) -> str:
    """The passport of the person's own country first (the one the embassy issued)."""
    passports = [i for i in person.identifiers.all() if i.type == IdentifierType.PASSPORT]
    passports.sort(key=lambda i: str(i.issuing_country) != str(person.nationality))
    return passports[0].value if passports else ""


def _given_name(person: Person) -> str:
    latin = person.given_name_latin or (person.full_name_latin.split() or [""])[0]
    arabic = person.given_name_ar or (person.full_name_ar.split() or [""])[0]
    return latin or arabic


def disclosed_values(person: Person, request_type: str, *, home_town: str = "") -> dict[str, Any]:
    """The type's fields with their values now (an empty value: not recorded)."""
    values: dict[str, Any] = {
        "name_latin": person.name_latin,
        "name_ar": person.name_ar,
        "given_name": _given_name(person),
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "sex": person.sex,
        "nationality": str(person.nationality or ""),
        "passport_number": _passport(person),
        "home_town": home_town,
        "languages": list(person.languages or []),
    }
    return {name: values[name] for name in minimum_of(request_type).fields}


def fields_with_values(disclosed: dict[str, Any]) -> list[str]:
    return [name for name, value in disclosed.items() if value not in ("", None, [])]


def table() -> list[dict[str, Any]]:
    """The rule as the pages show it: each type with the labels of what it discloses."""
    return [
        {"type": request_type, "label": RequestType(request_type).label,
         "fields": [FIELDS[name].label for name in minimum.fields],
         "categories": [DataCategory(c).label for c in DataCategory.values
                        if c in minimum.categories]}
        for request_type, minimum in MINIMUM.items()
    ]
