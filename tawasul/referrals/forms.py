"""Forms of the referral pages. Choices (receiving centers, case types, managers) are
given by the view from the scoped selectors; the services check them again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.models import User
from tawasul.cases.forms import CaseTypeChoiceField, UserChoiceField
from tawasul.cases.models import CaseType
from tawasul.common.references import TEXT_MAX_LENGTH
from tawasul.organizations.forms import MultiLineTextField
from tawasul.organizations.models import Organization
from tawasul.referrals.models import ReferralStatus, Urgency


class CenterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ReferralSendForm(forms.Form):
    to_center = CenterChoiceField(label=_("Receiving center"),
                                  queryset=Organization.objects.none(),
                                  empty_label=_("Choose…"))
    urgency = forms.ChoiceField(label=_("Urgency"),
                                choices=[("", _("Choose…")), *Urgency.choices])
    reason = MultiLineTextField(label=_("Reason for referral"), max_length=TEXT_MAX_LENGTH,
                                widget=_textarea(3))
    summary = MultiLineTextField(
        label=_("Summary for the receiving center"), required=False,
        max_length=TEXT_MAX_LENGTH, widget=_textarea(5),
        help_text=_("Sent only if the person (or their guardian) has consented to share a "
                    "case summary with the receiving center for a referral. Without such a "
                    "consent, leave it empty: only the person's identity and the reason go."),
    )

    def __init__(self, *args: Any, centers: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_center"].queryset = centers  # type: ignore[attr-defined]


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All statuses")), ("open", _("All open")), *ReferralStatus.choices],
    )
    urgency = forms.ChoiceField(label=_("Urgency"), required=False,
                                choices=[("", _("All urgencies")), *Urgency.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class ReferralAcceptForm(forms.Form):
    case_type = CaseTypeChoiceField(label=_("Case type"), queryset=CaseType.objects.none(),
                                    empty_label=_("Choose…"))
    assigned_manager = UserChoiceField(label=_("Case manager"), queryset=User.objects.none(),
                                       required=False, empty_label=_("Not assigned yet"))

    def __init__(self, *args: Any, case_types: QuerySet[CaseType], managers: QuerySet[User],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_type"].queryset = case_types  # type: ignore[attr-defined]
        self.fields["assigned_manager"].queryset = managers  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    """Declining and withdrawing: a reason is required."""

    reason = MultiLineTextField(label=_("Reason"), max_length=TEXT_MAX_LENGTH,
                                widget=_textarea(3))


class CompleteForm(forms.Form):
    note = MultiLineTextField(label=_("Closing note"), required=False,
                              max_length=TEXT_MAX_LENGTH, widget=_textarea(2))


class MessageForm(forms.Form):
    text = MultiLineTextField(label=_("Message"), max_length=TEXT_MAX_LENGTH,
                              widget=_textarea(3))
