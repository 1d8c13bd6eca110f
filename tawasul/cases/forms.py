"""Forms of the case pages. Choices (case types, managers, services, assignees) are given
by the view from the scoped selectors; the services check them again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.cases.access import BREAK_GLASS_REASON_MAX_LENGTH, BREAK_GLASS_REASON_MIN_LENGTH
from tawasul.cases.models import CaseEventKind, CaseStatus, CaseType, ClosureReason, RiskLevel
from tawasul.organizations.forms import MultiLineTextField, SingleLineTextField
from tawasul.organizations.models import Service


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class CaseTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _rows(form: forms.Form, name: str, rows: int = 3) -> None:
    form.fields[name].widget.attrs["rows"] = rows


class CaseOpenForm(forms.Form):
    case_type = CaseTypeChoiceField(label=_("Case type"), queryset=CaseType.objects.none(),
                                    empty_label=_("Choose…"))
    risk_level = forms.ChoiceField(label=_("Risk level"),
                                   choices=[("", _("Choose…")), *RiskLevel.choices])
    assigned_manager = UserChoiceField(
        label=_("Case manager"), queryset=User.objects.none(), required=False,
        empty_label=_("Not assigned yet"),
    )
    is_restricted = forms.BooleanField(
        label=_("Restrict this case"), required=False,
        help_text=_("Protection and behavioral cases are restricted whatever this says: "
                    "only the assigned manager, the team and the director see them."),
    )
    summary = MultiLineTextField(label=_("Summary"), required=False,
                                 widget=forms.Textarea)

    def __init__(self, *args: Any, case_types: QuerySet[CaseType], managers: QuerySet[User],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_type"].queryset = case_types  # type: ignore[attr-defined]
        self.fields["assigned_manager"].queryset = managers  # type: ignore[attr-defined]
        _rows(self, "summary", 4)


class CaseFilterForm(forms.Form):
    q = SingleLineTextField(label=_("Search"), required=False, max_length=100,
                            help_text=_("Name in either script, identifier or reference."))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), ("open", _("All open")),
                                        *CaseStatus.choices])
    case_type = CaseTypeChoiceField(label=_("Case type"), queryset=CaseType.objects.none(),
                                    required=False, empty_label=_("All types"))
    risk_level = forms.ChoiceField(label=_("Risk level"), required=False,
                                   choices=[("", _("All levels")), *RiskLevel.choices])
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    overdue = forms.BooleanField(label=_("With overdue tasks"), required=False)

    def __init__(self, *args: Any, case_types: QuerySet[CaseType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_type"].queryset = case_types  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(CaseEventKind.NOTE, CaseEventKind.NOTE.label),
                 (CaseEventKind.ASSESSMENT, CaseEventKind.ASSESSMENT.label)],
    )
    text = MultiLineTextField(label=_("Text"), widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _rows(self, "text")


class ServiceRecordForm(forms.Form):
    service = ServiceChoiceField(label=_("Service"), queryset=Service.objects.none(),
                                 empty_label=_("Choose…"))
    text = MultiLineTextField(label=_("Details"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, services: QuerySet[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        _rows(self, "text", 2)


class StatusForm(forms.Form):
    """Validates any status, so that a transition the workflow refuses reaches the service
    and its clear message; the select offers only the allowed ones."""

    to_status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    closure_reason = forms.ChoiceField(
        label=_("Closure reason"), required=False,
        choices=[("", _("Only when closing")), *ClosureReason.choices],
    )
    note = MultiLineTextField(label=_("Note"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(CaseStatus.choices)
        self.fields["to_status"].widget.choices = [(s, labels[s]) for s in allowed]
        _rows(self, "note", 2)


class TaskForm(forms.Form):
    title = SingleLineTextField(label=_("Task"), max_length=200)
    due_at = forms.DateTimeField(
        label=_("Due"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    assigned_to = UserChoiceField(label=_("Assigned to"), queryset=User.objects.none(),
                                  required=False, empty_label=_("Nobody yet"))

    def __init__(self, *args: Any, assignees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = assignees  # type: ignore[attr-defined]
        if not self.is_bound:
            tomorrow = timezone.localtime() + dt.timedelta(days=1)
            self.initial.setdefault("due_at", tomorrow.replace(minute=0, second=0,
                                                               microsecond=0))


class BreakGlassForm(forms.Form):
    reason = MultiLineTextField(
        label=_("Why do you need to open this case?"),
        min_length=BREAK_GLASS_REASON_MIN_LENGTH, max_length=BREAK_GLASS_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
