"""Scoped reads of cases, their timelines, tasks and notifications. Every list starts here.

Who sees a case (DESIGN, access rules 1-3):
- the staff of the case's center (director, case managers, staff) see its standard cases;
- a restricted case only its assigned manager, its team members and the center director;
- nobody outside the center: not other centers, not the foundation (intake, liaison,
  administrators, analysts), not the ministry (it sees aggregates, built elsewhere), not
  embassies or partners. What they may learn of a case arrives through referrals.

Anyone else in the center may break the glass on a restricted case (tawasul.cases.access);
that grant is not stored and therefore never widens these selectors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.cases.models import (
    Case,
    CaseEvent,
    CaseNameKey,
    CaseTeamMember,
    Notification,
    Task,
)
from tawasul.common.access import as_member
from tawasul.common.text import clean_text
from tawasul.organizations.models import OrganizationKind
from tawasul.people import duplicates
from tawasul.people.matching import blocking
from tawasul.people.matching.records import PersonRecord
from tawasul.people.models import PersonIdentifier
from tawasul.people.validators import normalize_identifier

CENTER_ROLES: frozenset[str] = frozenset({Role.DIRECTOR, Role.CASE_MANAGER, Role.STAFF})
# Set by tawasul.cases.access.access_case on the case it returns: the grant of one
# request, including a break-the-glass grant, which is never stored anywhere else.
GRANT_ATTR = "_access_granted_to"


def center_member(viewer: object) -> User | None:
    """The user if they work in a center (the only people who see cases), else None."""
    user = as_member(viewer)
    if user is None or user.role not in CENTER_ROLES or user.kind != OrganizationKind.CENTER:
        return None
    return user


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("center", "person", "case_type", "assigned_manager")


def _on_team(user: User) -> Exists:
    return Exists(CaseTeamMember.objects.filter(case=OuterRef("pk"), user=user))


def cases_visible_to(viewer: object) -> QuerySet[Case]:
    user = center_member(viewer)
    if user is None:
        return _cases().none()
    qs = _cases().filter(center_id=user.organization_id)
    if user.role == Role.DIRECTOR:
        return qs
    return qs.filter(Q(is_restricted=False) | Q(assigned_manager=user) | _on_team(user))


def center_cases_of(viewer: object) -> QuerySet[Case]:
    """Every case of the viewer's own center, restricted ones included: where access_case
    looks before deciding between "visible", "break the glass" and 404. Not for lists."""
    user = center_member(viewer)
    if user is None:
        return _cases().none()
    return _cases().filter(center_id=user.organization_id)


def sees_case_without_break_glass(viewer: object, case: Case) -> bool:
    user = center_member(viewer)
    if user is None or case.center_id != user.organization_id:
        return False
    if user.role == Role.DIRECTOR or not case.is_restricted:
        return True
    if case.assigned_manager_id == user.pk:
        return True
    return CaseTeamMember.objects.filter(case=case, user=user).exists()


def has_access_grant(viewer: object, case: Case) -> bool:
    """True for the case object that access_case returned to this viewer (this request)."""
    user = as_member(viewer)
    return user is not None and getattr(case, GRANT_ATTR, None) == user.pk


def case_events_visible_to(viewer: object, case: Case) -> QuerySet[CaseEvent]:
    qs = CaseEvent.objects.select_related("author", "service").filter(case=case)
    if has_access_grant(viewer, case) or sees_case_without_break_glass(viewer, case):
        return qs
    return qs.none()


def tasks_visible_to(viewer: object) -> QuerySet[Task]:
    """Tasks of the cases the viewer sees, and the tasks assigned to the viewer."""
    qs = Task.objects.select_related("case", "case__center", "assigned_to")
    user = center_member(viewer)
    if user is None:
        return qs.none()
    return qs.filter(Q(case__in=cases_visible_to(user).values("pk")) | Q(assigned_to=user))


def with_overdue_flags(cases: Iterable[Case]) -> list[Case]:
    """The cases of one list page, each with `has_overdue_task` set, in one query on the
    page's rows. (As an EXISTS annotation of the list query, PostgreSQL plans it as a
    hashed subplan reading every open task of the registry on each page.)"""
    page = list(cases)
    overdue = set(Task.objects.filter(
        case__in=[case.pk for case in page], done_at__isnull=True, due_at__lt=timezone.now(),
    ).order_by().values_list("case_id", flat=True))
    for case in page:
        case.has_overdue_task = case.pk in overdue  # type: ignore[attr-defined]
    return page


def case_team_of(case: Case) -> QuerySet[CaseTeamMember]:
    return CaseTeamMember.objects.select_related("user").filter(case=case)


def notifications_of(viewer: object) -> QuerySet[Notification]:
    user = as_member(viewer)
    if user is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


# --- Search ----------------------------------------------------------------------------

# A name-only key (`gf:`, `gc:`) held by more of the center's cases than this is not
# looked up: the name alone says too little among them. Larger than duplicates.KEY_CAP: a
# search only reads the cases' ids from the (center, key, case) index (no scoring), and a
# two-name search of a common name must still work; at a million persons the busiest
# center holds about 300 cases of the commonest pairs. Each such key costs at most this
# many index entries, whatever the registry's size.
SEARCH_BROAD_KEY_CAP = 2000

_CASE_REFERENCE = re.compile(r"C-\d{4}-\d+", re.IGNORECASE)
_PERSON_REFERENCE = re.compile(r"P-\d{4}-\d+", re.IGNORECASE)
_IDENTIFIER = re.compile(r"[A-Z0-9]*\d[A-Z0-9]*")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def search_kind(text: str) -> str:
    """How a search is read: "case_reference", "person_reference", "identifier" (has a
    digit: a QID, passport or other document number) or "name"."""
    text = clean_text(text)
    if _CASE_REFERENCE.fullmatch(text):
        return "case_reference"
    if _PERSON_REFERENCE.fullmatch(text):
        return "person_reference"
    if _IDENTIFIER.fullmatch(normalize_identifier(text)):
        return "identifier"
    return "name"


def _name_keys(text: str) -> list[str]:
    """The matching engine's lookup keys of a typed name, read as a full name in its
    script, so «محمد الكواري», "Mohamed Al-Kuwari" and a name typed across the given and
    family fields share keys. A single name has none: the engine keys names by pairs;
    words that make one compound name are read by its compound keys. Name-only keys held
    by more than SEARCH_BROAD_KEY_CAP of the center's cases are left out by the caller
    (one bounded index probe each), as duplicate suggestions do with their broad keys."""
    arabic = bool(_ARABIC.search(text))
    record = PersonRecord(id=None, names_ar=[text] if arabic else [],
                          names_latin=[] if arabic else [text])
    keys = blocking.lookup_keys(record)
    if not keys and len(text.split()) > 1:
        # Words that make one compound ("Abdul Rahman", "Shirin Uddin"): the persons
        # holding that compound in their names, in any spelling or script. A single word
        # is read by substring, in every part of every name (see search_cases).
        keys = blocking.compound_search_keys(record)
    return list(dict.fromkeys(str(k)[:duplicates.KEY_MAX_LENGTH] for k in keys))


def _capped(key: str) -> bool:
    """Keys of names alone, which a center's cases may hold very many times."""
    return blocking.is_broad(key) or key.startswith(blocking.COMPOUND_PREFIX)


def _over_full(key: str, center_id: Any) -> bool:
    # The (center, key, case) index answers it alone, reading at most cap + 1 entries.
    cap = SEARCH_BROAD_KEY_CAP
    return CaseNameKey.objects.filter(center_id=center_id, key=key).values_list(
        "case_id", flat=True)[cap:cap + 1].exists()


# Read for a search by a single name (which has no matching key).
NAME_FIELDS = (
    "given_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar", "full_name_ar",
    "given_name_latin", "father_name_latin", "grandfather_name_latin", "family_name_latin",
    "full_name_latin",
)


class CaseSearch(NamedTuple):
    cases: QuerySet[Case]
    # "one_name" (a single name, read by substring), "common_name" (only keys held by
    # too many of the center's cases: nothing looked up), else "".
    unsearchable: str


def search_cases(qs: QuerySet[Case], text: str, *, center_id: Any) -> CaseSearch:
    """Narrow a scoped case list (the cases of `center_id` that the viewer sees) by a
    search, each reading one index: a case or person reference exactly, an identifier
    exactly (normalized as the registry stores it), or a name through the center's cases
    holding its matching keys (CaseNameKey). Only narrows `qs`: nothing outside the
    viewer's cases is reached, and the identifier is not shown."""
    text = clean_text(text)
    kind = search_kind(text)
    if kind == "case_reference":
        return CaseSearch(qs.filter(reference=text.upper()), "")
    if kind == "person_reference":
        return CaseSearch(qs.filter(person__reference=text.upper()), "")
    if kind == "identifier":
        return CaseSearch(qs.filter(person_id__in=PersonIdentifier.objects.filter(
            value=normalize_identifier(text)).values("person_id")), "")
    all_keys = _name_keys(text)
    if not all_keys:
        # A single name has no key: the names of the center's persons are read for it
        # (a scan of the viewer's cases, not of the registry; slower at national scale,
        # which the page says).
        match = Q()
        for name in NAME_FIELDS:
            match |= Q(**{f"person__{name}__icontains": text})
        return CaseSearch(qs.filter(match), "one_name")
    keys = [k for k in all_keys if not _capped(k) or not _over_full(k, center_id)]
    if not keys:
        return CaseSearch(qs.none(), "common_name")
    return CaseSearch(qs.filter(pk__in=CaseNameKey.objects.filter(
        center_id=center_id, key__in=keys).values("case_id")), "")
