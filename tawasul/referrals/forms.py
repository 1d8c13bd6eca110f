"""Forms of the referral pages. Choices (receiving centers, case types, managers) are
given by the view from the scoped selectors; the services check them again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tawasul.accounts.models import User
from tawasul.cases import documents
from tawasul.cases.document_forms import ACCEPT
from tawasul.cases.forms import CaseTypeChoiceField, UserChoiceField
from tawasul.cases.models import CaseType
from tawasul.common.references import TEXT_MAX_LENGTH
from tawasul.organizations.forms import MultiLineTextField, SingleLineTextField
from tawasul.organizations.models import CenterDomain, Organization
from tawasul.people import validators
from tawasul.people.models import Person, Sex
from tawasul.referrals.embassy_services import NAME_MAX_LENGTH, PASSPORT_MAX_LENGTH
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


# --- Referrals from embassies ----------------------------------------------------------


class EmbassyReferralForm(forms.Form):
    """An embassy refers one of its nationals (the fields of POST /api/v1/referrals/).
    The service checks everything again; its errors come back on these fields."""

    name_ar = SingleLineTextField(label=_("Name in Arabic"), required=False,
                                  max_length=NAME_MAX_LENGTH)
    name_en = SingleLineTextField(label=_("Name in English (Latin script)"), required=False,
                                  max_length=NAME_MAX_LENGTH,
                                  help_text=_("Give the name in Arabic, in English, or both, "
                                              "as in the passport."))
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", _("Choose…")), *Sex.choices])
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    nationality = forms.ChoiceField(label=_("Nationality"))
    passport_number = SingleLineTextField(label=_("Passport number"), required=False,
                                          max_length=PASSPORT_MAX_LENGTH)
    phone = SingleLineTextField(label=_("Phone"), required=False, max_length=40,
                                help_text=_("With the country code, e.g. +974 5555 1234."))
    domain = forms.ChoiceField(label=_("What the person needs"),
                               choices=[("", _("Choose…")), *CenterDomain.choices])
    urgency = forms.ChoiceField(label=_("Urgency"),
                                choices=[("", _("Choose…")), *Urgency.choices])
    reason = MultiLineTextField(
        label=_("Reason for referral"), max_length=TEXT_MAX_LENGTH, widget=_textarea(5),
        help_text=_("What the person asked for and why; the foundation's intake desk and "
                    "the center that takes the person on read it."),
    )

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"nationality": country})
        super().__init__(*args, **kwargs)
        self.country = country
        self.fields["reason"].widget.attrs["dir"] = "auto"
        self.fields["nationality"].choices = [  # type: ignore[attr-defined]
            (str(code), str(name)) for code, name in countries
        ]
        self.fields["name_ar"].widget.attrs.update({"dir": "rtl", "lang": "ar"})
        self.fields["name_en"].widget.attrs.update({"dir": "ltr", "lang": "en"})
        for name in ("passport_number", "phone"):
            self.fields[name].widget.attrs["dir"] = "ltr"

    # The service checks these again; here they come back all at once, on their fields.
    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data["date_of_birth"]
        validators.validate_date_of_birth(value)
        return value

    def clean_nationality(self) -> str:
        value = str(self.cleaned_data["nationality"])
        if value != self.country:
            raise forms.ValidationError(
                _("An embassy refers only its own nationals: the nationality must be "
                  "%(country)s.") % {"country": dict(countries).get(self.country, self.country)}
            )
        return value

    def clean_phone(self) -> str:
        return validators.normalize_phone(self.cleaned_data.get("phone") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("name_ar") or data.get("name_en")) and not self.has_error("name_ar"):
            self.add_error("name_ar", _("Enter the person's name in Arabic or in English."))
        return data

    def person(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in PERSON_FIELDS}


PERSON_FIELDS: tuple[str, ...] = (
    "name_ar", "name_en", "sex", "date_of_birth", "nationality", "passport_number", "phone",
)


class EmbassyMessageForm(forms.Form):
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


class AssignForm(forms.Form):
    center = CenterChoiceField(label=_("Center"), queryset=Organization.objects.none(),
                               empty_label=_("Choose…"))
    note = MultiLineTextField(
        label=_("Note for the center"), required=False, max_length=TEXT_MAX_LENGTH,
        widget=_textarea(2),
        help_text=_("Optional. The center reads the embassy's reason and this note; the "
                    "embassy reads neither."),
    )

    def __init__(self, *args: Any, centers: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers  # type: ignore[attr-defined]


class LinkPersonForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, persons: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons  # type: ignore[attr-defined]


class DeclineForm(forms.Form):
    """The intake desk declines an embassy's referral: the embassy reads the reason."""

    reason = MultiLineTextField(
        label=_("Reason"), max_length=TEXT_MAX_LENGTH, widget=_textarea(3),
        help_text=_("The embassy reads this reason."),
    )
