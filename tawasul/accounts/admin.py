"""The Django admin for users.

Only the foundation's administrators use the Django admin (is_staff follows the role, see
services.py). Every save and action goes through tawasul.accounts.services, so the admin
writes the same audit entries as the pages do; nothing is deleted, accounts are disabled.
"""

from __future__ import annotations

import contextvars
from typing import Any

from allauth.account.decorators import secure_admin_login
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tawasul.accounts import services
from tawasul.accounts.access import can_manage_user
from tawasul.accounts.forms import (
    ADMIN_EDITABLE_FIELDS,
    OptionalReasonForm,
    ReasonForm,
    UserAdminChangeForm,
    UserAdminCreationForm,
    UserAdminPasswordForm,
)
from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.common.errors import DomainError

# The admin has its own sign-in form, which would skip allauth's second step (the
# authenticator code) and the lockout page: send it to allauth's sign-in instead.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# Authenticators are removed by services.user_reset_two_factor (audited), not edited.
if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)

# The administrator changing a password in the admin, for the form's save() below: the
# admin builds that form without the request.
_password_actor: contextvars.ContextVar[User | None] = contextvars.ContextVar(
    "tawasul_admin_password_actor", default=None
)


class ServicePasswordForm(UserAdminPasswordForm):
    def save(self, commit: bool = True) -> User:
        actor = _password_actor.get()
        if actor is None:
            raise RuntimeError("the password form is saved only from UserAdmin")
        return services.user_set_password(
            actor=actor, user=self.user, password=self.new_password()
        )


def _is_foundation_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_authenticated
        and user.is_active
        and getattr(user, "organization_id", None)
        and getattr(user, "role", "") == Role.ADMIN
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    change_password_form = ServicePasswordForm
    list_display = (
        "username",
        "display_name",
        "organization",
        "role",
        "is_active",
        "is_demo",
        "last_login",
    )
    list_filter = ("organization__kind", "organization", "role", "is_active", "is_demo")
    list_select_related = ("organization",)
    search_fields = ("username", "full_name_ar", "full_name_en", "email")
    ordering = ("username",)
    readonly_fields = ("is_active", "is_staff", "is_superuser", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name_ar", "full_name_en", "email", "preferred_language")}),
        (_("Organization and role"), {"fields": ("organization", "role")}),
        (
            _("Status"),
            {
                "fields": ("is_active", "is_demo", "is_staff", "is_superuser"),
                "description": _(
                    "Use the actions of the user list to disable or enable an account. "
                    "Access to this administration follows the role."
                ),
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "usable_password", "password1", "password2")}),
        (_("Person"), {"fields": ("full_name_ar", "full_name_en", "email", "preferred_language")}),
        (_("Organization and role"), {"fields": ("organization", "role", "is_demo")}),
    )
    filter_horizontal = ()
    actions = ["disable_users", "enable_users", "reset_two_factor"]

    # --- who may use it ----------------------------------------------------------------
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_foundation_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_foundation_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_foundation_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not _is_foundation_admin(request):
            return False
        return obj is None or obj.pk == request.user.pk or can_manage_user(request.user, obj)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are disabled, never deleted: the audit trail names them

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.pk == request.user.pk:
            # Nobody changes their own role or organization (services refuse it too).
            return (*self.readonly_fields, *ADMIN_EDITABLE_FIELDS)
        return self.readonly_fields

    # --- saving through the services ------------------------------------------------
    def save_model(self, request: HttpRequest, obj: User, form: Form, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        data = form.cleaned_data
        if not change:
            password = data["password1"] if data.get("set_usable_password", True) else None
            created = services.user_create(
                actor=actor,
                username=data["username"],
                organization=data["organization"],
                role=data["role"],
                password=password,
                full_name_ar=data.get("full_name_ar") or "",
                full_name_en=data.get("full_name_en") or "",
                email=data.get("email") or "",
                preferred_language=data.get("preferred_language") or "ar",
                is_demo=bool(data.get("is_demo")),
            )
            # The admin goes on with `obj` (history entry, redirect): make it the saved row.
            obj.pk = created.pk
            obj._state.adding = False
            obj._state.db = created._state.db
            return
        changes = {name: data[name] for name in form.changed_data if name in ADMIN_EDITABLE_FIELDS}
        if changes:
            target = User.objects.get(pk=obj.pk)
            services.user_update(actor=actor, user=target, **changes)

    def save_related(self, request: HttpRequest, form: Form, formsets: Any, change: bool) -> None:
        # No groups or permissions: roles are data the policy reads (see roles.py).
        return None

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        if str(request.user.pk) == str(id):
            return HttpResponseRedirect(reverse("account_change_password"))
        token = _password_actor.set(request.user)  # type: ignore[arg-type]
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            # The form validates what the services check; this is the rare race (a
            # username taken meanwhile) or a rule only the service knows.
            self.message_user(request, str(error.message), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # --- actions --------------------------------------------------------------------
    def _confirm(
        self,
        request: HttpRequest,
        queryset: QuerySet[User],
        *,
        action: str,
        title: str,
        form: Form,
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            "accounts/admin_action_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "users": queryset,
                "form": form,
                "action": action,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[User],
        service: Any,
        done_message: str,
        **kwargs: Any,
    ) -> None:
        actor: User = request.user  # type: ignore[assignment]
        done = 0
        for user in queryset:
            if not can_manage_user(actor, user):
                self.message_user(
                    request,
                    gettext("%(user)s was skipped: you may not change this account.")
                    % {"user": user.username},
                    messages.WARNING,
                )
                continue
            service(actor=actor, user=user, **kwargs)
            done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Disable the selected users (ends their sessions and tokens)"))
    def disable_users(self, request: HttpRequest, queryset: QuerySet[User]) -> Any:
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._apply(
                request,
                queryset,
                services.user_disable,
                gettext("%(count)s user(s) disabled."),
                reason=form.cleaned_data["reason"],
            )
            return None
        return self._confirm(
            request, queryset, action="disable_users", title=gettext("Disable users"), form=form
        )

    @admin.action(description=_("Enable the selected users"))
    def enable_users(self, request: HttpRequest, queryset: QuerySet[User]) -> Any:
        form = OptionalReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._apply(
                request,
                queryset,
                services.user_enable,
                gettext("%(count)s user(s) enabled."),
                reason=form.cleaned_data["reason"],
            )
            return None
        return self._confirm(
            request, queryset, action="enable_users", title=gettext("Enable users"), form=form
        )

    @admin.action(description=_("Reset two-factor authentication (lost authenticator)"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> Any:
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._apply(
                request,
                queryset,
                services.user_reset_two_factor,
                gettext("Two-factor authentication reset for %(count)s user(s)."),
                reason=form.cleaned_data["reason"],
            )
            return None
        return self._confirm(
            request,
            queryset,
            action="reset_two_factor",
            title=gettext("Reset two-factor authentication"),
            form=form,
        )
