"""Serializers of the API: output shapes, and input checked at the edge.

Serializers validate and shape; they never write. Writes go through the services.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tawasul.accounts import mfa
from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.accounts.tokens import two_factor_summary
from tawasul.common.text import clean_text
from tawasul.organizations.languages import COMMUNITY_LANGUAGE_CODES, TextDirection
from tawasul.organizations.models import (
    CenterDomain,
    Contact,
    Organization,
    OrganizationKind,
    Service,
    ServiceTranslation,
)

# --- Input ----------------------------------------------------------------------


class StrictInputMixin:
    """Refuse fields the serializer does not know, and read-only fields, instead of
    silently ignoring them: a client that misspells `full_name_en` or tries to change its
    `role` learns so, rather than believing the change was made."""

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors: dict[str, list[Any]] = {}
            for key in data:
                field = self.fields.get(key)
                if field is None:
                    errors[str(key)] = [_("Unknown field.")]
                elif field.read_only:
                    errors[str(key)] = [_("This field cannot be changed.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class CleanTextField(serializers.CharField):
    """Text normalized with tawasul.common.text.clean_text: Unicode bidi controls and
    zero-width characters removed, NFC, runs of spaces collapsed, trimmed."""

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        cleaned = clean_text(value)
        # The length limit applies to what is stored.
        if self.max_length is not None and len(cleaned) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        if not cleaned and not self.allow_blank and value:
            self.fail("blank")
        return cleaned


class OrganizationFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OrganizationKind.choices, required=False)
    country = serializers.CharField(required=False, max_length=2, min_length=2)
    domain = serializers.ChoiceField(choices=CenterDomain.choices, required=False)
    q = CleanTextField(required=False, allow_blank=True, max_length=100)

    def validate_country(self, value: str) -> str:
        code = value.upper()
        if code not in dict(countries):
            raise serializers.ValidationError(_("Not an ISO 3166-1 alpha-2 country code."))
        return code


class ServiceFilterSerializer(serializers.Serializer):
    center = serializers.UUIDField(required=False)
    q = CleanTextField(required=False, allow_blank=True, max_length=100)


class ContactFilterSerializer(serializers.Serializer):
    organization = serializers.UUIDField(required=False)
    q = CleanTextField(required=False, allow_blank=True, max_length=100)


class ProfileUpdateSerializer(StrictInputMixin, serializers.Serializer):
    full_name_ar = CleanTextField(required=False, allow_blank=True, max_length=200)
    full_name_en = CleanTextField(required=False, allow_blank=True, max_length=200)
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


# --- Output ---------------------------------------------------------------------


@extend_schema_field(
    {"type": "string", "nullable": True, "pattern": "^[A-Z]{2}$",
     "description": "ISO 3166-1 alpha-2 code, or null."}
)
class CountryCodeField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        code = getattr(value, "code", value) or ""
        return str(code) or None


@extend_schema_field({"type": "string", "nullable": True, "enum": [*CenterDomain.values, None]})
class DomainField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        return str(value) if value else None


class LanguagesField(serializers.ListField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.CharField())
        kwargs.setdefault("help_text", "ISO 639-1 language codes.")
        kwargs["read_only"] = True
        super().__init__(**kwargs)


class OrganizationSummarySerializer(serializers.ModelSerializer):
    domain = DomainField()
    country = CountryCodeField()

    class Meta:
        model = Organization
        fields = ["id", "kind", "code", "name_ar", "name_en", "domain", "country"]
        read_only_fields = fields


class OrganizationSerializer(serializers.ModelSerializer):
    domain = DomainField(help_text="The center's domain; null for other kinds.")
    country = CountryCodeField()
    languages = LanguagesField()
    # Declared fields leave the class at creation (SerializerMetaclass); the stubs do not
    # know that and see Field.parent.
    parent = serializers.UUIDField(  # type: ignore[assignment]
        source="parent_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Organization
        fields = [
            "id", "kind", "code", "name_ar", "name_en", "parent", "domain", "country",
            "languages", "email", "phone", "website", "address", "is_active",
        ]
        read_only_fields = fields


class ServiceTranslationSerializer(serializers.ModelSerializer):
    language = serializers.ChoiceField(
        choices=COMMUNITY_LANGUAGE_CODES, read_only=True,
        help_text="The community language (ISO 639-1 where one exists: `tl` for Filipino).",
    )
    text_direction = serializers.ChoiceField(
        source="direction", choices=TextDirection.choices, read_only=True,
        help_text="How the language is written (HTML's `dir`): `rtl` for Urdu, Persian and "
        "Pashto.",
    )

    class Meta:
        model = ServiceTranslation
        fields = ["language", "text_direction", "name", "description", "eligibility",
                  "how_to_refer"]
        read_only_fields = fields


class ServiceSerializer(serializers.ModelSerializer):
    center = OrganizationSummarySerializer(read_only=True)
    languages = LanguagesField(help_text="Languages served (ISO 639-1).")
    translations = ServiceTranslationSerializer(
        many=True, read_only=True,
        help_text="The entry in community languages, beside its Arabic and English.",
    )

    class Meta:
        model = Service
        fields = [
            "id", "center", "code", "name_ar", "name_en", "description_ar", "description_en",
            "eligibility_ar", "eligibility_en", "how_to_refer_ar", "how_to_refer_en",
            "languages", "translations", "is_active",
        ]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    """A focal point. Internal notes are never part of the API."""

    organization = OrganizationSummarySerializer(read_only=True)
    languages = LanguagesField()

    class Meta:
        model = Contact
        fields = [
            "id", "organization", "name_ar", "name_en", "title_ar", "title_en", "email",
            "phone", "languages", "is_public",
        ]
        read_only_fields = fields


class TwoFactorSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            (mfa.ENABLED, "enabled"),
            (mfa.REQUIRED, "required"),
            (mfa.EXEMPT_DEMO, "exempt_demo"),
            (mfa.NOT_REQUIRED, "not_required"),
        ],
        help_text="`enabled`: an authenticator app is set up; `required`: the role needs one "
        "and none is set up; `exempt_demo`: a demo user in demo mode; `not_required`.",
    )
    # Declared fields leave the class at creation (SerializerMetaclass); the stubs do not
    # know that and see Field.required.
    required = serializers.BooleanField(  # type: ignore[assignment]
        help_text="Whether the user's role must use two-factor authentication."
    )
    enabled = serializers.BooleanField(help_text="Whether an authenticator app is set up.")


class ProfileSerializer(serializers.ModelSerializer):
    organization = OrganizationSummarySerializer(read_only=True, allow_null=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    two_factor = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id", "username", "full_name_ar", "full_name_en", "organization", "role",
            "preferred_language", "two_factor",
        ]
        read_only_fields = fields

    @extend_schema_field(TwoFactorSerializer)
    def get_two_factor(self, user: User) -> dict[str, Any]:
        return two_factor_summary(user)


class ErrorDetailSerializer(serializers.Serializer):
    """Documentation only: the body of every error answer (see tawasul/api/errors.py)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        # Declared here, not as attributes: `fields` is a Serializer property.
        return {
            "code": serializers.CharField(help_text="Stable, for programs."),
            "message": serializers.CharField(help_text="For people, in the request's language."),
            "fields": serializers.DictField(
                child=serializers.ListField(child=serializers.CharField()),
                required=False,
                help_text="Only for invalid input: messages per field (dotted paths).",
            ),
        }


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()

