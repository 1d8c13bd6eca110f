"""Scoped reads of the diplomatic network. Every list starts here.

The foundation's administrators and liaison officers keep the network: they see every
mission with all its focal points, the correspondence log and every bulletin with its
read receipts. A mission's users see the bulletins sent to their mission, and nothing
else of the network (not the correspondence log, not other missions' bulletins, not who
else received a bulletin). Everyone else sees nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.common.access import as_member
from tawasul.network.models import (
    Bulletin,
    BulletinDelivery,
    BulletinReceipt,
    Correspondence,
)
from tawasul.organizations.models import Contact, Organization, OrganizationKind
from tawasul.organizations.selectors import contacts_visible_to, organizations_visible_to

NETWORK_MANAGER_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.LIAISON_OFFICER})
EMBASSY_ROLES: frozenset[str] = frozenset({Role.CONSULAR_OFFICER, Role.EMBASSY_VIEWER})


def network_manager(viewer: object) -> User | None:
    """The user if they keep the network (foundation administrators and liaison officers)."""
    user = as_member(viewer)
    if user is None or user.role not in NETWORK_MANAGER_ROLES:
        return None
    if user.kind != OrganizationKind.FOUNDATION:
        return None
    return user


def embassy_member(viewer: object) -> User | None:
    """The user if they work for a mission (consular officers and embassy viewers)."""
    user = as_member(viewer)
    if user is None or user.role not in EMBASSY_ROLES:
        return None
    if user.kind != OrganizationKind.EMBASSY:
        return None
    return user


def missions_visible_to(viewer: object) -> QuerySet[Organization]:
    """The missions (embassies) of the directory, for those who keep the network."""
    user = network_manager(viewer)
    if user is None:
        return Organization.objects.none()
    return organizations_visible_to(user).filter(kind=OrganizationKind.EMBASSY)


def missions_speaking(viewer: object, language: str) -> list[Any]:
    """Ids of the missions that work in `language`, or have a focal point who speaks it.
    JSON containment is not available on SQLite; the missions are few enough to match
    their language lists here."""
    missions = missions_visible_to(viewer).order_by()
    ids = {pk for pk, languages in missions.values_list("pk", "languages")
           if language in (languages or [])}
    ids.update(organization_id for organization_id, languages in
               mission_contacts_visible_to(viewer).order_by()
               .values_list("organization_id", "languages")
               if language in (languages or []))
    return list(ids)


def mission_contacts_visible_to(viewer: object) -> QuerySet[Contact]:
    """Every focal point of every mission, internal ones included (the network's keepers
    see them all, as organizations.selectors.contacts_visible_to says)."""
    user = network_manager(viewer)
    if user is None:
        return Contact.objects.none()
    return contacts_visible_to(user).filter(organization__kind=OrganizationKind.EMBASSY)


def missions_with_contacts(viewer: object) -> QuerySet[Organization]:
    """The directory page: missions with their focal points (as `focal_points`) and a
    summary of their correspondence, in a constant number of queries."""
    return missions_visible_to(viewer).annotate(
        correspondence_count=Count("correspondence", distinct=True),
        last_correspondence_on=Max("correspondence__occurred_on"),
    ).prefetch_related(
        Prefetch("contacts",
                 queryset=mission_contacts_visible_to(viewer).order_by("-is_public", "name_en"),
                 to_attr="focal_points")
    )


def correspondence_visible_to(viewer: object) -> QuerySet[Correspondence]:
    """The correspondence log: for the network's keepers only. A mission never sees it,
    not even its own entries."""
    if network_manager(viewer) is None:
        return Correspondence.objects.none()
    return Correspondence.objects.select_related("mission", "recorded_by")


def bulletins_visible_to(viewer: object) -> QuerySet[Bulletin]:
    """Every bulletin to the network's keepers; to a mission's users, the bulletins sent
    to their mission; nothing to anyone else."""
    qs = Bulletin.objects.select_related("sent_by")
    if network_manager(viewer) is not None:
        return qs
    member = embassy_member(viewer)
    if member is None:
        return qs.none()
    return qs.filter(
        Exists(BulletinDelivery.objects.filter(bulletin=OuterRef("pk"),
                                               mission_id=member.organization_id))
    )


def bulletins_for_keepers(viewer: object) -> QuerySet[Bulletin]:
    """The keepers' list: each bulletin with how many missions received and read it."""
    if network_manager(viewer) is None:
        return Bulletin.objects.none()
    return bulletins_visible_to(viewer).annotate(
        mission_count=Count("deliveries", distinct=True),
        # A delivery with at least one receipt: a mission where someone read it.
        read_mission_count=Count("deliveries__receipts__delivery", distinct=True),
    )


def bulletins_for_mission(viewer: object) -> QuerySet[Bulletin]:
    """A mission user's list: their bulletins, each marked whether they have read it."""
    member = embassy_member(viewer)
    if member is None:
        return Bulletin.objects.none()
    return bulletins_visible_to(member).annotate(
        read_at=Max("deliveries__receipts__read_at",
                    filter=Q(deliveries__mission_id=member.organization_id,
                             deliveries__receipts__user=member)),
    )


def deliveries_with_receipts(viewer: object, bulletin: Bulletin) -> QuerySet[BulletinDelivery]:
    """Who received a bulletin and who read it when: for the network's keepers only."""
    if network_manager(viewer) is None:
        return BulletinDelivery.objects.none()
    return (
        BulletinDelivery.objects.filter(bulletin=bulletin)
        .select_related("mission")
        .prefetch_related(Prefetch(
            "receipts",
            queryset=BulletinReceipt.objects.select_related("user").order_by("read_at"),
            to_attr="read_by",
        ))
    )


def receipt_of(viewer: object, bulletin: Bulletin) -> BulletinReceipt | None:
    """The mission user's own receipt of the bulletin, if they have read it."""
    member = embassy_member(viewer)
    if member is None:
        return None
    return BulletinReceipt.objects.filter(
        delivery__bulletin=bulletin, delivery__mission_id=member.organization_id, user=member
    ).first()
