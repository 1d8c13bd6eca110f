"""Forms of the coordination pages. Choices (embassies, consents) come from the scoped
selectors through the view; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tawasul.cases import documents
from tawasul.cases.document_forms import ACCEPT
from tawasul.common.references import TEXT_MAX_LENGTH
from tawasul.coordination.models import RequestStatus, RequestType
from tawasul.coordination.request_types import listing
from tawasul.coordination.services import HOME_TOWN_MAX_LENGTH
from tawasul.organizations.forms import MultiLineTextField, SingleLineTextField
from tawasul.organizations.models import Organization
from tawasul.people.models import Consent, DataCategory
from tawasul.referrals.models import Urgency

CONSENT = "consent"
LEGAL_GROUND = "legal_ground"


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class EmbassyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _day(value: Any) -> str:
    # In words: an ISO date's digits and dashes would be reordered in Arabic text.
    return date_format(timezone.localtime(value).date(), "DATE_FORMAT")


class ConsentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        consent: Consent = obj
        categories = listing(DataCategory(c).label for c in DataCategory.values
                             if c in consent.data_categories)
        granted = _day(consent.granted_at)
        expires = (_("until %(date)s") % {"date": _day(consent.expires_at)}
                   if consent.expires_at else _("no expiry"))
        return _("Granted %(granted)s, %(expires)s — %(categories)s") % {
            "granted": granted, "expires": expires, "categories": categories}


class RequestCreateForm(forms.Form):
    request_type = forms.ChoiceField(label=_("Type of request"),
                                     choices=[("", _("Choose…")), *RequestType.choices])
    embassy = EmbassyChoiceField(label=_("Embassy"), queryset=Organization.objects.none(),
                                 empty_label=None)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices,
                                initial=Urgency.ROUTINE)
    home_town = SingleLineTextField(
        label=_("Home town or area in the home country"), required=False,
        max_length=HOME_TOWN_MAX_LENGTH,
        help_text=_("For family tracing: where the family was last known to live."),
    )
    basis = forms.ChoiceField(
        label=_("This request relies on"), widget=forms.RadioSelect,
        choices=[(CONSENT, _("The person's consent")),
                 (LEGAL_GROUND, _("A legal ground, approved by the center director"))],
        initial=CONSENT,
    )
    consent = ConsentChoiceField(
        label=_("Consent"), queryset=Consent.objects.none(), required=False,
        widget=forms.RadioSelect, empty_label=None,
        help_text=_("Only the person's consents to coordination with this embassy that are in "
                    "force and cover what this type of request discloses."),
    )
    legal_ground = MultiLineTextField(
        label=_("Legal ground"), required=False, max_length=TEXT_MAX_LENGTH,
        widget=_textarea(3),
        help_text=_("The law or decision that allows sharing without consent, and why "
                    "consent cannot be obtained. The request waits for the director's "
                    "approval; nothing is sent before."),
    )
    due_at = forms.DateTimeField(
        label=_("Answer needed by"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for the usual time for this type and urgency."),
    )
    message = MultiLineTextField(
        label=_("Message to the embassy"), required=False, max_length=TEXT_MAX_LENGTH,
        widget=_textarea(4),
        help_text=_("What you need from the embassy. Do not write why the person is in care, "
                    "their address or where they stay: the embassy needs none of it."),
    )

    def __init__(self, *args: Any, embassies: QuerySet[Organization],
                 consents: list[Consent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["embassy"].queryset = embassies  # type: ignore[attr-defined]
        self.fields["consent"].queryset = Consent.objects.filter(  # type: ignore[attr-defined]
            pk__in=[c.pk for c in consents]).order_by("-granted_at")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        basis = data.get("basis")
        if basis == CONSENT:
            data["legal_ground"] = ""
            if not data.get("consent") and "consent" not in self.errors:
                self.add_error("consent", _("Choose the consent this request relies on."))
        elif basis == LEGAL_GROUND:
            data["consent"] = None
            if not data.get("legal_ground") and "legal_ground" not in self.errors:
                self.add_error("legal_ground", _("State the legal ground."))
        return data


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All statuses")), ("open", _("All open")), *RequestStatus.choices],
    )
    request_type = forms.ChoiceField(label=_("Type of request"), required=False,
                                     choices=[("", _("All types")), *RequestType.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class ReasonForm(forms.Form):
    reason = MultiLineTextField(label=_("Reason"), max_length=TEXT_MAX_LENGTH,
                                widget=_textarea(3))


class FulfilForm(forms.Form):
    note = MultiLineTextField(label=_("Note for the foundation"), required=False,
                              max_length=TEXT_MAX_LENGTH, widget=_textarea(2))


class MessageForm(forms.Form):
    text = MultiLineTextField(label=_("Message"), max_length=TEXT_MAX_LENGTH,
                              widget=_textarea(3))
    attachment = forms.FileField(label=_("Attach a file"), required=False,
                                 allow_empty_file=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachment"].widget.attrs["accept"] = ACCEPT
        self.fields["attachment"].help_text = _(
            "Optional. PDF, PNG, JPEG, Word, Excel or plain text, up to %(size)s."
        ) % {"size": filesizeformat(documents.max_bytes())}
