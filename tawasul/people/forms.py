"""The intake form: what a worker types about a new person, cleaned at the edge with the
same normalization and checks that person_register applies, so that errors show next to
their fields before the service is called."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tawasul.common.errors import DomainError
from tawasul.organizations.forms import SingleLineTextField
from tawasul.people import services, validators
from tawasul.people.models import IdentifierType, Sex

NAME_PARTS = ("given", "father", "grandfather", "family")
ARABIC_NAME_FIELDS = (*(f"{p}_name_ar" for p in NAME_PARTS), "full_name_ar")
LATIN_NAME_FIELDS = (*(f"{p}_name_latin" for p in NAME_PARTS), "full_name_latin")
PERSON_FORM_FIELDS = (
    *ARABIC_NAME_FIELDS, *LATIN_NAME_FIELDS, "date_of_birth", "dob_is_estimated", "sex",
    "nationality", "phone", "languages", "area",
)


def _name(label: Any, max_length: int = 100) -> SingleLineTextField:
    return SingleLineTextField(label=label, required=False, max_length=max_length)


class PersonRegisterForm(forms.Form):
    given_name_ar = _name(_("Given name"))
    father_name_ar = _name(_("Father's name"))
    grandfather_name_ar = _name(_("Grandfather's name"))
    family_name_ar = _name(_("Family name"))
    full_name_ar = _name(_("Full name (if not in four parts)"), 300)
    given_name_latin = _name(_("Given name"))
    father_name_latin = _name(_("Father's name"))
    grandfather_name_latin = _name(_("Grandfather's name"))
    family_name_latin = _name(_("Family name"))
    full_name_latin = _name(_("Full name (if not in four parts)"), 300)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    dob_is_estimated = forms.BooleanField(label=_("The date of birth is estimated"),
                                          required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    nationality = forms.ChoiceField(label=_("Nationality"))
    qid = SingleLineTextField(label=_("Qatar ID"), required=False, max_length=20,
                              help_text=_("11 digits."))
    passport_number = SingleLineTextField(label=_("Passport number"), required=False,
                                          max_length=40)
    passport_country = forms.ChoiceField(label=_("Passport issued by"), required=False)
    phone = SingleLineTextField(label=_("Phone"), required=False, max_length=30,
                                help_text=_("With the country code, e.g. +974 5555 1234."))
    languages = SingleLineTextField(
        label=_("Languages"), required=False, max_length=100,
        help_text=_("Language codes separated by commas, e.g. ar, en, tl."),
    )
    area = SingleLineTextField(label=_("Area"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country_choices = [(str(code), str(name)) for code, name in countries]
        self._set_choices("sex", [("", _("Not recorded")), *Sex.choices])
        self._set_choices("nationality", [("", _("Choose…")), *country_choices])
        self._set_choices("passport_country", [("", _("Choose…")), *country_choices])
        for name in ARABIC_NAME_FIELDS:
            self.fields[name].widget.attrs.update(lang="ar", dir="rtl")
        for name in LATIN_NAME_FIELDS:
            self.fields[name].widget.attrs.update(lang="en", dir="ltr")
        for name in ("qid", "passport_number", "phone", "languages"):
            self.fields[name].widget.attrs.update(dir="ltr", autocomplete="off")

    def _set_choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person = {name: data[name] for name in PERSON_FORM_FIELDS if name in data}
        if not any(person.get(n) for n in ("given_name_ar", "full_name_ar",
                                            "given_name_latin", "full_name_latin")):
            message = _("Enter the given name or the full name, in Arabic or Latin script.")
            self.add_error("given_name_ar", message)
            self.add_error("given_name_latin", message)
        try:
            data.update(services.normalized_person_fields(person))
        except DomainError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, str(error.message))
        qid = validators.normalize_identifier(data.get("qid") or "")
        if qid:
            try:
                validators.validate_qid(
                    qid, date_of_birth=data.get("date_of_birth"),
                    dob_is_estimated=bool(data.get("dob_is_estimated")),
                )
            except forms.ValidationError as error:
                self.add_error("qid", error)
        if data.get("passport_number") and not data.get("passport_country"):
            self.add_error("passport_country",
                           _("Choose the country that issued the passport."))
        return data

    def person_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PERSON_FORM_FIELDS}

    def identifiers(self) -> list[services.IdentifierInput]:
        out: list[services.IdentifierInput] = []
        if self.cleaned_data.get("qid"):
            out.append({"type": IdentifierType.QID, "value": self.cleaned_data["qid"]})
        if self.cleaned_data.get("passport_number"):
            out.append({"type": IdentifierType.PASSPORT,
                        "value": self.cleaned_data["passport_number"],
                        "issuing_country": self.cleaned_data["passport_country"]})
        return out


def draft_from(data: Any) -> dict[str, Any]:
    """What suggest_duplicates reads, from a half-filled form (raw POST data: nothing is
    validated while the worker is still typing)."""
    draft: dict[str, Any] = {name: data.get(name, "") for name in PERSON_FORM_FIELDS}
    draft["dob_is_estimated"] = bool(data.get("dob_is_estimated"))
    identifiers = []
    if data.get("qid"):
        identifiers.append({"type": IdentifierType.QID, "value": data.get("qid")})
    if data.get("passport_number"):
        identifiers.append({"type": IdentifierType.PASSPORT,
                            "value": data.get("passport_number"),
                            "issuing_country": data.get("passport_country", "")})
    draft["identifiers"] = identifiers
    return draft
