"""Django admin for the directory. Saves and deletes go through the services, so the admin
is audited and follows the same rules as the pages; only foundation administrators get in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.organizations import services
from tawasul.organizations.forms import LanguagesField
from tawasul.organizations.models import Contact, Organization, OrganizationKind, Service

ORGANIZATION_FIELDS = (
    "code", "name_ar", "name_en", "parent", "domain", "country", "languages", "email",
    "phone", "website", "address", "is_active",
)
CONTACT_FIELDS = (
    "name_ar", "name_en", "title_ar", "title_en", "email", "phone", "languages", "is_public",
    "notes",
)
SERVICE_FIELDS = (
    "code", "name_ar", "name_en", "description_ar", "description_en", "eligibility_ar",
    "eligibility_en", "how_to_refer_ar", "how_to_refer_en", "languages", "is_active",
)


def _values(obj: Model, names: tuple[str, ...], only: list[str] | None = None) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names if only is None or n in only}


def _adopt(obj: Model, saved: Model) -> None:
    """The admin keeps working with its own instance (for its log and redirect): make it
    the row the service saved."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj._state.db = saved._state.db


class AdminRoleOnly:
    """Roles are data, not Django groups: the admin role may manage the directory, nobody
    else (not even a superuser without an organization)."""

    def _is_admin(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_authenticated
            and user.is_active
            and getattr(user, "organization_id", None)
            and getattr(user, "role", "") == Role.ADMIN
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)


class _LanguagesForm(ModelForm):
    languages = LanguagesField()


class ContactInline(AdminRoleOnly, admin.StackedInline):
    model = Contact
    form = _LanguagesForm
    fields = CONTACT_FIELDS
    extra = 0


class ServiceInline(AdminRoleOnly, admin.StackedInline):
    model = Service
    form = _LanguagesForm
    fields = SERVICE_FIELDS
    extra = 0
    show_change_link = True


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@admin.register(Organization)
class OrganizationAdmin(AdminRoleOnly, admin.ModelAdmin):
    form = _LanguagesForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name_ar", "name_en", "kind", "domain", "country", "is_active")
    list_filter = ("kind", "domain", "is_active", "country")
    search_fields = ("name_ar", "name_en", "code")
    ordering = ("kind", "name_en")
    fields = ("kind", *ORGANIZATION_FIELDS)
    autocomplete_fields = ("parent",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Users' roles depend on the kind: it is fixed once the organization exists.
        return ("kind",) if obj is not None else ()

    def get_inlines(
        self, request: HttpRequest, obj: Any
    ) -> list[type[admin.options.InlineModelAdmin[Any, Any]]]:
        if obj is not None and obj.kind == OrganizationKind.CENTER:
            return [ContactInline, ServiceInline]
        return [ContactInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Organizations are deactivated, never deleted: users, cases and the audit trail
        # refer to them.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields: Any
        if change:
            fields = _values(obj, ORGANIZATION_FIELDS, form.changed_data)
            services.organization_update(actor=_actor(request), organization=obj, **fields)
        else:
            fields = _values(obj, ORGANIZATION_FIELDS)
            saved = services.organization_create(actor=_actor(request), kind=obj.kind, **fields)
            _adopt(obj, saved)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        actor = _actor(request)
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            if isinstance(obj, Contact):
                services.contact_delete(actor=actor, contact=obj)
            elif isinstance(obj, Service):
                services.service_delete(actor=actor, service=obj)
        for obj in formset.new_objects:
            _save_child(actor, obj, None)
        for obj, changed in formset.changed_objects:
            _save_child(actor, obj, changed)


def _save_child(actor: User, obj: Model, changed: list[str] | None) -> None:
    """Create (changed is None) or update a contact or service through its service."""
    if isinstance(obj, Contact):
        if changed is None:
            fields: Any = _values(obj, CONTACT_FIELDS)
            _adopt(obj, services.contact_create(
                actor=actor, organization=obj.organization, **fields
            ))
        else:
            fields = _values(obj, CONTACT_FIELDS, changed)
            services.contact_update(actor=actor, contact=obj, **fields)
    elif isinstance(obj, Service):
        if changed is None:
            fields = _values(obj, SERVICE_FIELDS)
            _adopt(obj, services.service_create(actor=actor, center=obj.center, **fields))
        else:
            fields = _values(obj, SERVICE_FIELDS, changed)
            services.service_update(actor=actor, service=obj, **fields)


@admin.register(Contact)
class ContactAdmin(AdminRoleOnly, admin.ModelAdmin):
    form = _LanguagesForm
    list_display = ("name_ar", "name_en", "organization", "email", "phone", "is_public")
    list_filter = ("is_public", "organization__kind")
    search_fields = (
        "name_ar", "name_en", "email", "organization__name_ar", "organization__name_en",
    )
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    fields = ("organization", *CONTACT_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("organization",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _save_child(_actor(request), obj, form.changed_data if change else None)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.contact_delete(actor=_actor(request), contact=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for contact in queryset.select_related("organization"):
            services.contact_delete(actor=_actor(request), contact=contact)


@admin.register(Service)
class ServiceAdmin(AdminRoleOnly, admin.ModelAdmin):
    form = _LanguagesForm
    list_display = ("name_ar", "name_en", "center", "code", "is_active")
    list_filter = ("is_active", "center")
    search_fields = ("name_ar", "name_en", "code", "center__name_ar", "center__name_en")
    list_select_related = ("center",)
    fields = ("center", *SERVICE_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("center",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _save_child(_actor(request), obj, form.changed_data if change else None)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.service_delete(actor=_actor(request), service=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for service in queryset.select_related("center"):
            services.service_delete(actor=_actor(request), service=service)
