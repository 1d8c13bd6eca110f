"""API of the diplomatic network: bulletins and the missions directory.

Lists start from tawasul.network.selectors, details go through tawasul.network.access,
writes through tawasul.network.services, as on the pages:

- bulletins: a mission's users list the bulletins sent to their mission (titles only) and
  retrieve one (its text), which records their read receipt the first time; another
  mission's bulletin answers 404. The foundation's administrators and liaison officers
  list and retrieve every bulletin, with who received and read it, and send new ones.
- missions: the directory of missions with all their focal points, for the
  administrators and liaison officers; an empty list and 404s for everyone else.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from tawasul.accounts.models import User
from tawasul.api.serializers import (
    CleanTextField,
    CountryCodeField,
    ErrorSerializer,
    LanguagesField,
    OrganizationSummarySerializer,
    StrictInputMixin,
)
from tawasul.api.views import DETAIL_ERRORS, LIST_ERRORS, ScopedReadOnlyViewSet
from tawasul.common.references import TEXT_MAX_LENGTH
from tawasul.network import access, selectors, services
from tawasul.network.models import Bulletin, BulletinDelivery, BulletinReceipt
from tawasul.organizations.models import Contact, Organization

_ERROR = OpenApiResponse(
    ErrorSerializer, description="See the error format in the API description."
)
_NOT_FOUND = "404 when it does not exist or is outside your scope (the two look the same)."
_KEEPERS_ONLY = "For the foundation's administrators and liaison officers; null for a mission."

# --- Output ---------------------------------------------------------------------------


class ReaderSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]
        read_only_fields = fields


class ReceiptSerializer(serializers.ModelSerializer):
    user = ReaderSerializer(read_only=True)

    class Meta:
        model = BulletinReceipt
        fields = ["user", "read_at"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    mission = OrganizationSummarySerializer(read_only=True)
    read_by = ReceiptSerializer(many=True, read_only=True,
                                help_text="The mission's users who opened it, first read first.")

    class Meta:
        model = BulletinDelivery
        fields = ["mission", "emailed_at", "read_by"]
        read_only_fields = fields


@extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
class _OptionalDateTime(serializers.Field):
    """An annotation that only some querysets carry: null where it is absent."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        self.attribute = kwargs.pop("attribute")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        found = getattr(value, self.attribute, None)
        return serializers.DateTimeField().to_representation(found) if found else None


@extend_schema_field({"type": "integer", "nullable": True})
class _OptionalInteger(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        self.attribute = kwargs.pop("attribute")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        found = getattr(value, self.attribute, None)
        return int(found) if found is not None else None


class BulletinSummarySerializer(serializers.ModelSerializer):
    """A bulletin in a list: no text (retrieving it is what counts as reading it)."""

    read_at = _OptionalDateTime(
        attribute="read_at",
        help_text="When you first opened it (a mission's users); null if not yet, and for "
        "the foundation.",
    )
    to_all_missions = serializers.BooleanField(read_only=True, allow_null=True,
                                               help_text=_KEEPERS_ONLY)
    mission_count = _OptionalInteger(attribute="mission_count",
                                     help_text=f"Missions it was sent to. {_KEEPERS_ONLY}")
    read_mission_count = _OptionalInteger(
        attribute="read_mission_count",
        help_text=f"Missions where someone has read it. {_KEEPERS_ONLY}",
    )

    class Meta:
        model = Bulletin
        fields = ["id", "title_ar", "title_en", "sent_at", "read_at", "to_all_missions",
                  "mission_count", "read_mission_count"]
        read_only_fields = fields

    def to_representation(self, instance: Bulletin) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not self.context.get("is_keeper"):
            for name in ("to_all_missions", "mission_count", "read_mission_count"):
                data[name] = None
        return data


class BulletinSerializer(BulletinSummarySerializer):
    """One bulletin with its text; for the foundation also who received and read it."""

    sent_by = ReaderSerializer(read_only=True, allow_null=True, help_text=_KEEPERS_ONLY)
    deliveries = DeliverySerializer(source="deliveries_shown", many=True, read_only=True,
                                    allow_null=True, help_text=_KEEPERS_ONLY)

    class Meta(BulletinSummarySerializer.Meta):
        fields = [*BulletinSummarySerializer.Meta.fields, "body_ar", "body_en", "sent_by",
                  "deliveries"]
        read_only_fields = fields

    def to_representation(self, instance: Bulletin) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("is_keeper"):
            data["sent_by"] = None
            data["deliveries"] = None
        return data


class FocalPointSerializer(serializers.ModelSerializer):
    """A focal point of a mission. Internal notes are never part of the API."""

    languages = LanguagesField()

    class Meta:
        model = Contact
        fields = ["id", "name_ar", "name_en", "title_ar", "title_en", "email", "phone",
                  "languages", "is_public"]
        read_only_fields = fields


class MissionSerializer(serializers.ModelSerializer):
    country = CountryCodeField()
    languages = LanguagesField()
    focal_points = FocalPointSerializer(many=True, read_only=True,
                                        help_text="Internal ones too (`is_public` false).")
    correspondence_count = serializers.IntegerField(read_only=True)
    last_correspondence_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = ["id", "code", "name_ar", "name_en", "country", "languages", "email", "phone",
                  "website", "is_active", "focal_points", "correspondence_count",
                  "last_correspondence_on"]
        read_only_fields = fields


# --- Input ----------------------------------------------------------------------------


class BulletinFilterSerializer(serializers.Serializer):
    q = CleanTextField(required=False, allow_blank=True, max_length=100)


class BulletinCreateSerializer(StrictInputMixin, serializers.Serializer):
    title_ar = CleanTextField(max_length=services.TITLE_MAX_LENGTH)
    title_en = CleanTextField(max_length=services.TITLE_MAX_LENGTH)
    body_ar = serializers.CharField(max_length=TEXT_MAX_LENGTH, trim_whitespace=False,
                                    help_text="Line breaks are kept.")
    body_en = serializers.CharField(max_length=TEXT_MAX_LENGTH, trim_whitespace=False,
                                    help_text="Line breaks are kept.")
    missions = serializers.ListField(
        child=serializers.UUIDField(), required=False, max_length=500,
        help_text="Ids of missions (GET /missions/); not needed with `to_all_missions`.",
    )
    to_all_missions = serializers.BooleanField(required=False, default=False,
                                               help_text="Send to every active mission.")

    def validate_missions(self, value: list[Any]) -> list[Organization]:
        wanted = set(value)
        found = list(selectors.missions_visible_to(self.context["request"].user)
                     .filter(pk__in=wanted, is_active=True))
        if len(found) != len(wanted):
            raise serializers.ValidationError(_("Choose missions from the directory."))
        return found

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("to_all_missions") and not attrs.get("missions"):
            raise serializers.ValidationError(
                {"missions": [_("Choose at least one mission, or send to all.")]}
            )
        return attrs


class MissionFilterSerializer(serializers.Serializer):
    country = serializers.CharField(required=False, max_length=2, min_length=2)
    language = serializers.RegexField(r"^[a-z]{2,3}$", required=False,
                                      help_text="ISO 639-1 code, e.g. tl.")
    q = CleanTextField(required=False, allow_blank=True, max_length=100)

    def validate_country(self, value: str) -> str:
        return value.upper()


# --- Views ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Bulletins from the foundation",
        description="A mission's users: the bulletins sent to their mission, without their "
        "text. The foundation's administrators and liaison officers: every bulletin, with "
        "how many missions received and read it. Anyone else: an empty list.",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR,
                                     description="Search in the titles (at most 100 "
                                     "characters).")],
        responses={200: BulletinSummarySerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One bulletin, with its text",
        description="For a mission's user this is reading it: the first time, a read "
        "receipt (you, now) is recorded for the foundation to see. The foundation also "
        "sees who received it and who read it when. " + _NOT_FOUND,
        responses={200: BulletinSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Send a bulletin",
        description="The foundation's administrators and liaison officers (403 otherwise). "
        "Title and text in both Arabic and English. Sent to the missions listed, or to "
        "every active mission with `to_all_missions`. Each mission sees it on its Bulletins "
        "page; its active users are emailed in their own language.",
        request=BulletinCreateSerializer,
        responses={201: BulletinSerializer, 400: _ERROR, 401: _ERROR, 403: _ERROR},
    ),
)
class BulletinViewSet(ScopedReadOnlyViewSet):
    queryset = Bulletin.objects.none()
    serializer_class = BulletinSummarySerializer
    filter_serializer_class = BulletinFilterSerializer
    ordering = ("-sent_at",)
    http_method_names = ["get", "post", "head", "options"]

    def _is_keeper(self) -> bool:
        return access.can_manage_network(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "is_keeper": self._is_keeper()}

    def visible_to(self, user: Any) -> QuerySet[Bulletin]:
        if access.can_manage_network(user):
            return selectors.bulletins_for_keepers(user)
        return selectors.bulletins_for_mission(user)

    def access(self, user: Any, object_id: object) -> Bulletin:
        return access.access_bulletin(user, object_id)

    def filter_queryset_by(self, qs: QuerySet[Any], params: dict[str, Any]) -> QuerySet[Any]:
        q = params.get("q", "")
        if q:
            qs = qs.filter(Q(title_ar__icontains=q) | Q(title_en__icontains=q))
        return qs

    def _detail(self, bulletin: Bulletin) -> dict[str, Any]:
        user = self.request.user
        context = self.get_serializer_context()
        if context["is_keeper"]:
            bulletin.deliveries_shown = list(  # type: ignore[attr-defined]
                selectors.deliveries_with_receipts(user, bulletin)
                .order_by("mission__name_en")
            )
        else:
            receipt = services.bulletin_mark_read(user=user, bulletin=bulletin)  # type: ignore[arg-type]
            bulletin.read_at = receipt.read_at if receipt else None  # type: ignore[attr-defined]
            bulletin.deliveries_shown = []  # type: ignore[attr-defined]
        return BulletinSerializer(bulletin, context=context).data

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        bulletin = self.get_object()
        assert isinstance(bulletin, Bulletin)
        return Response(self._detail(bulletin))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Refused before the input is judged: the missions exist only for those who send.
        services.require_bulletin_sender(request.user)  # type: ignore[arg-type]
        data = BulletinCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        bulletin = services.bulletin_send(
            actor=request.user, **data.validated_data  # type: ignore[arg-type]
        )
        return Response(self._detail(bulletin), status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="The missions and their focal points",
        description="For the foundation's administrators and liaison officers, who keep "
        "the diplomatic network: every mission with all its focal points (internal ones "
        "too) and how much correspondence is logged. Anyone else: an empty list.",
        parameters=[
            OpenApiParameter("country", OpenApiTypes.STR,
                             description="ISO 3166-1 alpha-2 code, e.g. PH."),
            OpenApiParameter("language", OpenApiTypes.STR,
                             description="ISO 639-1 code: missions that work in it or have a "
                             "focal point who speaks it."),
            OpenApiParameter("q", OpenApiTypes.STR,
                             description="A mission's or a focal point's name."),
        ],
        responses={200: MissionSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One mission and its focal points",
        description=_NOT_FOUND,
        responses={200: MissionSerializer, **DETAIL_ERRORS},
    ),
)
class MissionViewSet(ScopedReadOnlyViewSet):
    queryset = Organization.objects.none()
    serializer_class = MissionSerializer
    filter_serializer_class = MissionFilterSerializer
    ordering = ("name_en",)

    def visible_to(self, user: Any) -> QuerySet[Organization]:
        return selectors.missions_with_contacts(user)

    def access(self, user: Any, object_id: object) -> Organization:
        mission = access.access_mission(user, object_id)
        return selectors.missions_with_contacts(user).get(pk=mission.pk)

    def filter_queryset_by(self, qs: QuerySet[Any], params: dict[str, Any]) -> QuerySet[Any]:
        user = self.request.user
        if params.get("country"):
            qs = qs.filter(country=params["country"])
        q = params.get("q", "")
        if q:
            qs = qs.filter(
                Q(name_ar__icontains=q) | Q(name_en__icontains=q)
                | Q(pk__in=selectors.mission_contacts_visible_to(user).filter(
                    Q(name_ar__icontains=q) | Q(name_en__icontains=q)
                ).values("organization_id"))
            )
        if params.get("language"):
            qs = qs.filter(pk__in=selectors.missions_speaking(user, params["language"]))
        return qs
