"""The intake form: what a worker types about a new person, cleaned at the edge with the
same normalization and checks that person_register applies, so that errors show next to
their fields before the service is called."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tawasul.cases import documents
from tawasul.common.errors import DomainError
from tawasul.organizations.forms import MultiLineTextField, SingleLineTextField
from tawasul.organizations.models import Organization, OrganizationKind
from tawasul.people import services, validators
from tawasul.people.models import ConsentPurpose, DataCategory, IdentifierType, Person, Sex

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


# --- Consent -------------------------------------------------------------------------

# Recipients are grouped by kind in this order; the ministry is left out: it never
# receives a person's data (DESIGN rule 4), so a consent naming it would mean nothing.
RECIPIENT_GROUPS: tuple[tuple[str, Any], ...] = (
    (OrganizationKind.CENTER, _("Centers")),
    (OrganizationKind.FOUNDATION, _("The foundation")),
    (OrganizationKind.EMBASSY, _("Embassies")),
    (OrganizationKind.UN_AGENCY, _("UN agencies")),
    (OrganizationKind.GOVERNMENT, _("Government bodies")),
    (OrganizationKind.NGO, _("Civil society organizations")),
)
# Evidence is a scan or a photo of the signed form: three of the case documents' formats.
EVIDENCE_CONTENT_TYPES: frozenset[str] = frozenset(
    {documents.PDF, documents.PNG, documents.JPEG}
)


class GrantedBy(models.TextChoices):
    PERSON = "person", _("The person themselves")
    GUARDIAN = "guardian", _("A registered guardian or parent")
    NAMED = "named", _("Another guardian (not registered)")


def evidence_max_bytes() -> int:
    """The case documents' limit (DOCUMENT_MAX_BYTES), within the registry's own cap for
    consent evidence, which consent_record enforces again."""
    return min(documents.max_bytes(), validators.EVIDENCE_MAX_BYTES)


def _choose_again(message: Any) -> str:
    # The browser forgets a chosen file when the page comes back with errors.
    return f"{message} {_('Choose the file again.')}"


class GuardianChoiceField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.display_name} · {obj.reference}"


class ConsentRecordForm(forms.Form):
    """What consent_record takes, from the "record consent" page. `guardians` are the
    person's guardians and parents that the user may see; `recipients` the directory."""

    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=[("", _("Choose…")), *ConsentPurpose.choices],
        error_messages={"required": _("Choose the purpose.")},
    )
    purpose_text = MultiLineTextField(
        label=_("Purpose (details)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the purpose is “Other”."),
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("Recipient organizations"), queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one recipient organization."),
            "invalid_choice": _("Choose organizations from the directory."),
            "invalid_pk_value": _("Choose organizations from the directory."),
        },
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Categories of data"), choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the categories of data the consent covers.")},
    )
    granted_by = forms.ChoiceField(
        label=_("Given by"), choices=GrantedBy.choices, initial=GrantedBy.PERSON,
        widget=forms.RadioSelect,
    )
    granted_by_person = GuardianChoiceField(
        label=_("Guardian or parent"), queryset=Person.objects.none(), required=False,
        empty_label=_("Choose…"),
        error_messages={"invalid_choice": _(
            "The grantor is not recorded as this person's guardian or parent.")},
    )
    granted_by_name = SingleLineTextField(label=_("Guardian's name"), required=False,
                                          max_length=200)
    granted_by_relationship = SingleLineTextField(
        label=_("Relationship to the person"), required=False, max_length=100,
        help_text=_("For example: mother, uncle, guardian appointed by the court."),
    )
    granted_on = forms.DateField(
        label=_("Date given"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the date the consent was given.")},
    )
    expires_on = forms.DateField(
        label=_("Valid until"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day the consent covers. Leave empty if it does not expire."),
    )
    evidence = forms.FileField(
        label=_("Evidence: the signed consent form"), required=False,
        widget=forms.FileInput(attrs={
            "accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg",
        }),
    )

    def __init__(self, *args: Any, person: Person, guardians: list[Person],
                 recipients: QuerySet[Organization], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("granted_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.person = person
        self.guardians = guardians
        recipient_field = self.fields["recipients"]
        assert isinstance(recipient_field, forms.ModelMultipleChoiceField)
        recipient_field.queryset = recipients.filter(
            kind__in=[kind for kind, _label in RECIPIENT_GROUPS]
        )
        guardian_field = self.fields["granted_by_person"]
        assert isinstance(guardian_field, forms.ModelChoiceField)
        guardian_field.queryset = Person.objects.filter(pk__in=[g.pk for g in guardians])
        self.fields["evidence"].help_text = _(
            "A scan or photo of the signed form: PDF, PNG or JPEG, at most %(size)s."
        ) % {"size": filesizeformat(evidence_max_bytes())}
        self.fields["evidence"].error_messages["empty"] = _choose_again(_("The file is empty."))
        self.fields["granted_by_name"].widget.attrs.update(autocomplete="off")
        for name in ("data_categories", "granted_by"):
            self.fields[name].widget.attrs.update({"class": "form-check-input"})

    def recipient_groups(self) -> list[dict[str, Any]]:
        """The recipient checkboxes by kind of organization, names in the page's
        language, with what the user ticked kept."""
        field = self.fields["recipients"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        chosen = {str(v) for v in (self["recipients"].value() or [])}
        organizations = sorted(field.queryset or [], key=lambda o: o.name)
        groups = []
        for kind, label in RECIPIENT_GROUPS:
            members = [
                {"value": str(o.pk), "label": o.name, "checked": str(o.pk) in chosen,
                 "id": f"id_recipients_{o.pk.hex}"}
                for o in organizations if o.kind == kind
            ]
            if members:
                groups.append({"kind": kind, "label": label, "options": members})
        return groups

    def clean_evidence(self) -> UploadedFile | None:
        """Checked by content like a case document (tawasul.cases.documents.sniff): the
        name and the browser's content type say nothing about what a file is."""
        upload: UploadedFile | None = self.cleaned_data.get("evidence")
        if not upload:
            return None
        limit = evidence_max_bytes()
        if (upload.size or 0) > limit:
            raise ValidationError(_choose_again(
                _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)}
            ))
        upload.seek(0)
        head = upload.read(documents.TEXT_SNIFF_BYTES)
        upload.seek(0)
        wrong_type = _choose_again(_("Upload the evidence as PDF, PNG or JPEG."))
        try:
            content_type = documents.sniff(head)
        except DomainError as error:
            # A program says so; any other refusal names the case documents' formats,
            # which are not those of evidence.
            if error.code == "document_executable":
                raise ValidationError(_choose_again(error.message)) from None
            raise ValidationError(wrong_type) from None
        if content_type not in EVIDENCE_CONTENT_TYPES:
            raise ValidationError(wrong_type)
        # Named after what it is, whatever the user's file was called: consent_record
        # checks the content against the name again, and stores it under a random name.
        upload.name = f"evidence{documents.EXTENSIONS[content_type]}"
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("purpose") == ConsentPurpose.OTHER and not data.get("purpose_text"):
            self.add_error("purpose_text", _("Describe the purpose."))
        granted_on: dt.date | None = data.get("granted_on")
        expires_on: dt.date | None = data.get("expires_on")
        if granted_on and granted_on > timezone.localdate():
            self.add_error("granted_on", _("A consent cannot be granted in the future."))
        if granted_on and expires_on and expires_on < granted_on:
            self.add_error("expires_on",
                           _("The consent cannot end before the date it was given."))
        granted_by = data.get("granted_by")
        if granted_by == GrantedBy.PERSON and self.person.is_minor:
            self.add_error("granted_by", _("A child's consent is given by a guardian."))
        elif granted_by == GrantedBy.GUARDIAN and not data.get("granted_by_person") \
                and "granted_by_person" not in self.errors:
            self.add_error("granted_by_person", _("Choose the guardian or parent."))
        elif granted_by == GrantedBy.NAMED and not data.get("granted_by_name"):
            self.add_error("granted_by_name", _("Enter the guardian's name."))
        return data

    def consent_arguments(self) -> dict[str, Any]:
        """The keyword arguments of consent_record (the actor and person aside)."""
        data = self.cleaned_data
        granted_by = data["granted_by"]
        return {
            "purpose": data["purpose"],
            "purpose_text": data["purpose_text"],
            "recipients": list(data["recipients"]),
            "data_categories": data["data_categories"],
            "granted_at": _start_of(data["granted_on"]),
            "expires_at": _end_of(data["expires_on"]) if data.get("expires_on") else None,
            "granted_by_person": (data["granted_by_person"]
                                  if granted_by == GrantedBy.GUARDIAN else None),
            "granted_by_name": data["granted_by_name"] if granted_by == GrantedBy.NAMED else "",
            "granted_by_relationship": (data["granted_by_relationship"]
                                        if granted_by != GrantedBy.PERSON else ""),
            "evidence": data.get("evidence"),
        }


def _start_of(day: dt.date) -> dt.datetime:
    """A consent given today counts from now; one given earlier from the start of its day
    (in the foundation's time zone)."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _end_of(day: dt.date) -> dt.datetime:
    """'Valid until the 31st' covers the whole of the 31st."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


class ConsentWithdrawForm(forms.Form):
    reason = MultiLineTextField(
        label=_("Reason for withdrawal"), max_length=services.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason.")},
        help_text=_("For example: asked by the person on the phone; the guardian changed."),
    )
    confirm = forms.BooleanField(
        label=_("I confirm the withdrawal: nothing more is shared under this consent "
                "from now on."),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )
