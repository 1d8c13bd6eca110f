"""What the public service directory shows to anyone, signed in or not.

Only what an organization publishes about itself: active centers with their active
services, the civil-society organizations the foundation works with, their institutional
channels (email, phone, website, address), and the contact points they marked for the
directory (`Contact.is_public`) — of those, the function, the languages and the work
phone and email, never the person's name or the internal notes, which
`public_contact_points` does not even read. Internal contacts, users, persons, cases and
anything else of the platform are out of reach of these functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import get_language

from tawasul.organizations.models import (
    Contact,
    Organization,
    OrganizationKind,
    Service,
    ServiceTranslation,
)

# The only fields of a contact the public directory reads.
PUBLIC_CONTACT_FIELDS: tuple[str, ...] = (
    "organization_id", "title_ar", "title_en", "email", "phone", "languages",
)


@dataclass(frozen=True)
class ContactPoint:
    """A published way to reach an organization: what it is for, not who answers."""

    title_ar: str
    title_en: str
    email: str
    phone: str
    languages: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        if (get_language() or "ar").startswith("ar"):
            return self.title_ar or self.title_en
        return self.title_en or self.title_ar


def public_services() -> QuerySet[Service]:
    return Service.objects.filter(
        is_active=True, center__is_active=True, center__kind=OrganizationKind.CENTER
    )


def public_centers(services: QuerySet[Service] | None = None) -> QuerySet[Organization]:
    """Active centers that offer at least one of `services` (every public service by
    default), each with those services as `public_services`, and their translations."""
    services = public_services() if services is None else services
    translations = Prefetch("translations",
                            queryset=ServiceTranslation.objects.order_by("language"))
    return (
        Organization.objects.filter(kind=OrganizationKind.CENTER, is_active=True)
        .filter(pk__in=services.values("center_id"))
        .prefetch_related(Prefetch("services", queryset=services.prefetch_related(translations),
                                   to_attr="public_services"))
    )


def public_civil_society() -> QuerySet[Organization]:
    """The civil-society organizations in the directory: those the foundation works with."""
    return Organization.objects.filter(kind=OrganizationKind.NGO, is_active=True)


def public_contact_points(organization_ids: Iterable[Any]) -> dict[Any, list[ContactPoint]]:
    """The published contact points of these organizations, by organization id."""
    points: dict[Any, list[ContactPoint]] = defaultdict(list)
    rows = (
        Contact.objects.filter(is_public=True, organization__is_active=True,
                               organization_id__in=list(organization_ids))
        .filter(Q(email__gt="") | Q(phone__gt=""))
        .order_by("title_en", "pk")
        .values(*PUBLIC_CONTACT_FIELDS)
    )
    for row in rows:
        organization_id = row.pop("organization_id")
        row["languages"] = list(row["languages"] or [])
        points[organization_id].append(ContactPoint(**row))
    return dict(points)


def public_translation_languages() -> list[str]:
    """Every community language some public service is translated into."""
    return sorted(
        ServiceTranslation.objects.filter(service__in=public_services())
        .order_by().values_list("language", flat=True).distinct()
    )


def public_translations_matching(q: str) -> QuerySet[ServiceTranslation]:
    """Translations of public services whose name or description holds `q`."""
    return ServiceTranslation.objects.filter(service__in=public_services()).filter(
        Q(name__icontains=q) | Q(description__icontains=q)
    )


def public_languages() -> list[str]:
    """Every language some public service is offered in, or a listed civil-society
    organization works in."""
    codes: set[str] = set()
    for languages in public_services().order_by().values_list("languages", flat=True):
        codes.update(languages or [])
    for languages in public_civil_society().order_by().values_list("languages", flat=True):
        codes.update(languages or [])
    return sorted(codes)
