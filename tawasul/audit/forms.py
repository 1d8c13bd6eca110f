from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tawasul.audit.models import AuditAction
from tawasul.audit.selectors import AuditFilter
from tawasul.common.text import clean_text

TEXT_FILTERS = ("actor", "organization", "object_type", "object_id", "request_id")


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    actor = forms.CharField(label=_("User"), max_length=150, required=False)
    organization = forms.CharField(label=_("Organization code"), max_length=40, required=False)
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action")), *AuditAction.choices],
    )
    object_type = forms.CharField(
        label=_("Object type"),
        max_length=60,
        required=False,
        help_text=_("For example accounts.user"),
    )
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    request_id = forms.CharField(label=_("Request id"), max_length=64, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in TEXT_FILTERS:
            if isinstance(data.get(name), str):
                data[name] = clean_text(data[name])
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def criteria(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            **{name: data.get(name) or "" for name in (*TEXT_FILTERS, "action")},
        )
