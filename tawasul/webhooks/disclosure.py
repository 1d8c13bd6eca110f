"""The no-contact rule for webhooks (DESIGN, access rule 5): a person flagged *no
contact with home country* is never disclosed to an organization of that country.

The caller of `emit` builds the payload under the portal's disclosure rules and names the
persons it concerns; on top of that, `persons_named_in` finds any registered person whose
id or reference appears anywhere in the payload, so a payload cannot carry a person its
producer forgot to declare. `emit` refuses the payload if any of them may not be
disclosed to the receiving organization, and each delivery attempt checks again (a flag
set after the event was emitted still stops it).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q

from tawasul.organizations.models import Organization
from tawasul.people.models import Person
from tawasul.people.selectors import with_no_contact_flag

_PERSON_REFERENCE = re.compile(r"\bP-\d{4}-\d{6}\b")
_UUID = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
)


def payload_safe_for(organization: Organization, person: Person) -> bool:
    """Whether data naming `person` may go to `organization`: not when the person is
    flagged no-contact and the organization belongs to the person's country (an embassy;
    any other organization registered with that country too). A person merged into
    another is judged with the one they were merged into as well."""
    country = str(organization.country or "")
    if not country:
        return True
    for someone in (person, person.merged_into):
        if someone is None:
            continue
        if str(someone.nationality) == country and someone.has_no_contact_flag:
            return False
    return True


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def persons_named_in(payload: Any, *, also: Iterable[Person] = ()) -> list[Person]:
    """The registered persons whose id or reference appears in the payload, and `also`,
    with the no-contact flag annotated (one query)."""
    ids: set[uuid.UUID] = {p.pk for p in also}
    references: set[str] = set()
    for text in _strings(payload):
        references.update(_PERSON_REFERENCE.findall(text))
        ids.update(uuid.UUID(match) for match in _UUID.findall(text))
    if not ids and not references:
        return []
    qs = Person.objects.filter(Q(pk__in=ids) | Q(reference__in=references))
    return list(with_no_contact_flag(qs).select_related("merged_into"))


def persons_by_id(ids: Iterable[str]) -> list[Person]:
    wanted = [str(i) for i in ids]
    if not wanted:
        return []
    return list(with_no_contact_flag(Person.objects.filter(pk__in=wanted))
                .select_related("merged_into"))


def unsafe_persons(organization: Organization, persons: Iterable[Person]) -> list[Person]:
    return [p for p in persons if not payload_safe_for(organization, p)]
