from __future__ import annotations

from typing import Any

from allauth.mfa.base.forms import AuthenticateForm
from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.accounts.services import REASON_MAX_LENGTH
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.text import clean_text


class MFAAuthenticateForm(AuthenticateForm):
    """allauth's second sign-in step, with a wrong code recorded as a failed sign-in
    (settings.MFA_FORMS). A wrong password is recorded by the axes handler."""

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except ValidationError as error:
            audit_record(
                action=AuditAction.LOGIN_FAILED,
                actor_username=self.user.get_username(),
                reason=f"authenticator code refused ({error.code or 'invalid'})",
            )
            raise


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def clean_reason(self) -> str:
        reason = clean_text(self.cleaned_data["reason"], multiline=True)
        if not reason:
            raise ValidationError(_("Give a reason."), code="required")
        return reason


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def clean_reason(self) -> str:
        return clean_text(self.cleaned_data.get("reason") or "", multiline=True)


class ProfileForm(forms.Form):
    full_name_ar = forms.CharField(
        label=_("Full name (Arabic)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"class": "form-control", "dir": "rtl", "lang": "ar", "autocomplete": "name"}
        ),
    )
    full_name_en = forms.CharField(
        label=_("Full name (English)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"class": "form-control", "dir": "ltr", "lang": "en", "autocomplete": "name"}
        ),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("full_name_ar", "full_name_en"):
            if name in data:
                data[name] = clean_text(data[name] or "")
        return data


class UserFilterForm(forms.Form):
    STATUS_CHOICES = [("", _("All")), ("active", _("Active")), ("disabled", _("Disabled"))]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "type": "search",
                "placeholder": _("Name or username"),
            }
        ),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All roles")), *Role.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=STATUS_CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean_q(self) -> str:
        return clean_text(self.cleaned_data.get("q") or "")


# --- Django admin ------------------------------------------------------------------
# The admin's forms validate (User.clean refuses a role the organization's kind does not
# have); saving goes through tawasul.accounts.services, from accounts/admin.py.

ADMIN_EDITABLE_FIELDS = (
    "username",
    "full_name_ar",
    "full_name_en",
    "email",
    "organization",
    "role",
    "preferred_language",
    "is_demo",
)


class UserAdminChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = ADMIN_EDITABLE_FIELDS


class UserAdminCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ADMIN_EDITABLE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].required = True
        self.fields["role"].required = True


class UserAdminPasswordForm(AdminPasswordChangeForm):
    """Saved by the admin through services.user_set_password (see accounts/admin.py)."""

    def new_password(self) -> str | None:
        if self.cleaned_data.get("set_usable_password", True):
            return str(self.cleaned_data["password1"])
        return None
