"""Every write to organizations, contacts and services.

Pages, the admin and the API all come here. Each function checks that the actor may do
it (the caller has usually checked already; this is the last line), normalizes text,
validates the model, and saves with its audit entry in one transaction. The audit entry
names the fields touched, never their values.
"""

from __future__ import annotations

from typing import Any, TypedDict, TypeVar, Unpack

from django.db import models, transaction

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.access import require
from tawasul.common.text import clean_text
from tawasul.organizations.access import can_manage_contacts_of, can_manage_services_of
from tawasul.organizations.languages import community_language
from tawasul.organizations.models import Contact, Organization, Service, ServiceTranslation

M = TypeVar("M", bound=models.Model)


class OrganizationFields(TypedDict, total=False):
    code: str
    name_ar: str
    name_en: str
    parent: Organization | None
    domain: str
    country: str
    languages: list[str]
    email: str
    phone: str
    website: str
    address: str
    is_active: bool


class ContactFields(TypedDict, total=False):
    name_ar: str
    name_en: str
    title_ar: str
    title_en: str
    email: str
    phone: str
    languages: list[str]
    is_public: bool
    notes: str


class ServiceFields(TypedDict, total=False):
    code: str
    name_ar: str
    name_en: str
    description_ar: str
    description_en: str
    eligibility_ar: str
    eligibility_en: str
    how_to_refer_ar: str
    how_to_refer_en: str
    languages: list[str]
    is_active: bool


class ServiceTranslationFields(TypedDict, total=False):
    language: str
    name: str
    description: str
    eligibility: str
    how_to_refer: str


def _normalized(model: type[models.Model], fields: dict[str, Any]) -> dict[str, Any]:
    """Text as the documented normalization leaves it (tawasul.common.text), whoever
    the caller: a form has done it already, the admin and scripts may not have."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if isinstance(value, str) and isinstance(field, models.TextField):
            value = clean_text(value, multiline=True)
        elif isinstance(value, str) and type(field) is models.CharField:
            value = clean_text(value)
        elif isinstance(value, str) and isinstance(field, models.EmailField | models.URLField):
            value = value.strip()
        elif name == "languages":
            value = _language_codes(value)
        out[name] = value
    return out


def _language_codes(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.replace("،", ",").split(",")
    seen: list[str] = []
    for code in value or []:
        code = clean_text(str(code)).lower()
        if code and code not in seen:
            seen.append(code)
    return seen


def _create(*, actor: User, instance: M, fields: dict[str, Any]) -> M:
    for name, value in fields.items():
        setattr(instance, name, value)
    with transaction.atomic():
        instance.full_clean()
        instance.save()
        audit_record(action=AuditAction.CREATE, actor=actor, obj=instance, fields=fields)
    return instance


def _update(*, actor: User, instance: M, fields: dict[str, Any]) -> M:
    with transaction.atomic():
        # Compare with the stored row, not with the caller's copy, which a form may
        # already have changed in memory.
        current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, fields[name])
        current.full_clean()
        current.save(update_fields=[*changed, "updated_at"])
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=current, fields=changed)
    return current


def _delete(*, actor: User, instance: models.Model) -> None:
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, actor=actor, obj=instance)
        instance.delete()


# --- Organizations -----------------------------------------------------------------


def _require_admin(actor: User, obj: Organization) -> None:
    require(actor.role == Role.ADMIN and bool(actor.organization_id), actor, obj,
            "manage organizations")


def organization_create(
    *, actor: User, kind: str, **fields: Unpack[OrganizationFields]
) -> Organization:
    organization = Organization(kind=kind)
    _require_admin(actor, organization)
    data = _normalized(Organization, dict(fields))
    return _create(actor=actor, instance=organization, fields={"kind": kind, **data})


def organization_update(
    *, actor: User, organization: Organization, **fields: Unpack[OrganizationFields]
) -> Organization:
    """The kind is fixed once created: users' roles depend on it."""
    _require_admin(actor, organization)
    return _update(
        actor=actor, instance=organization, fields=_normalized(Organization, dict(fields))
    )


# --- Contacts ----------------------------------------------------------------------


def contact_create(
    *, actor: User, organization: Organization, **fields: Unpack[ContactFields]
) -> Contact:
    require(can_manage_contacts_of(actor, organization), actor, organization, "manage contacts")
    return _create(
        actor=actor,
        instance=Contact(organization=organization),
        fields=_normalized(Contact, dict(fields)),
    )


def contact_update(*, actor: User, contact: Contact, **fields: Unpack[ContactFields]) -> Contact:
    require(can_manage_contacts_of(actor, contact.organization), actor, contact,
            "manage contacts")
    return _update(actor=actor, instance=contact, fields=_normalized(Contact, dict(fields)))


def contact_delete(*, actor: User, contact: Contact) -> None:
    require(can_manage_contacts_of(actor, contact.organization), actor, contact,
            "manage contacts")
    _delete(actor=actor, instance=contact)


# --- Services ----------------------------------------------------------------------


def service_create(
    *, actor: User, center: Organization, **fields: Unpack[ServiceFields]
) -> Service:
    require(can_manage_services_of(actor, center), actor, center, "manage services")
    return _create(
        actor=actor, instance=Service(center=center), fields=_normalized(Service, dict(fields))
    )


def service_update(*, actor: User, service: Service, **fields: Unpack[ServiceFields]) -> Service:
    require(can_manage_services_of(actor, service.center), actor, service, "manage services")
    return _update(actor=actor, instance=service, fields=_normalized(Service, dict(fields)))


def service_delete(*, actor: User, service: Service) -> None:
    require(can_manage_services_of(actor, service.center), actor, service, "manage services")
    _delete(actor=actor, instance=service)


# --- Translations of services --------------------------------------------------------
# Whoever keeps a center's catalog keeps its entries in every language.


def _translation_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Normalized text; a language named by another of its codes (`fil`) stored as the
    list of community languages names it (`tl`)."""
    data = _normalized(ServiceTranslation, fields)
    if "language" in data and (lang := community_language(data["language"])) is not None:
        data["language"] = lang.code
    return data


def service_translation_create(
    *, actor: User, service: Service, **fields: Unpack[ServiceTranslationFields]
) -> ServiceTranslation:
    require(can_manage_services_of(actor, service.center), actor, service, "manage services")
    return _create(
        actor=actor, instance=ServiceTranslation(service=service),
        fields=_translation_fields(dict(fields)),
    )


def service_translation_update(
    *, actor: User, translation: ServiceTranslation,
    **fields: Unpack[ServiceTranslationFields],
) -> ServiceTranslation:
    require(can_manage_services_of(actor, translation.service.center), actor, translation,
            "manage services")
    return _update(actor=actor, instance=translation,
                   fields=_translation_fields(dict(fields)))


def service_translation_delete(*, actor: User, translation: ServiceTranslation) -> None:
    require(can_manage_services_of(actor, translation.service.center), actor, translation,
            "manage services")
    _delete(actor=actor, instance=translation)
