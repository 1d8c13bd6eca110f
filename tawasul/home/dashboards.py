"""What each role's home page shows, read through the scoped selectors only.

One function per section of the home page; the view picks the sections for the role.
Every query here is a count, an aggregate or a list with its related rows fetched up
front, so a page costs the same number of queries however large the network grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.accounts.selectors import users_visible_to
from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.audit.selectors import audit_entries_visible_to, can_review_audit
from tawasul.cases.models import CaseStatus
from tawasul.cases.selectors import cases_visible_to, tasks_visible_to
from tawasul.coordination.models import AWAITING_EMBASSY
from tawasul.coordination.selectors import overdue, requests_visible_to
from tawasul.network.selectors import bulletins_for_mission
from tawasul.organizations.access import can_manage_contacts_of, can_manage_services_of
from tawasul.organizations.models import (
    PARTNER_KINDS,
    Organization,
    OrganizationKind,
)
from tawasul.organizations.selectors import (
    contacts_visible_to,
    organizations_visible_to,
    services_visible_to,
)
from tawasul.portal.threads import unread_of
from tawasul.referrals.embassy_view import STATUS_FOR_EMBASSY, EmbassyStatus
from tawasul.referrals.selectors import embassy_inbox

RECENT_DENIALS = 10


@dataclass(frozen=True)
class Tally:
    key: str
    label: str | Promise
    count: int


def name_order() -> str:
    return "name_ar" if (get_language() or "ar").startswith("ar") else "name_en"


def organizations_by_kind(user: User) -> list[Tally]:
    rows = dict(
        organizations_visible_to(user)
        .filter(is_active=True)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    return [Tally(kind, label, rows.get(kind, 0)) for kind, label in OrganizationKind.choices]


def users_by_role(user: User) -> list[Tally]:
    rows = dict(
        users_visible_to(user)
        .filter(is_active=True)
        .order_by()
        .values_list("role")
        .annotate(n=Count("id"))
    )
    return [Tally(role, label, rows[role]) for role, label in Role.choices if rows.get(role)]


@dataclass(frozen=True)
class AuditSummary:
    entries_24h: int
    denials_24h: int
    failed_logins_24h: int
    last_sealed_seq: int | None
    last_sealed_at: datetime | None
    unsealed: int


def audit_summary(user: User) -> AuditSummary | None:
    if not can_review_audit(user):
        return None
    entries = audit_entries_visible_to(user)
    since = timezone.now() - timedelta(hours=24)
    recent = entries.filter(occurred_at__gte=since).order_by().aggregate(
        total=Count("id"),
        denials=Count("id", filter=Q(action=AuditAction.ACCESS_DENIED)),
        failed=Count("id", filter=Q(action=AuditAction.LOGIN_FAILED)),
    )
    last_seq = entries.order_by().aggregate(m=Max("seq"))["m"]
    last_sealed_at = None
    if last_seq is not None:
        last_sealed_at = (
            entries.filter(seq=last_seq).values_list("occurred_at", flat=True).first()
        )
    return AuditSummary(
        entries_24h=recent["total"],
        denials_24h=recent["denials"],
        failed_logins_24h=recent["failed"],
        last_sealed_seq=last_seq,
        last_sealed_at=last_sealed_at,
        unsealed=entries.filter(seq__isnull=True).count(),
    )


def recent_denials(user: User) -> QuerySet[AuditEntry]:
    return audit_entries_visible_to(user).filter(action=AuditAction.ACCESS_DENIED).order_by(
        "-id"
    )[:RECENT_DENIALS]


def _with_contacts(user: User, qs: QuerySet[Organization]) -> QuerySet[Organization]:
    return qs.prefetch_related(
        Prefetch(
            "contacts",
            queryset=contacts_visible_to(user).order_by(name_order()),
            to_attr="visible_contacts",
        )
    )


def embassies_and_partners(user: User) -> dict[str, list[Organization]]:
    qs = _with_contacts(
        user,
        organizations_visible_to(user)
        .filter(is_active=True, kind__in=[OrganizationKind.EMBASSY, *PARTNER_KINDS])
        .order_by("kind", name_order()),
    )
    grouped: dict[str, list[Organization]] = {"embassies": [], "partners": []}
    for org in qs:
        grouped["embassies" if org.kind == OrganizationKind.EMBASSY else "partners"].append(org)
    return grouped


def centers_with_services(user: User) -> list[Organization]:
    """Active centers and their active services: where to route or refer."""
    return list(
        organizations_visible_to(user)
        .filter(is_active=True, kind=OrganizationKind.CENTER)
        .order_by(name_order())
        .prefetch_related(
            Prefetch(
                "services",
                queryset=services_visible_to(user).filter(is_active=True).order_by(name_order()),
                to_attr="visible_services",
            )
        )
    )


def foundation_contacts(user: User) -> list[Organization]:
    """The foundation and its public focal points: who embassies and partners call."""
    return list(
        _with_contacts(
            user,
            organizations_visible_to(user).filter(
                is_active=True, kind=OrganizationKind.FOUNDATION
            ),
        )
    )


def own_organization(user: User) -> dict[str, Any]:
    assert user.organization_id is not None  # home pages are for assigned users only
    organization = organizations_visible_to(user).get(pk=user.organization_id)
    return {
        "organization": organization,
        "contacts": list(
            contacts_visible_to(user).filter(organization=organization).order_by(name_order())
        ),
        "can_manage_contacts": can_manage_contacts_of(user, organization),
    }


def center_overview(user: User) -> dict[str, Any]:
    context = own_organization(user)
    center = context["organization"]
    context.update(
        services=list(
            services_visible_to(user).filter(center=center).order_by("-is_active", name_order())
        ),
        colleagues=list(
            users_visible_to(user).filter(is_active=True).order_by("role", "username")
        ),
        can_manage_services=can_manage_services_of(user, center),
        **my_case_work(user),
    )
    return context


MY_WORK_ROWS = 5


def my_case_work(user: User) -> dict[str, Any]:
    """The open cases the user manages and the open tasks assigned to them, soonest due
    first: what a center worker picks up in the morning."""
    return {
        "my_cases": list(
            cases_visible_to(user).filter(assigned_manager=user)
            .exclude(status=CaseStatus.CLOSED).order_by("-opened_at")[:MY_WORK_ROWS]
        ),
        "my_tasks": list(
            tasks_visible_to(user).filter(assigned_to=user, done_at__isnull=True)
            .order_by("due_at")[:MY_WORK_ROWS]
        ),
        "now": timezone.now(),
    }


@dataclass(frozen=True)
class EmbassyWork:
    """What waits for an embassy's user, each figure from the owning app's selectors."""

    open_referrals: int
    open_requests: int
    overdue_requests: int
    unread_messages: int
    more_unread: bool
    unread_bulletins: int


# The statuses in which an embassy's own list shows its referral as open.
EMBASSY_OPEN_STATUSES: frozenset[str] = frozenset({
    EmbassyStatus.SUBMITTED, EmbassyStatus.UNDER_REVIEW, EmbassyStatus.ACCEPTED,
    EmbassyStatus.IN_PROGRESS,
})


def embassy_work(user: User) -> EmbassyWork:
    """The embassy's referrals still open, requests from the foundation waiting for the
    embassy (and those past due), the messages the user has not read, and the bulletins
    they have not opened.

    Open referrals are counted as the embassy's own list shows their status
    (tawasul.referrals.embassy_view.embassy_status): one about a person withheld from the
    embassy always reads "submitted", so it counts as open whatever became of it;
    counting it otherwise would tell the embassy which one is withheld."""
    requests = requests_visible_to(user)
    unread = unread_of(user)
    shown_open = [status for status, shown in STATUS_FOR_EMBASSY.items()
                  if shown in EMBASSY_OPEN_STATUSES]
    return EmbassyWork(
        open_referrals=embassy_inbox(user).filter(
            Q(person_no_contact=True) | Q(status__in=shown_open)).count(),
        open_requests=requests.filter(status__in=AWAITING_EMBASSY).count(),
        overdue_requests=overdue(requests).count(),
        unread_messages=unread.messages,
        more_unread=unread.more,
        unread_bulletins=bulletins_for_mission(user).filter(Q(read_at__isnull=True)).count(),
    )


@dataclass(frozen=True)
class NetworkOverview:
    organizations: list[Tally]
    active_services: int
    centers_without_services: int
    embassy_countries: int
    languages_served: list[str]


def network_overview(user: User) -> NetworkOverview:
    services = services_visible_to(user).filter(is_active=True, center__is_active=True)
    languages: set[str] = set()
    for codes in services.values_list("languages", flat=True):
        languages.update(codes or [])
    centers = organizations_visible_to(user).filter(is_active=True, kind=OrganizationKind.CENTER)
    return NetworkOverview(
        organizations=organizations_by_kind(user),
        active_services=services.count(),
        centers_without_services=centers.exclude(
            pk__in=services.values("center_id")
        ).count(),
        embassy_countries=organizations_visible_to(user)
        .filter(is_active=True, kind=OrganizationKind.EMBASSY)
        .order_by()
        .values("country")
        .distinct()
        .count(),
        languages_served=sorted(languages),
    )
