"""Forms of the webhook pages. The organization choices come from the scoped selector;
the services check everything again (the URL rules above all)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tawasul.organizations.forms import SingleLineTextField
from tawasul.organizations.models import Organization
from tawasul.webhooks.destinations import URL_MAX_LENGTH
from tawasul.webhooks.models import SUBSCRIBABLE_EVENTS, DeliveryStatus, WebhookEvent
from tawasul.webhooks.services import DESCRIPTION_MAX_LENGTH


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def subscribable_choices() -> list[tuple[str, Any]]:
    labels = dict(WebhookEvent.choices)
    return [(event, labels[event]) for event in SUBSCRIBABLE_EVENTS]


class EndpointRegisterForm(forms.Form):
    organization = OrganizationChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(),
        empty_label=_("Choose…"),
    )
    url = forms.CharField(
        label=_("Receiver URL"), max_length=URL_MAX_LENGTH, strip=True,
        widget=forms.URLInput(attrs={"dir": "ltr", "placeholder": "https://",
                                     "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("An https:// address of your server, reachable from the internet. "
                    "Private and local network addresses are refused."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=subscribable_choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event."),
                        "invalid_choice": _("Choose events from the list.")},
    )
    description = SingleLineTextField(
        label=_("Description"), required=False, max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_("What this endpoint is for, for your colleagues (optional)."),
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization],
                 fixed: Organization | None = None, **kwargs: Any) -> None:
        """`fixed`: the user's own organization, when there is nothing to choose."""
        super().__init__(*args, **kwargs)
        self.fixed_organization = fixed
        if fixed is not None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]

    def chosen_organization(self) -> Organization:
        return self.fixed_organization or self.cleaned_data["organization"]


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All statuses")), *DeliveryStatus.choices],
    )
    event = forms.ChoiceField(
        label=_("Event"), required=False,
        choices=[("", _("All events")), *WebhookEvent.choices],
    )
