"""Django admin for the person registry. Every save goes through the services (audited,
validated, same rules as the pages); opening a person's record is an audited read. Only
foundation administrators get in.

Identifiers, relationships and flags are records of what happened: in the admin they are
added or removed, not edited in place; a flag is cleared, never deleted.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.common.errors import DomainError
from tawasul.organizations.admin import AdminRoleOnly
from tawasul.people import access, services
from tawasul.people.models import (
    Consent,
    Person,
    PersonIdentifier,
    PersonMerge,
    Relationship,
    SafetyFlag,
)

PERSON_FIELDS = services.PERSON_FIELDS


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _as_validation_error(error: DomainError) -> ValidationError:
    return ValidationError(str(error.message), code=error.code)


class IdentifierInline(AdminRoleOnly, admin.TabularInline):
    model = PersonIdentifier
    fields = ("type", "value", "issuing_country")
    extra = 0

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # New rows are still editable (Django asks add permission for them).
        return False


class SafetyFlagInline(AdminRoleOnly, admin.TabularInline):
    model = SafetyFlag
    fields = ("kind", "note", "set_by", "set_at", "cleared_at")
    readonly_fields = ("set_by", "set_at", "cleared_at")
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RelationshipInline(AdminRoleOnly, admin.TabularInline):
    model = Relationship
    fk_name = "from_person"
    fields = ("kind", "to_person", "is_legal_guardian", "start_date", "end_date")
    autocomplete_fields = ("to_person",)
    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PersonAdminForm(forms.ModelForm):
    """Runs the services' checks on the form, so a refused value shows as a field error
    and the form keeps what was typed."""

    class Meta:
        model = Person
        fields = ("registered_by_organization", *PERSON_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {n: data[n] for n in PERSON_FIELDS if n in data}
        try:
            data.update(services.normalized_person_fields(values))
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None,
                           _as_validation_error(error))
        return data


@admin.register(Person)
class PersonAdmin(AdminRoleOnly, admin.ModelAdmin):
    form = PersonAdminForm
    list_display = ("reference", "full_name_ar", "full_name_latin", "nationality",
                    "date_of_birth", "registered_by_organization", "is_active")
    list_filter = ("is_active", "sex", "registered_by_organization")
    search_fields = ("reference", "full_name_ar", "full_name_latin", "given_name_ar",
                     "family_name_ar", "given_name_latin", "family_name_latin",
                     "identifiers__value")
    list_select_related = ("registered_by_organization",)
    fields = ("reference", "registered_by_organization", *PERSON_FIELDS, "merged_into",
              "is_active")
    readonly_fields = ("reference", "merged_into", "is_active")
    inlines = [IdentifierInline, SafetyFlagInline, RelationshipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        base = ("reference", "merged_into", "is_active")
        return (*base, "registered_by_organization") if obj is not None else base

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # persons are merged or deactivated, never deleted

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "GET":
            person = access.access_person(request.user, object_id)
            access.person_read_audited(
                _actor(request), person, ("reference", *PERSON_FIELDS, "identifiers",
                                          "safety_flags", "relationships"),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = _actor(request)
        fields: Any
        if change:
            fields = {n: getattr(obj, n) for n in PERSON_FIELDS if n in form.changed_data}
            services.person_update(actor=actor, person=obj, **fields)
        else:
            fields = {n: getattr(obj, n) for n in PERSON_FIELDS}
            saved = services.person_register(
                actor=actor, organization=obj.registered_by_organization, **fields
            )
            obj.pk = saved.pk
            obj.reference = saved.reference
            obj._state.adding = False
            obj._state.db = saved._state.db

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        actor = _actor(request)
        formset.save(commit=False)
        person: Person = form.instance
        for obj in formset.deleted_objects:
            if isinstance(obj, PersonIdentifier):
                services.identifier_remove(actor=actor, identifier=obj)
            elif isinstance(obj, Relationship):
                services.relationship_remove(actor=actor, relationship=obj)
        for obj in formset.new_objects:
            try:
                if isinstance(obj, PersonIdentifier):
                    services.identifier_add(actor=actor, person=person, type=obj.type,
                                            value=obj.value,
                                            issuing_country=str(obj.issuing_country or ""))
                elif isinstance(obj, SafetyFlag):
                    services.safety_flag_set(actor=actor, person=person, kind=obj.kind,
                                             note=obj.note)
                elif isinstance(obj, Relationship):
                    services.relationship_add(
                        actor=actor, from_person=person, to_person=obj.to_person,
                        kind=obj.kind, is_legal_guardian=obj.is_legal_guardian,
                        start_date=obj.start_date, end_date=obj.end_date,
                    )
            except DomainError as error:
                # The person is saved; say what was refused instead of failing the page.
                messages.error(request, f"{obj._meta.verbose_name}: {error.message}")


@admin.register(SafetyFlag)
class SafetyFlagAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ("person", "kind", "set_by", "set_at", "cleared_at")
    list_filter = ("kind",)
    list_select_related = ("person", "set_by")
    readonly_fields = ("person", "kind", "note", "set_by", "set_at", "cleared_at", "cleared_by")
    actions = ["clear_flags"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # set from the person's page

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Clear the selected flags"))
    def clear_flags(self, request: HttpRequest, queryset: QuerySet[SafetyFlag]) -> None:
        for flag in queryset.filter(cleared_at__isnull=True).select_related("person"):
            services.safety_flag_clear(actor=_actor(request), flag=flag,
                                       reason="cleared in the admin")


@admin.register(Consent)
class ConsentAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ("person", "purpose", "granted_at", "expires_at", "withdrawn_at")
    list_filter = ("purpose",)
    list_select_related = ("person",)
    autocomplete_fields = ("person", "granted_by_person", "recipients")
    fields = ("person", "granted_by_person", "granted_by_name", "granted_by_relationship",
              "purpose", "purpose_text", "recipients", "data_categories", "evidence",
              "granted_at", "expires_at", "withdrawn_at", "withdrawn_by",
              "withdrawal_reason")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ("withdrawn_at", "withdrawn_by", "withdrawal_reason")
        # A consent is a record: once given it is only withdrawn, with a reason.
        editable = () if obj.withdrawn_at else ("withdrawal_reason",)
        return tuple(f for f in self.fields or () if f not in editable)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            self._save(request, obj, form, change)
        except DomainError as error:
            # Consent is recorded in one step; a refusal leaves nothing saved.
            messages.error(request, str(error.message))

    def _save(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = _actor(request)
        if change:
            if "withdrawal_reason" in form.changed_data and obj.withdrawal_reason:
                services.consent_withdraw(actor=actor, consent=obj,
                                          reason=obj.withdrawal_reason)
            return
        data = form.cleaned_data
        saved = services.consent_record(
            actor=actor, person=data["person"], purpose=data["purpose"],
            recipients=data["recipients"], data_categories=data["data_categories"] or [],
            granted_at=data.get("granted_at"), expires_at=data.get("expires_at"),
            granted_by_person=data.get("granted_by_person"),
            granted_by_name=data.get("granted_by_name", ""),
            granted_by_relationship=data.get("granted_by_relationship", ""),
            purpose_text=data.get("purpose_text", ""),
            evidence=data.get("evidence") or None,
        )
        obj.pk = saved.pk
        obj._state.adding = False
        obj._state.db = saved._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The service set the recipients; the form must not save them again.
        return None


@admin.register(PersonMerge)
class PersonMergeAdmin(AdminRoleOnly, admin.ModelAdmin):
    """The merge history, read only: merging and undoing go through the pages
    (tawasul.people.merge_views), which show what a merge would move before it does."""

    list_display = ("merged_at", "duplicate_reference", "survivor_reference", "actor",
                    "unmerged_at")
    list_select_related = ("survivor", "duplicate", "actor")
    # Not `moved` itself: it holds the values filled into the survivor.
    fields = ("duplicate_reference", "survivor_reference", "actor", "reason", "merged_at",
              "moved_summary", "unmerged_at", "unmerged_by", "unmerge_reason")
    readonly_fields = fields

    @admin.display(description=_("duplicate record"))
    def duplicate_reference(self, obj: PersonMerge) -> str:
        return obj.duplicate.reference

    @admin.display(description=_("surviving record"))
    def survivor_reference(self, obj: PersonMerge) -> str:
        return obj.survivor.reference

    @admin.display(description=_("what was moved"))
    def moved_summary(self, obj: PersonMerge) -> str:
        from tawasul.people.merge import moved_counts

        return ", ".join(f"{name}: {count}" for name, count in moved_counts(obj)) or "—"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
