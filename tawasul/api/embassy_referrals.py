"""The API's side of referrals from embassies: what an embassy sends (`POST /referrals/`,
DESIGN's contract) and the embassy's view of its referrals; the intake desk's view of an
embassy referral (what was submitted, the registry's matches, its assignments) and the
input of its actions. tawasul/api/referrals.py's ReferralViewSet serves them.

The embassy's shapes are built from tawasul.referrals.embassy_view alone (an allowlist:
a field added to referrals later does not reach embassies by accident); the intake
desk's fields are governed by selectors.referral_fields_for like every other.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tawasul.accounts.models import User
from tawasul.api import attachments as files_api
from tawasul.api.people import PersonNameSerializer
from tawasul.api.serializers import (
    CleanTextField,
    CountryCodeField,
    DomainField,
    OrganizationSummarySerializer,
    StrictInputMixin,
)
from tawasul.common.references import TEXT_MAX_LENGTH
from tawasul.organizations.models import CenterDomain, Organization, OrganizationKind
from tawasul.organizations.selectors import organizations_visible_to
from tawasul.people import validators
from tawasul.people.models import Person, Sex
from tawasul.people.selectors import persons_visible_to
from tawasul.referrals import embassy_view, selectors
from tawasul.referrals.embassy_services import NAME_MAX_LENGTH, PASSPORT_MAX_LENGTH
from tawasul.referrals.models import (
    Referral,
    ReferralAttachment,
    ReferralEvent,
    SubmittedPerson,
    Urgency,
)

# The fields of the person as submitted, in the order the service takes them.
PERSON_FIELDS: tuple[str, ...] = (
    "name_ar", "name_en", "sex", "date_of_birth", "nationality", "passport_number", "phone",
)


def _user_of(serializer: serializers.Serializer) -> User:
    return cast(User, serializer.context["request"].user)


def _field_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(list(error.messages))


# --- What an embassy sends ---------------------------------------------------------------


class SubmittedPersonInputSerializer(StrictInputMixin, serializers.Serializer):
    name_ar = CleanTextField(required=False, allow_blank=True, max_length=NAME_MAX_LENGTH,
                             help_text="The name in Arabic script; give it, `name_en`, or both.")
    name_en = CleanTextField(required=False, allow_blank=True, max_length=NAME_MAX_LENGTH,
                             help_text="The name in Latin script, as in the passport.")
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = serializers.DateField(help_text="YYYY-MM-DD; not in the future.")
    nationality = serializers.CharField(
        max_length=2, help_text="ISO 3166-1 alpha-2; must be your embassy's country."
    )
    passport_number = CleanTextField(required=False, allow_blank=True,
                                     max_length=PASSPORT_MAX_LENGTH)
    phone = serializers.CharField(
        required=False, allow_blank=True, max_length=40,
        help_text="With the country code; stored as E.164.",
    )

    def validate_date_of_birth(self, value: Any) -> Any:
        try:
            validators.validate_date_of_birth(value)
        except DjangoValidationError as error:
            raise _field_error(error) from None
        return value

    def validate_nationality(self, value: str) -> str:
        code = value.strip().upper()
        try:
            validators.validate_nationality(code)
        except DjangoValidationError as error:
            raise _field_error(error) from None
        embassy = _user_of(self).organization
        if embassy is not None and code != str(embassy.country):
            raise serializers.ValidationError(
                _("An embassy refers only its own nationals: the nationality must be "
                  "%(country)s.") % {"country": embassy.country.name or str(embassy.country)}
            )
        return code

    def validate_phone(self, value: str) -> str:
        try:
            return validators.normalize_phone(value)
        except DjangoValidationError as error:
            raise _field_error(error) from None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs.get("name_ar") or attrs.get("name_en")):
            raise serializers.ValidationError(
                {"name_ar": [_("Enter the person's name in Arabic or in English.")]}
            )
        return attrs


class EmbassyReferralCreateSerializer(StrictInputMixin, serializers.Serializer):
    """An embassy refers one of its nationals to the foundation (consular officers)."""

    person = SubmittedPersonInputSerializer()
    domain = serializers.ChoiceField(
        choices=CenterDomain.values, help_text="What the person needs: one of the seven "
        "centers' domains."
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH, trim_whitespace=False,
                                   help_text="Why you refer the person.")


# --- What the embassy sees ---------------------------------------------------------------


class SubmittedPersonSerializer(serializers.ModelSerializer):
    """The person as the embassy described them."""

    nationality = CountryCodeField()

    class Meta:
        model = SubmittedPerson
        fields = list(PERSON_FIELDS)
        read_only_fields = fields


class TimelineStepSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=embassy_view.EmbassyStatus.choices,
                                     read_only=True)
    at = serializers.DateTimeField(read_only=True)


class ReferralAttachmentSerializer(serializers.ModelSerializer):
    """A file of a message (`content_type` as recognised by its content, `size` in
    bytes)."""

    download_url = files_api.download_url_field()

    class Meta:
        model = ReferralAttachment
        fields = ["id", "original_filename", "content_type", "size", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: ReferralAttachment) -> str:
        return files_api.download_url("api:referral-attachment", attachment)


class EmbassyMessageSerializer(serializers.ModelSerializer):
    """A message between the embassy and the foundation, as the embassy reads it. Needs
    `referral` in the context."""

    author_name = serializers.SerializerMethodField()
    from_embassy = serializers.SerializerMethodField()
    attachments = ReferralAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ReferralEvent
        fields = ["id", "at", "author_name", "from_embassy", "text", "attachments"]
        read_only_fields = fields

    def get_author_name(self, event: ReferralEvent) -> str:
        return event.author.display_name if event.author is not None else ""

    def get_from_embassy(self, event: ReferralEvent) -> bool:
        referral: Referral = self.context["referral"]
        return (event.author is not None
                and event.author.organization_id == referral.from_organization_id)


class EmbassyReferralListSerializer(serializers.Serializer):
    """An embassy's referral in its list. Needs nothing in the context."""

    id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(
        choices=embassy_view.EmbassyStatus.choices, read_only=True,
        help_text="As an embassy sees it: submitted, under review, accepted, in progress, "
        "closed, or declined.",
    )
    domain = DomainField()
    urgency = serializers.ChoiceField(choices=Urgency.choices, read_only=True)
    sent_at = serializers.DateTimeField(read_only=True)
    person = SubmittedPersonSerializer(read_only=True, source="submitted_person")

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        data["status"] = embassy_view.embassy_status(instance)
        return data


class EmbassyReferralSerializer(EmbassyReferralListSerializer):
    """Everything an embassy may see of its referral (tawasul.referrals.embassy_view).
    Needs `viewer` in the context."""

    reason = serializers.CharField(read_only=True)
    decline_reason = serializers.CharField(
        read_only=True, allow_null=True,
        help_text="The foundation's reason, when it declined the referral; else null.",
    )
    receiving_center = OrganizationSummarySerializer(
        read_only=True, allow_null=True,
        help_text="The center that took the person on, only with the person's consent to "
        "share it with your embassy; else null.",
    )
    timeline = TimelineStepSerializer(many=True, read_only=True)
    messages = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        view = embassy_view.embassy_view(instance)
        data = super().to_representation(instance)
        data.update(
            status=view.status, decline_reason=view.decline_reason,
            receiving_center=(OrganizationSummarySerializer(view.receiving_center).data
                              if view.receiving_center is not None else None),
            timeline=TimelineStepSerializer(view.timeline, many=True).data,
        )
        return data

    @extend_schema_field(EmbassyMessageSerializer(many=True))
    def get_messages(self, referral: Referral) -> list[dict[str, Any]]:
        events = selectors.referral_events_visible_to(self.context["viewer"], referral)
        rows = EmbassyMessageSerializer(events.order_by("at", "created_at", "id"), many=True,
                                        context={"referral": referral})
        return cast(list[dict[str, Any]], rows.data)

    @extend_schema_field({"type": "array", "items": {"type": "string", "enum": ["message"]},
                          "description": "`message`: you may write to the foundation."})
    def get_allowed_actions(self, referral: Referral) -> list[str]:
        from tawasul.referrals.access import can_write_message

        return ["message"] if can_write_message(self.context["viewer"], referral) else []


# --- What the intake desk sees besides the common fields ------------------------------------


class RegistryMatchSerializer(serializers.Serializer):
    person = PersonNameSerializer(read_only=True)
    score = serializers.FloatField(read_only=True, help_text="0 to 1.")
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    same_passport = serializers.BooleanField(read_only=True)
    no_contact_flag = serializers.SerializerMethodField(
        help_text="The person is flagged no contact with home country."
    )

    def get_no_contact_flag(self, match: selectors.RegistryMatch) -> bool:
        return bool(match.person.has_no_contact_flag)


class AssignmentSummarySerializer(serializers.ModelSerializer):
    to_organization = OrganizationSummarySerializer(read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "reference", "to_organization", "status", "sent_at"]
        read_only_fields = fields


class ParentSummarySerializer(serializers.ModelSerializer):
    """The embassy referral an assignment comes from."""

    from_organization = OrganizationSummarySerializer(read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "reference", "from_organization"]
        read_only_fields = fields


# --- The intake desk's input ------------------------------------------------------------------


class LinkPersonSerializer(StrictInputMixin, serializers.Serializer):
    person = serializers.UUIDField(help_text="A person of the registry.")

    def validate_person(self, value: Any) -> Person:
        person = persons_visible_to(_user_of(self)).filter(pk=value).first()
        if person is None:
            raise serializers.ValidationError(_("Choose a person of the registry."))
        return person


class EmptySerializer(StrictInputMixin, serializers.Serializer):
    """No fields."""


class AssignSerializer(StrictInputMixin, serializers.Serializer):
    center = serializers.UUIDField(required=False, help_text="The center's id; or `domain`.")
    domain = serializers.ChoiceField(choices=CenterDomain.values, required=False,
                                     help_text="The center's domain (one center per domain).")
    note = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, trim_whitespace=False, required=False, allow_blank=True,
        help_text="For the center (the embassy does not read it).",
    )

    def _center(self, **lookup: Any) -> Organization | None:
        return organizations_visible_to(_user_of(self)).filter(
            kind=OrganizationKind.CENTER, is_active=True, **lookup).first()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        center_id, domain = attrs.pop("center", None), attrs.pop("domain", None)
        if center_id is None and domain is None:
            raise serializers.ValidationError({"center": [_("Choose a center.")]})
        center = self._center(pk=center_id) if center_id else self._center(domain=domain)
        if center is None:
            raise serializers.ValidationError(
                {"center" if center_id else "domain": [_("Choose a center.")]})
        attrs["center"] = center
        return attrs
