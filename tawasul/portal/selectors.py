"""Community counts: how many referrals and cases concern a country's nationals, by the
domain of the centre and by month over the last twelve months, with small counts
suppressed (tawasul.portal.suppression). Aggregates only; no row of a person, a case or a
referral leaves this module.

Who sees which community (DESIGN rules 4 and 5):
- an embassy's consular officers and viewers: their own country's nationals, nothing else;
- the ministry's supervisors and the foundation's analysts: any country (aggregates are
  what oversight and the observatory read), the very same suppressed tables;
- everyone else (centre staff, the foundation's other roles, partners): nothing.

What is counted:
- referrals: every referral of a national of the country to a centre (from another
  centre, or from the foundation's intake desk routing an embassy's referral), by its
  `domain` and the month it was sent, whatever became of it. An embassy's own referrals
  to the foundation are not counted: the embassy knows them, and counting them would
  count each routed one twice;
- cases: every case of a national, by the domain of its centre and the month it opened.
A person flagged *no contact with home country* is left out of their country's counts
altogether, for every reader of those tables: the embassy must not learn of them even as
one in a count, and the oversight readers see the same tables so that no two versions of
one community's counts exist to be compared.

Months are calendar months in the site's time zone, the current one included. Each
table is suppressed on its own. A reader who keeps the tables of two different days can
compare them: counts change when cases open, when records are corrected or merged, and
when a person is flagged (and so leaves the counts); and tables a month apart share
eleven months. The suppression does not cover comparisons across days; what it protects
is each table as shown.

Cost: one aggregate query per table (grouped by domain and month in the database), so
the same two queries whatever the size of the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.cases.models import Case
from tawasul.common.access import as_member
from tawasul.coordination.selectors import embassy_member
from tawasul.organizations.models import CenterDomain, OrganizationKind
from tawasul.people.models import SafetyFlag, SafetyFlagKind
from tawasul.portal.suppression import Entry, PublishedTable, suppress
from tawasul.referrals.models import Referral

MONTHS = 12
# (organization kind, role) of those who see every community's counts.
OVERSIGHT_ROLES: frozenset[tuple[str, str]] = frozenset({
    (OrganizationKind.MINISTRY, Role.SUPERVISOR),
    (OrganizationKind.FOUNDATION, Role.ANALYST),
})

REFERRALS = "referrals"
CASES = "cases"
MEASURES: dict[str, Promise] = {
    REFERRALS: _("Referrals of nationals to the centers, by domain and month sent"),
    CASES: _("Cases of nationals, by domain of the center and month opened"),
}


def community_overseer(viewer: object) -> User | None:
    """A reader of every community's counts: the ministry's supervisors, the analysts."""
    user = as_member(viewer)
    if user is None or (user.kind, user.role) not in OVERSIGHT_ROLES:
        return None
    return user


def own_community(viewer: object) -> str | None:
    """The country whose counts an embassy's user sees (None for everyone else)."""
    member = embassy_member(viewer)
    if member is None or member.organization is None or not member.organization.country:
        return None
    return str(member.organization.country)


def sees_communities(viewer: object) -> bool:
    """Whether the user has a community page at all."""
    return own_community(viewer) is not None or community_overseer(viewer) is not None


def may_see_community(viewer: object, country: str) -> bool:
    if community_overseer(viewer) is not None:
        return True
    own = own_community(viewer)
    return own is not None and own == country


# --- The counts ---------------------------------------------------------------------------


def month_window(today: dt.date | None = None, months: int = MONTHS) -> list[dt.date]:
    """The first days of the last `months` calendar months, oldest first, this one last."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    firsts = []
    for _i in range(months):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min),
                               timezone.get_default_timezone())


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _flagged_against_home() -> Exists:
    """The row's person has an open *no contact with home country* flag."""
    return Exists(SafetyFlag.objects.filter(
        person=OuterRef("person_id"), kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY,
        cleared_at__isnull=True,
    ))


def _grouped(qs: QuerySet[Case] | QuerySet[Referral], *, domain: str, at: str,
             months: list[dt.date]) -> dict[tuple[str, dt.date], int]:
    tz = timezone.get_default_timezone()
    rows = (
        qs.filter(**{f"{at}__gte": _start_of(months[0]),
                     f"{at}__lt": _start_of(_next_month(months[-1]))})
        .filter(~_flagged_against_home())
        .annotate(month=TruncMonth(at, tzinfo=tz))
        .order_by()
        .values_list(domain, "month")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[str, dt.date], int] = {}
    for domain_value, month, n in rows:
        day = timezone.localtime(month, tz).date() if isinstance(month, dt.datetime) else month
        key = (domain_value, day)
        counts[key] = counts.get(key, 0) + n
    return counts


def referral_counts(country: str, months: list[dt.date]) -> dict[tuple[str, dt.date], int]:
    return _grouped(Referral.objects.filter(person__nationality=country,
                                            to_organization__kind=OrganizationKind.CENTER),
                    domain="domain", at="sent_at", months=months)


def case_counts(country: str, months: list[dt.date]) -> dict[tuple[str, dt.date], int]:
    return _grouped(Case.objects.filter(person__nationality=country),
                    domain="center__domain", at="opened_at", months=months)


@dataclass(frozen=True)
class TableRow:
    domain: str
    label: str | Promise
    cells: tuple[Entry, ...]
    total: Entry


@dataclass(frozen=True)
class CommunityTable:
    measure: str
    title: str | Promise
    domains: Sequence[tuple[str, str | Promise]]  # (code, label), one per row
    published: PublishedTable

    @property
    def rows(self) -> list[TableRow]:
        return [
            TableRow(code, label, cells, total) for (code, label), cells, total in zip(
                self.domains, self.published.cells, self.published.row_totals, strict=True)
        ]


@dataclass(frozen=True)
class CommunityCounts:
    country: str
    months: list[dt.date]
    tables: list[CommunityTable]

    @property
    def country_name(self) -> str:
        """In the active language."""
        return str(countries.name(self.country)) or self.country


def _table(measure: str, counts: dict[tuple[str, dt.date], int],
           months: list[dt.date]) -> CommunityTable:
    domains = list(CenterDomain.choices)
    matrix = [[counts.get((code, month), 0) for month in months] for code, _label in domains]
    return CommunityTable(measure=measure, title=MEASURES[measure], domains=domains,
                          published=suppress(matrix))


def community_counts(country: str, today: dt.date | None = None) -> CommunityCounts:
    """The suppressed tables of one country. Call it only for a country the reader may
    see (tawasul.portal.access.access_community); the true counts stay in here."""
    months = month_window(today)
    return CommunityCounts(country=country, months=months, tables=[
        _table(REFERRALS, referral_counts(country, months), months),
        _table(CASES, case_counts(country, months), months),
    ])
