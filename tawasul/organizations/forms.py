"""Forms of the directory pages: input is cleaned here, at the edge, before any service."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tawasul.common.text import clean_text
from tawasul.organizations.languages import community_language
from tawasul.organizations.models import (
    CenterDomain,
    Contact,
    Organization,
    OrganizationKind,
    Service,
    ServiceTranslation,
)

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


class SingleLineTextField(forms.CharField):
    """Text with bidi controls, zero-width characters and stray spaces removed before the
    length and other validators see it (tawasul.common.text)."""

    def to_python(self, value: Any) -> str:
        return clean_text(super().to_python(value) or "")


class MultiLineTextField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return clean_text(super().to_python(value) or "", multiline=True)


class LanguagesField(forms.CharField):
    """A list of ISO 639-1 codes typed as 'ar, en, tl'."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", _("Language codes separated by commas, e.g. ar, en, tl.")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            raw = [str(v) for v in value]
        else:
            raw = clean_text(str(value or "")).replace("،", ",").split(",")
        codes: list[str] = []
        for item in raw:
            code = clean_text(item).lower()
            if not code:
                continue
            if not _LANGUAGE_CODE.match(code):
                raise ValidationError(
                    _("“%(code)s” is not a language code (two or three letters, e.g. en)."),
                    code="invalid_language",
                    params={"code": code},
                )
            if code not in codes:
                codes.append(code)
        return codes


def text_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Every free-text model field gets the cleaning form field."""
    if type(db_field) is models.TextField:
        return db_field.formfield(form_class=MultiLineTextField, **kwargs)
    if type(db_field) is models.CharField and not db_field.choices:
        return db_field.formfield(form_class=SingleLineTextField, **kwargs)
    return db_field.formfield(**kwargs)


def _set_direction(form: forms.BaseForm) -> None:
    """Arabic inputs are typed right to left, English ones and codes left to right,
    whatever the language of the page."""
    for name, field in form.fields.items():
        attrs = field.widget.attrs
        if name.endswith("_ar"):
            attrs.update(lang="ar", dir="rtl")
        elif name.endswith("_en"):
            attrs.update(lang="en", dir="ltr")
        elif name in ("email", "phone", "website", "code", "languages"):
            attrs.update(dir="ltr")
        if isinstance(field.widget, forms.Textarea):
            attrs["rows"] = 3


class ContactForm(forms.ModelForm):
    languages = LanguagesField(label=_("Languages"))

    class Meta:
        model = Contact
        fields = [
            "name_ar", "name_en", "title_ar", "title_en", "email", "phone", "languages",
            "is_public", "notes",
        ]
        formfield_callback = text_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_direction(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name_ar") and not data.get("name_en") and not (
            self.has_error("name_ar") or self.has_error("name_en")
        ):
            # On the fields, so that both are marked invalid and the model's own
            # constraint (with its technical message) is not checked a second time.
            message = _("Give the name in Arabic, in English, or both.")
            self.add_error("name_ar", ValidationError(message, code="name_required"))
            self.add_error("name_en", ValidationError(message, code="name_required"))
        return data


class ServiceForm(forms.ModelForm):
    languages = LanguagesField(label=_("Languages served"))

    class Meta:
        model = Service
        fields = [
            "code", "name_ar", "name_en", "description_ar", "description_en",
            "eligibility_ar", "eligibility_en", "how_to_refer_ar", "how_to_refer_en",
            "languages", "is_active",
        ]
        formfield_callback = text_formfield

    def __init__(self, *args: Any, center: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.center = center
        _set_direction(self)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        # The form leaves the center out, so the model's per-center uniqueness is checked
        # here to give the error next to the field.
        taken = Service.objects.filter(center=self.center, code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("This center already has a service with this code."), code="duplicate_code"
            )
        return code


class ServiceTranslationForm(forms.ModelForm):
    class Meta:
        model = ServiceTranslation
        fields = ["language", "name", "description", "eligibility", "how_to_refer"]
        formfield_callback = text_formfield

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        # Typed in the translation's language: its direction follows what is typed until
        # the language is known, then the language's own.
        lang = community_language(self.instance.language) if self.instance.pk else None
        for name in ("name", "description", "eligibility", "how_to_refer"):
            attrs = self.fields[name].widget.attrs
            if lang is not None:
                attrs.update(lang=lang.code, dir=lang.direction)
            else:
                attrs["dir"] = "auto"
            if isinstance(self.fields[name].widget, forms.Textarea):
                attrs["rows"] = 3

    def clean_language(self) -> str:
        language: str = self.cleaned_data["language"]
        taken = ServiceTranslation.objects.filter(service=self.service, language=language)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("This service already has a translation into this language."),
                code="duplicate_language",
            )
        return language


def translation_choices(codes: list[str], *, own: list[str]) -> list[tuple[str, Any]]:
    """The "also show in" list: the given community languages, in the order of their names
    in the reader's language, after the default: the reader's own languages (`own`, an
    embassy's) where it has some, none otherwise."""
    langs = [lang for code in codes if (lang := community_language(code)) is not None]
    langs.sort(key=lambda lang: lang.name)
    blank = _("Our embassy's languages") if own else _("Arabic and English only")
    return [("", blank), *((lang.code, lang.label) for lang in langs)]


def _blank(label: str | Any) -> list[tuple[str, Any]]:
    return [("", label)]


def _choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class OrganizationFilterForm(forms.Form):
    q = SingleLineTextField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    domain = forms.ChoiceField(label=_("Domain"), required=False)

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "kind", _blank(_("All kinds")) + list(OrganizationKind.choices))
        _choices(self, "country", _blank(_("All countries")) + countries)
        _choices(self, "domain", _blank(_("All domains")) + list(CenterDomain.choices))


class ServiceFilterForm(forms.Form):
    q = SingleLineTextField(label=_("Search"), required=False, max_length=100)
    center = forms.ChoiceField(label=_("Center"), required=False)
    language = forms.ChoiceField(label=_("Language served"), required=False)
    show_in = forms.ChoiceField(label=_("Also show in"), required=False)

    def __init__(
        self,
        *args: Any,
        centers: list[tuple[str, str]],
        languages: list[tuple[str, str]],
        translations: list[tuple[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "center", _blank(_("All centers")) + centers)
        _choices(self, "language", _blank(_("All languages")) + languages)
        _choices(self, "show_in", translations)
