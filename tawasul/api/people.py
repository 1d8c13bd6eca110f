"""API of the person registry: persons, duplicate suggestions and consents.

The registry is shared for identity (DESIGN, rule 2): every registry member (center
staff, the foundation's administrators and intake officers) finds any person and reads
the identity fields (tawasul.people.access.IDENTITY_FIELDS); the center that registered
the person, and the foundation's registrars, also read the contact fields. Everyone else
(the ministry, analysts, liaison, embassies, partners) sees an empty list and 404s.
Every read is audited with the names of the fields shown: a list or a page of
suggestions in one entry that names the persons shown, a single person through
person_read_audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tawasul.accounts.models import User
from tawasul.api.serializers import (
    CleanTextField,
    CountryCodeField,
    ErrorSerializer,
    OrganizationSummarySerializer,
    StrictInputMixin,
)
from tawasul.api.views import DETAIL_ERRORS, LIST_ERRORS, ScopedReadOnlyViewSet
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.organizations.selectors import organizations_visible_to
from tawasul.people import access, duplicates, selectors, services, validators
from tawasul.people.models import (
    Consent,
    ConsentPurpose,
    DataCategory,
    IdentifierType,
    Person,
    PersonIdentifier,
    Sex,
)

_ERROR = OpenApiResponse(
    ErrorSerializer, description="See the error format in the API description."
)
_NOT_FOUND = "404 when it does not exist or is outside your scope (the two look the same)."
NAME_MAX_LENGTH = 100
FULL_NAME_MAX_LENGTH = 300


def audit_list_read(user: Any, model: type[models.Model], rows: Sequence[models.Model],
                    fields: Iterable[str]) -> None:
    """One READ entry for a page of a list, naming the records shown: the trail says who
    saw which records, at a constant cost per page whatever its size."""
    if not rows:
        return
    audit_record(
        action=AuditAction.READ, actor=user, object_type=model._meta.label_lower,
        fields=fields, reason="list: " + " ".join(str(row.pk) for row in rows),
    )


def _field_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(list(error.messages))


# --- Output ---------------------------------------------------------------------


class IdentifierSerializer(serializers.ModelSerializer):
    issuing_country = CountryCodeField()

    class Meta:
        model = PersonIdentifier
        fields = ["type", "value", "issuing_country"]
        read_only_fields = fields


class PersonNameSerializer(serializers.ModelSerializer):
    """A person as a case or a consent names them."""

    name_ar = serializers.CharField(read_only=True, help_text="The name in Arabic script.")
    name_latin = serializers.CharField(read_only=True, help_text="The name in Latin script.")

    class Meta:
        model = Person
        fields = ["id", "reference", "name_ar", "name_latin"]
        read_only_fields = fields


class PersonIdentitySerializer(serializers.ModelSerializer):
    """The identity fields every registry member may read (IDENTITY_FIELDS)."""

    name_ar = serializers.CharField(read_only=True, help_text="The name in Arabic script.")
    name_latin = serializers.CharField(read_only=True, help_text="The name in Latin script.")
    nationality = CountryCodeField(help_text="ISO 3166-1 alpha-2; XX stateless, ZZ unknown.")
    identifiers = IdentifierSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", *access.IDENTITY_FIELDS, "name_ar", "name_latin"]
        read_only_fields = fields


CONTACT_FIELDS: tuple[str, ...] = ("languages", "phone", "area", "address")


class PersonSerializer(PersonIdentitySerializer):
    """Identity and contact: for the registering center and the foundation's registrars.
    For anyone else the contact fields are null."""

    languages = serializers.ListField(child=serializers.CharField(), read_only=True,
                                      allow_null=True, help_text="ISO 639-1 codes.")
    phone = serializers.CharField(read_only=True, allow_null=True, help_text="E.164.")
    area = serializers.CharField(read_only=True, allow_null=True)
    address = serializers.CharField(read_only=True, allow_null=True)
    registered_by_organization = OrganizationSummarySerializer(read_only=True)
    no_contact_with_home_country = serializers.BooleanField(
        source="has_no_contact_flag", read_only=True,
        help_text="Never disclose this person to their country's embassy.",
    )

    class Meta(PersonIdentitySerializer.Meta):
        fields = [
            *PersonIdentitySerializer.Meta.fields, *CONTACT_FIELDS,
            "registered_by_organization", "no_contact_with_home_country", "is_active",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Person) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not self.context.get("show_contact"):
            for name in CONTACT_FIELDS:
                data[name] = None
        return data


class SuggestionReasonSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, e.g. `same_identifier`.")
    message = serializers.CharField(help_text="In the request's language.")


class SuggestionSerializer(serializers.Serializer):
    person = PersonIdentitySerializer()
    score = serializers.FloatField(help_text="0 to 1; higher is likelier the same person.")
    reasons = SuggestionReasonSerializer(many=True)


class SuggestionListSerializer(serializers.Serializer):
    results = SuggestionSerializer(many=True)


class ConsentSerializer(serializers.ModelSerializer):
    person = PersonNameSerializer(read_only=True)
    granted_by_person = PersonNameSerializer(read_only=True, allow_null=True)
    recipients = OrganizationSummarySerializer(many=True, read_only=True)
    recorded_by_organization = OrganizationSummarySerializer(read_only=True)
    data_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices), read_only=True
    )
    has_evidence = serializers.SerializerMethodField()
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id", "person", "purpose", "purpose_text", "recipients", "data_categories",
            "granted_by_person", "granted_by_name", "granted_by_relationship", "granted_at",
            "expires_at", "withdrawn_at", "withdrawal_reason", "recorded_by_organization",
            "has_evidence", "is_active",
        ]
        read_only_fields = fields

    def get_has_evidence(self, consent: Consent) -> bool:
        return bool(consent.evidence)

    def get_is_active(self, consent: Consent) -> bool:
        from django.utils import timezone

        return consent.is_active_at(timezone.now())


# --- Input ----------------------------------------------------------------------


class PersonFilterSerializer(serializers.Serializer):
    q = CleanTextField(required=False, allow_blank=True, max_length=100)
    nationality = serializers.CharField(required=False, max_length=2, min_length=2)

    def validate_nationality(self, value: str) -> str:
        code = value.upper()
        try:
            validators.validate_nationality(code)
        except DjangoValidationError as error:
            raise _field_error(error) from None
        return code


class IdentifierInputSerializer(StrictInputMixin, serializers.Serializer):
    type = serializers.ChoiceField(choices=IdentifierType.choices)
    value = serializers.CharField(max_length=40)
    issuing_country = serializers.CharField(
        required=False, allow_blank=True, max_length=2,
        help_text="ISO 3166-1 alpha-2; required for a passport, QA for a Qatar ID.",
    )

    def validate_value(self, value: str) -> str:
        normalized = validators.normalize_identifier(value)
        if not normalized:
            raise serializers.ValidationError(_("Enter the number."))
        return normalized

    def validate_issuing_country(self, value: str) -> str:
        code = value.strip().upper()
        if code:
            try:
                validators.validate_nationality(code)
            except DjangoValidationError as error:
                raise _field_error(error) from None
        return code

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["type"] == IdentifierType.QID:
            attrs["issuing_country"] = "QA"
        elif attrs["type"] == IdentifierType.PASSPORT and not attrs.get("issuing_country"):
            raise serializers.ValidationError(
                {"issuing_country": [_("Choose the country that issued the passport.")]}
            )
        return attrs


def _name(max_length: int = NAME_MAX_LENGTH) -> CleanTextField:
    return CleanTextField(required=False, allow_blank=True, max_length=max_length)


class PersonFieldsSerializer(StrictInputMixin, serializers.Serializer):
    """The fields of person_register and person_update, checked at the edge with the
    registry's own validators so that each error names its field."""

    given_name_ar = _name()
    father_name_ar = _name()
    grandfather_name_ar = _name()
    family_name_ar = _name()
    full_name_ar = _name(FULL_NAME_MAX_LENGTH)
    given_name_latin = _name()
    father_name_latin = _name()
    grandfather_name_latin = _name()
    family_name_latin = _name()
    full_name_latin = _name(FULL_NAME_MAX_LENGTH)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    dob_is_estimated = serializers.BooleanField(required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    nationality = serializers.CharField(
        required=False, max_length=2,
        help_text="ISO 3166-1 alpha-2; XX stateless, ZZ unknown.",
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False, max_length=20,
        help_text="ISO 639-1 codes.",
    )
    phone = serializers.CharField(
        required=False, allow_blank=True, max_length=40,
        help_text="Stored as E.164; a bare 8-digit number is taken as a Qatar number.",
    )
    area = _name()
    address = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    def validate_date_of_birth(self, value: Any) -> Any:
        if value is not None:
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
        return code

    def validate_phone(self, value: str) -> str:
        try:
            return validators.normalize_phone(value)
        except DjangoValidationError as error:
            raise _field_error(error) from None

    def validate_languages(self, value: list[str]) -> list[str]:
        try:
            return validators.normalize_languages(value)
        except DjangoValidationError as error:
            raise _field_error(error) from None


class PersonCreateSerializer(PersonFieldsSerializer):
    nationality = serializers.CharField(
        max_length=2, help_text="ISO 3166-1 alpha-2; XX stateless, ZZ unknown."
    )
    identifiers = IdentifierInputSerializer(  # type: ignore[call-arg]
        many=True, required=False, max_length=10
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        names = [v for k, v in attrs.items() if "name" in k and v]
        if not names:
            raise serializers.ValidationError(
                {"given_name_ar": [_("Enter the person's name in Arabic or Latin script.")]}
            )
        errors: list[dict[str, list[str]]] = []
        seen: set[tuple[str, str, str]] = set()
        for item in attrs.get("identifiers") or ():
            errors.append(self._identifier_errors(item, attrs, seen))
        if any(errors):
            raise serializers.ValidationError({"identifiers": errors})
        return attrs

    @staticmethod
    def _identifier_errors(item: dict[str, Any], attrs: dict[str, Any],
                           seen: set[tuple[str, str, str]]) -> dict[str, list[str]]:
        key = (item["type"], item.get("issuing_country", ""), item["value"])
        if item["type"] == IdentifierType.QID:
            try:
                validators.validate_qid(
                    item["value"], date_of_birth=attrs.get("date_of_birth"),
                    dob_is_estimated=bool(attrs.get("dob_is_estimated")),
                )
            except DjangoValidationError as error:
                return {"value": list(error.messages)}
        if key in seen:
            return {"value": [str(_("This identifier is given twice."))]}
        seen.add(key)
        taken = PersonIdentifier.objects.filter(
            type=key[0], issuing_country=key[1], value=key[2]
        ).exists()
        if taken:
            return {"value": [str(
                _("This %(type)s number is already registered to another person.")
                % {"type": IdentifierType(item["type"]).label}
            )]}
        return {}


class DuplicateDraftSerializer(StrictInputMixin, serializers.Serializer):
    """What a worker has typed so far; every field optional, half-typed values tolerated
    (an incomplete date is ignored)."""

    given_name_ar = _name()
    father_name_ar = _name()
    grandfather_name_ar = _name()
    family_name_ar = _name()
    full_name_ar = _name(FULL_NAME_MAX_LENGTH)
    given_name_latin = _name()
    father_name_latin = _name()
    grandfather_name_latin = _name()
    family_name_latin = _name()
    full_name_latin = _name(FULL_NAME_MAX_LENGTH)
    date_of_birth = serializers.CharField(required=False, allow_blank=True, max_length=10,
                                          help_text="YYYY-MM-DD; ignored until complete.")
    dob_is_estimated = serializers.BooleanField(required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    nationality = serializers.CharField(required=False, allow_blank=True, max_length=2)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    identifiers = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
        required=False, max_length=10,
        help_text="Items with `type`, `value` and (passports) `issuing_country`.",
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=20, default=10)


class ConsentFilterSerializer(serializers.Serializer):
    person = serializers.UUIDField(required=False)
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices, required=False)


class ConsentCreateSerializer(StrictInputMixin, serializers.Serializer):
    person = serializers.UUIDField(help_text="A registered person's id.")
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    purpose_text = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                         help_text="Required when the purpose is `other`.")
    recipients = serializers.ListField(child=serializers.UUIDField(), min_length=1,
                                       max_length=50, help_text="Organization ids.")
    data_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices), min_length=1
    )
    granted_at = serializers.DateTimeField(required=False, help_text="Now by default.")
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    granted_by_person = serializers.UUIDField(
        required=False, allow_null=True,
        help_text="A registered guardian or parent of the person, when they granted it.",
    )
    granted_by_name = CleanTextField(required=False, allow_blank=True, max_length=200,
                                     help_text="A guardian who is not registered.")
    granted_by_relationship = CleanTextField(required=False, allow_blank=True, max_length=100)

    def _visible_person(self, value: Any) -> Person:
        person = selectors.persons_visible_to(self.context["request"].user).filter(
            pk=value
        ).first()
        if person is None:
            raise serializers.ValidationError(_("Choose a registered person."))
        return person

    def validate_person(self, value: Any) -> Person:
        return self._visible_person(value)

    def validate_granted_by_person(self, value: Any) -> Person | None:
        return None if value is None else self._visible_person(value)

    def validate_recipients(self, value: list[Any]) -> list[Any]:
        wanted = set(value)
        found = list(
            organizations_visible_to(self.context["request"].user).filter(pk__in=wanted)
        )
        if len(found) != len(wanted):
            raise serializers.ValidationError(_("Choose organizations from the directory."))
        return found


class ConsentWithdrawSerializer(StrictInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX_LENGTH,
                                   trim_whitespace=False)


# --- Views ----------------------------------------------------------------------


def _registry_member(user: Any, obj_type: type[models.Model], action_name: str) -> User:
    member = selectors.registry_member(user)
    if member is None:
        audit_record(action=AuditAction.ACCESS_DENIED, actor=user,
                     object_type=obj_type._meta.label_lower, reason=f"may not {action_name}")
        raise PermissionDenied("forbidden", _("You do not have permission to do this."))
    return member


_PERSON_NAME_FIELDS = (
    "given_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar", "full_name_ar",
    "given_name_latin", "father_name_latin", "grandfather_name_latin", "family_name_latin",
    "full_name_latin",
)


@extend_schema_view(
    list=extend_schema(
        summary="Find registered persons",
        description="Identity fields only. Registry members (center staff, the "
        "foundation's administrators and intake officers) see every active person; others "
        "an empty list. Audited.",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR,
                             description="A name in Arabic or Latin script (any part), or an "
                             "identifier's number (exactly)."),
            OpenApiParameter("nationality", OpenApiTypes.STR,
                             description="ISO 3166-1 alpha-2 (XX stateless, ZZ unknown)."),
        ],
        responses={200: PersonIdentitySerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One person",
        description="Identity for every registry member; the contact fields (languages, "
        "phone, area, address) for the registering center and the foundation's "
        "registrars, null for others. Audited. " + _NOT_FOUND,
        responses={200: PersonSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Register a person",
        description="For your own organization. A name in Arabic or Latin script and the "
        "nationality are required. Identifiers are checked (a Qatar ID: 11 digits, starting "
        "with 2 or 3, agreeing with the date of birth) and must not be registered already. "
        "Check for duplicates first (POST /persons/duplicates/).",
        request=PersonCreateSerializer,
        responses={201: PersonSerializer, 400: _ERROR, 401: _ERROR, 403: _ERROR},
    ),
    partial_update=extend_schema(
        summary="Correct a person's record",
        description="The registering center and the foundation's registrars. Identifiers "
        "are added and removed on the person's page. " + _NOT_FOUND,
        request=PersonFieldsSerializer,
        responses={200: PersonSerializer, 400: _ERROR, 403: _ERROR, **DETAIL_ERRORS},
    ),
)
class PersonViewSet(ScopedReadOnlyViewSet):
    queryset = Person.objects.none()
    serializer_class = PersonIdentitySerializer
    filter_serializer_class = PersonFilterSerializer
    ordering = ("reference",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def visible_to(self, user: Any) -> QuerySet[Person]:
        return selectors.persons_visible_to(user).prefetch_related("identifiers")

    def access(self, user: Any, object_id: object) -> Person:
        return access.access_person(user, object_id)

    def filter_queryset_by(self, qs: QuerySet[Any], params: dict[str, Any]) -> QuerySet[Any]:
        if params.get("nationality"):
            qs = qs.filter(nationality=params["nationality"])
        q = params.get("q", "")
        if q:
            condition = Q(reference__iexact=q)
            for name in _PERSON_NAME_FIELDS:
                condition |= Q(**{f"{name}__icontains": q})
            identifier = validators.normalize_identifier(q)
            if identifier:
                condition |= Q(Exists(PersonIdentifier.objects.filter(
                    person=OuterRef("pk"), value=identifier
                )))
            qs = qs.filter(condition)
        return qs

    def _detail(self, person: Person) -> dict[str, Any]:
        user = self.request.user
        show_contact = access.is_registering_center_or_foundation(user, person)  # type: ignore[arg-type]
        fields = [*access.IDENTITY_FIELDS, "safety_flags",
                  *(CONTACT_FIELDS if show_contact else ())]
        access.person_read_audited(user, person, fields)  # type: ignore[arg-type]
        return PersonSerializer(person, context={"show_contact": show_contact}).data

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        audit_list_read(request.user, Person, page, access.IDENTITY_FIELDS)
        return self.get_paginated_response(PersonIdentitySerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        assert isinstance(person, Person)
        return Response(self._detail(person))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = _registry_member(request.user, Person, "register persons")
        data = PersonCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        identifiers = values.pop("identifiers", [])
        try:
            person = services.person_register(
                actor=member, organization=member.organization,  # type: ignore[arg-type]
                identifiers=identifiers, **values,
            )
        except DomainError as error:
            # The service names an identifier's own field; say which list it is in.
            if error.field in ("type", "value", "issuing_country"):
                error.field = f"identifiers.{error.field}"
            raise
        person = access.access_person(member, person.pk)
        return Response(self._detail(person), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        assert isinstance(person, Person)
        changes = PersonFieldsSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        services.person_update(
            actor=request.user, person=person, **changes.validated_data  # type: ignore[arg-type]
        )
        return Response(self._detail(access.access_person(request.user, person.pk)))

    @extend_schema(
        summary="Suggest persons already registered who may be the one being typed",
        description="Send what has been typed so far (any field may be missing). The "
        "answer lists likely matches, best first, each with a score and its reasons (a "
        "stable `code` and a `message` in the request's language). A typed identifier "
        "that is registered always comes first. Registry members only (403 otherwise). "
        "The persons shown are audited.",
        request=DuplicateDraftSerializer,
        responses={200: SuggestionListSerializer, 400: _ERROR, 401: _ERROR, 403: _ERROR},
    )
    @action(detail=False, methods=["post"], url_path="duplicates", pagination_class=None)
    def duplicates(self, request: Request) -> Response:
        draft = DuplicateDraftSerializer(data=request.data)
        draft.is_valid(raise_exception=True)
        values = dict(draft.validated_data)
        limit = values.pop("limit")
        suggestions = duplicates.suggest_duplicates(user=request.user, draft=values,
                                                    limit=limit)
        prefetch_related_objects([s.person for s in suggestions], "identifiers")
        audit_list_read(request.user, Person, [s.person for s in suggestions],
                        access.IDENTITY_FIELDS)
        results = [
            {"person": s.person, "score": round(s.score, 3),
             "reasons": [{"code": r.code, "message": r.message} for r in s.reasons]}
            for s in suggestions
        ]
        return Response(SuggestionListSerializer({"results": results}).data)


@extend_schema_view(
    list=extend_schema(
        summary="Consent records",
        description="Those of persons your organization registered and those your "
        "organization recorded; the foundation's administrators and intake officers see "
        "all. Audited.",
        parameters=[
            OpenApiParameter("person", OpenApiTypes.UUID, description="The person's id."),
            OpenApiParameter("purpose", OpenApiTypes.STR, enum=ConsentPurpose.values),
        ],
        responses={200: ConsentSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One consent record",
        description=f"Audited. {_NOT_FOUND}",
        responses={200: ConsentSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Record a consent",
        description="Given by the person, or for them by a guardian (a registered guardian "
        "or parent in `granted_by_person`, or a named one in `granted_by_name`); a child's "
        "consent is given by a guardian. The evidence (a scan of the signed form) is "
        "uploaded on the person's page, not through the API.",
        request=ConsentCreateSerializer,
        responses={201: ConsentSerializer, 400: _ERROR, 401: _ERROR, 403: _ERROR},
    ),
)
class ConsentViewSet(ScopedReadOnlyViewSet):
    queryset = Consent.objects.none()
    serializer_class = ConsentSerializer
    filter_serializer_class = ConsentFilterSerializer
    ordering = ("-granted_at",)
    http_method_names = ["get", "post", "head", "options"]

    def visible_to(self, user: Any) -> QuerySet[Consent]:
        return selectors.consents_visible_to(user)

    def access(self, user: Any, object_id: object) -> Consent:
        return access.access_consent(user, object_id)

    def filter_queryset_by(self, qs: QuerySet[Any], params: dict[str, Any]) -> QuerySet[Any]:
        for name in ("person", "purpose"):
            if params.get(name):
                qs = qs.filter(**{name: params[name]})
        return qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        audit_list_read(request.user, Consent, page, ConsentSerializer.Meta.fields)
        return self.get_paginated_response(ConsentSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        consent = self.get_object()
        audit_record(action=AuditAction.READ, actor=request.user, obj=consent,
                     fields=ConsentSerializer.Meta.fields)
        return Response(ConsentSerializer(consent).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = _registry_member(request.user, Consent, "record consent")
        data = ConsentCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        consent = services.consent_record(actor=member, **data.validated_data)
        return Response(
            ConsentSerializer(access.access_consent(member, consent.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Withdraw a consent",
        description="Stops future sharing from now on; the reason is recorded. 400 with "
        "code `consent_withdrawn` if it already is. " + _NOT_FOUND,
        request=ConsentWithdrawSerializer,
        responses={200: ConsentSerializer, 400: _ERROR, 403: _ERROR, **DETAIL_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="withdraw")
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        consent = self.get_object()
        data = ConsentWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.consent_withdraw(
            actor=request.user, consent=consent,  # type: ignore[arg-type]
            reason=data.validated_data["reason"],
        )
        return Response(ConsentSerializer(access.access_consent(request.user, pk)).data)
