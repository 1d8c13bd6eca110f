"""Scoped reads of organizations, contacts and services. Every list starts here."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from tawasul.accounts.roles import Role
from tawasul.common.access import as_member
from tawasul.organizations.languages import community_languages_in
from tawasul.organizations.models import (
    Contact,
    Organization,
    OrganizationKind,
    Service,
    ServiceTranslation,
)


def organizations_visible_to(viewer: object) -> QuerySet[Organization]:
    """The directory: every active organization is public to signed-in members.
    Inactive ones only to foundation administrators."""
    qs = Organization.objects.select_related("parent")
    user = as_member(viewer)
    if user is None:
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    return qs.filter(Q(is_active=True) | Q(pk=user.organization_id))


def contacts_visible_to(viewer: object) -> QuerySet[Contact]:
    """Directory contacts to every member; the rest to their own organization and to the
    foundation's administrators and liaison officers, who keep the partner network."""
    qs = Contact.objects.select_related("organization")
    user = as_member(viewer)
    if user is None:
        return qs.none()
    if user.role in (Role.ADMIN, Role.LIAISON_OFFICER):
        return qs
    return qs.filter(
        Q(is_public=True, organization__is_active=True) | Q(organization_id=user.organization_id)
    )


def services_visible_to(viewer: object) -> QuerySet[Service]:
    """Active services of active centers to every member (embassies need to know where to
    refer); inactive entries only to their center and to foundation administrators."""
    qs = Service.objects.select_related("center")
    user = as_member(viewer)
    if user is None:
        return qs.none()
    if user.role == Role.ADMIN:
        return qs
    return qs.filter(
        Q(is_active=True, center__is_active=True) | Q(center_id=user.organization_id)
    )


def service_translations_visible_to(viewer: object) -> QuerySet[ServiceTranslation]:
    """A translation is seen by whoever sees its service."""
    return ServiceTranslation.objects.select_related("service__center").filter(
        service__in=services_visible_to(viewer)
    )


def with_translations(services: QuerySet[Service]) -> QuerySet[Service]:
    """Each service with its translations, in one more query for the whole page."""
    return services.prefetch_related(
        Prefetch("translations", queryset=ServiceTranslation.objects.order_by("language"))
    )


def translation_for(service: Service, languages: list[str]) -> ServiceTranslation | None:
    """The service's translation into the first of `languages` it has (prefetched with
    `with_translations`)."""
    by_language = {t.language: t for t in service.translations.all()}
    return next((by_language[code] for code in languages if code in by_language), None)


def matching_translations(q: str) -> QuerySet[ServiceTranslation]:
    """Translations whose name or description holds `q`: a search typed in a community
    language finds the entry. Combine with a scoped list of services, never alone."""
    return ServiceTranslation.objects.filter(Q(name__icontains=q) | Q(description__icontains=q))


def translation_languages(services: QuerySet[Service]) -> list[str]:
    """The languages into which at least one of `services` is translated."""
    return sorted(
        ServiceTranslation.objects.filter(service__in=services)
        .order_by().values_list("language", flat=True).distinct()
    )


def own_languages(viewer: object) -> list[str]:
    """The community languages a directory reader works in, in order: an embassy's own
    languages (`Organization.languages`, as its mission record gives them); nobody else's
    for now, who pick a language themselves."""
    user = as_member(viewer)
    if user is None or user.organization is None:
        return []
    if user.organization.kind != OrganizationKind.EMBASSY:
        return []
    return community_languages_in(user.organization.languages)


def centers() -> QuerySet[Organization]:
    return Organization.objects.filter(kind=OrganizationKind.CENTER, is_active=True)
