"""API of cases, their timelines and their export.

Lists start from tawasul.cases.selectors.cases_visible_to (a restricted case the caller
is not on is never listed); one case is opened through tawasul.cases.access.access_case,
which audits the read and decides between "visible", "break the glass" and 404. Writes go
through tawasul.cases.services and tawasul.cases.workflow.

Break the glass: a restricted case of the caller's own center that they are not on
answers 403 with code `break_glass_required` unless a GET carries the header
`X-Access-Reason` (at least 10 characters). A header rather than a query parameter keeps
the reason, which may describe the case, out of URLs and access logs. Header values are
Latin-1: send a non-ASCII reason percent-encoded as UTF-8 (`encodeURIComponent`). The
grant lasts for that one request, and only reads: writing on a case needs being on it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
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
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from tawasul.accounts.models import User
from tawasul.accounts.selectors import users_visible_to
from tawasul.api.people import PersonNameSerializer, audit_list_read
from tawasul.api.serializers import (
    CleanTextField,
    DomainField,
    ErrorSerializer,
    OrganizationSummarySerializer,
    StrictInputMixin,
)
from tawasul.api.views import DETAIL_ERRORS, LIST_ERRORS, ScopedReadOnlyViewSet
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases import exports, selectors, services, workflow
from tawasul.cases.access import BREAK_GLASS_REASON_MIN_LENGTH, access_case
from tawasul.cases.export_views import file_response
from tawasul.cases.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    CaseType,
    ClosureReason,
    RiskLevel,
)
from tawasul.common import references
from tawasul.common.errors import PermissionDenied
from tawasul.organizations.models import Service
from tawasul.organizations.selectors import services_visible_to
from tawasul.people.selectors import persons_visible_to

ACCESS_REASON_HEADER = "X-Access-Reason"
TEXT_MAX_LENGTH = references.TEXT_MAX_LENGTH

_ERROR = OpenApiResponse(
    ErrorSerializer, description="See the error format in the API description."
)
_NOT_FOUND = "404 when it does not exist or is outside your scope (the two look the same)."
_BREAK_GLASS = OpenApiResponse(
    ErrorSerializer,
    description="`break_glass_required`: a restricted case you are not on; repeat the GET "
    f"with the `{ACCESS_REASON_HEADER}` header. `forbidden`: you may see the case but not "
    "do this.",
)
_REASON = OpenApiParameter(
    ACCESS_REASON_HEADER, OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
    description="Break the glass on a restricted case you are not on: why you need to open "
    f"it (at least {BREAK_GLASS_REASON_MIN_LENGTH} characters; percent-encoded UTF-8 if not "
    "ASCII). The access is allowed for this request only, audited with the reason, written "
    "on the case's timeline and the center's director is notified.",
)

# --- Output ---------------------------------------------------------------------


class UserSummarySerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]
        read_only_fields = fields


class CaseTypeSummarySerializer(serializers.ModelSerializer):
    domain = DomainField()

    class Meta:
        model = CaseType
        fields = ["id", "domain", "code", "name_ar", "name_en"]
        read_only_fields = fields


class ServiceSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "code", "name_ar", "name_en"]
        read_only_fields = fields


class CaseListSerializer(serializers.ModelSerializer):
    center = OrganizationSummarySerializer(read_only=True)
    person = PersonNameSerializer(read_only=True)
    case_type = CaseTypeSummarySerializer(read_only=True)
    assigned_manager = UserSummarySerializer(read_only=True, allow_null=True)
    last_event_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the latest timeline entry occurred."
    )
    has_overdue_tasks = serializers.BooleanField(
        read_only=True, help_text="An open task of the case is past its due date."
    )

    class Meta:
        model = Case
        fields = [
            "id", "reference", "center", "person", "case_type", "status", "risk_level",
            "is_restricted", "assigned_manager", "opened_at", "closed_at", "last_event_at",
            "has_overdue_tasks",
        ]
        read_only_fields = fields


class CaseSerializer(CaseListSerializer):
    team = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields, "summary", "closure_reason", "team",
            "allowed_transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(UserSummarySerializer(many=True))
    def get_team(self, case: Case) -> list[dict[str, Any]]:
        members = selectors.case_team_of(case)
        return [UserSummarySerializer(m.user).data for m in members]

    @extend_schema_field(
        {"type": "array", "items": {"type": "string", "enum": CaseStatus.values},
         "description": "The statuses this case may move to (POST …/status/)."}
    )
    def get_allowed_transitions(self, case: Case) -> list[str]:
        return workflow.allowed_transitions(case.status)


class CaseEventSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True)
    service = ServiceSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "occurred_at", "author", "text", "service", "from_status",
                  "to_status"]
        read_only_fields = fields


# --- Input ----------------------------------------------------------------------


class CaseFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    case_type = serializers.SlugField(required=False, max_length=60)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    assigned = serializers.ChoiceField(choices=[exports.ASSIGNED_TO_ME], required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = CleanTextField(required=False, allow_blank=True, max_length=exports.SEARCH_MAX_LENGTH)


class CaseExportFilterSerializer(CaseFilterSerializer):
    format = serializers.ChoiceField(choices=exports.FORMATS, required=False,
                                     default=exports.CSV)


def _user_of(serializer: serializers.Serializer) -> User:
    return serializer.context["request"].user


class CaseCreateSerializer(StrictInputMixin, serializers.Serializer):
    person = serializers.UUIDField(help_text="A registered person's id.")
    case_type = serializers.SlugField(
        max_length=60, help_text="The code of an active case type of your center's domain."
    )
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    summary = serializers.CharField(required=False, allow_blank=True,
                                    max_length=TEXT_MAX_LENGTH, trim_whitespace=False)
    assigned_manager = serializers.UUIDField(
        required=False, allow_null=True,
        help_text="A case manager or the director of your center; a case manager who opens "
        "a case manages it unless this names someone else.",
    )
    is_restricted = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="Defaults to the case type's sensitivity; only a director may open a case "
        "of a restricted type as standard.",
    )

    def validate_person(self, value: Any) -> Any:
        person = persons_visible_to(_user_of(self)).filter(pk=value, is_active=True).first()
        if person is None:
            raise serializers.ValidationError(_("Choose a registered person."))
        return person

    def validate_case_type(self, value: str) -> CaseType:
        domain = getattr(_user_of(self).organization, "domain", "")
        case_type = CaseType.objects.filter(domain=domain, code=value, is_active=True).first()
        if case_type is None:
            raise serializers.ValidationError(_("Choose a case type of this center's domain."))
        return case_type

    def validate_assigned_manager(self, value: Any) -> User | None:
        return _colleague(self, value)


def _colleague(serializer: serializers.Serializer, value: Any) -> User | None:
    if value is None:
        return None
    user = _user_of(serializer)
    found = users_visible_to(user).filter(pk=value, organization=user.organization).first()
    if found is None:
        raise serializers.ValidationError(
            _("Choose a case manager or the director of this center.")
        )
    return found


class CaseUpdateSerializer(StrictInputMixin, serializers.Serializer):
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)
    summary = serializers.CharField(required=False, allow_blank=True,
                                    max_length=TEXT_MAX_LENGTH, trim_whitespace=False)
    is_restricted = serializers.BooleanField(
        required=False, help_text="Anyone who manages the case may restrict it; only the "
        "director lifts a restriction."
    )
    assigned_manager = serializers.UUIDField(
        required=False, help_text="Hand the case to a case manager or the director of its "
        "center."
    )

    def validate_assigned_manager(self, value: Any) -> User | None:
        return _colleague(self, value)


class CaseStatusChangeSerializer(StrictInputMixin, serializers.Serializer):
    to_status = serializers.ChoiceField(choices=CaseStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True,
                                 max_length=TEXT_MAX_LENGTH, trim_whitespace=False)
    closure_reason = serializers.ChoiceField(
        choices=ClosureReason.choices, required=False, allow_blank=True,
        help_text="Required when closing; `other` also needs a note.",
    )


_EVENT_KINDS = [CaseEventKind.NOTE, CaseEventKind.ASSESSMENT, CaseEventKind.SERVICE_DELIVERED]


class CaseEventCreateSerializer(StrictInputMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in _EVENT_KINDS])
    text = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH, trim_whitespace=False,
        help_text="Required for a note or an assessment.",
    )
    service = serializers.UUIDField(
        required=False, help_text="For `service_delivered`: a service of the case's center."
    )
    occurred_at = serializers.DateTimeField(
        required=False, help_text="When it happened (not in the future); now by default."
    )

    def validate_service(self, value: Any) -> Service:
        service = services_visible_to(_user_of(self)).filter(pk=value).first()
        if service is None:
            raise serializers.ValidationError(_("Choose a service from this center's catalog."))
        return service

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["kind"] == CaseEventKind.SERVICE_DELIVERED and not attrs.get("service"):
            raise serializers.ValidationError({"service": [_("Choose the service delivered.")]})
        if attrs["kind"] != CaseEventKind.SERVICE_DELIVERED and attrs.get("service"):
            raise serializers.ValidationError(
                {"service": [_("Only a service delivered names a service.")]}
            )
        return attrs


# --- Views ----------------------------------------------------------------------


class _FileNegotiation(BaseContentNegotiation):
    """The export's `format` parameter names the file, not a DRF renderer; errors of the
    export still answer JSON."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        first = next(iter(renderers))
        return first, first.media_type

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return None


_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=CaseStatus.values),
    OpenApiParameter("case_type", OpenApiTypes.STR,
                     description="The code of a case type, e.g. `child-abuse`."),
    OpenApiParameter("risk_level", OpenApiTypes.STR, enum=RiskLevel.values),
    OpenApiParameter("assigned", OpenApiTypes.STR, enum=[exports.ASSIGNED_TO_ME],
                     description="`me`: cases you manage."),
    OpenApiParameter("overdue", OpenApiTypes.BOOL,
                     description="true: cases with an open task past its due date; false: "
                     "cases without one."),
    OpenApiParameter("q", OpenApiTypes.STR,
                     description="Search the reference and the person's names in Arabic and "
                     "Latin script (at most 100 characters)."),
]


@extend_schema_view(
    list=extend_schema(
        summary="Cases of your center",
        description="The cases you see: a center's staff see its standard cases; a "
        "restricted case only its assigned manager, its team and the director. Nobody "
        "outside the center sees its cases (an empty list). Audited.",
        parameters=_FILTERS,
        responses={200: CaseListSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One case",
        description=f"{_NOT_FOUND} The read is audited.",
        parameters=[_REASON],
        responses={200: CaseSerializer, 403: _BREAK_GLASS, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Open a case in your center",
        description="For a registered person; restricted by the case type's default. A "
        "case manager who opens a case manages it; another opener joins its team.",
        request=CaseCreateSerializer,
        responses={201: CaseSerializer, 400: _ERROR, 401: _ERROR, 403: _ERROR},
    ),
    partial_update=extend_schema(
        summary="Change the risk level, summary, restriction or case manager",
        description="Needs managing the case: the director, the assigned manager, or any "
        "case manager of the center while nobody is assigned. " + _NOT_FOUND,
        request=CaseUpdateSerializer,
        responses={200: CaseSerializer, 400: _ERROR, 403: _BREAK_GLASS, **DETAIL_ERRORS},
    ),
)
class CaseViewSet(ScopedReadOnlyViewSet):
    queryset = Case.objects.none()  # for the schema; rows come from visible_to
    serializer_class = CaseListSerializer
    filter_serializer_class = CaseFilterSerializer
    ordering = ("-opened_at",)
    http_method_names = ["get", "post", "patch", "head", "options"]

    def visible_to(self, user: Any) -> QuerySet[Case]:
        return exports.with_list_columns(selectors.cases_visible_to(user))

    def access(self, user: Any, object_id: object) -> Case:
        # Breaking the glass opens a case for reading only.
        reason = self._access_reason() if self.request.method == "GET" else None
        return access_case(user, object_id, reason=reason)

    def filter_queryset_by(self, qs: QuerySet[Any], params: dict[str, Any]) -> QuerySet[Any]:
        return exports.filter_cases(qs, user=self.request.user,  # type: ignore[arg-type]
                                    params=params)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return CaseListSerializer if self.action == "list" else CaseSerializer

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        if self.action == "export":
            return _FileNegotiation().select_renderer(request, self.get_renderers())
        return super().perform_content_negotiation(request, force)

    def _access_reason(self) -> str | None:
        raw = self.request.headers.get(ACCESS_REASON_HEADER)
        if raw is None:
            return None
        # A client that sent raw UTF-8 bytes: WSGI decoded them as Latin-1.
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            raw = raw.encode("latin-1").decode("utf-8")
        return unquote(raw)

    def _case(self) -> Case:
        case = self.get_object()
        assert isinstance(case, Case)
        return case

    def _member(self) -> User:
        member = selectors.center_member(self.request.user)
        if member is None:
            audit_record(action=AuditAction.ACCESS_DENIED, actor=self.request.user,
                         object_type=Case._meta.label_lower, reason="may not open cases")
            raise PermissionDenied("forbidden", _("You do not have permission to do this."))
        return member

    def _detail(self, case: Case) -> dict[str, Any]:
        """The detail shape of a case already fetched through access_case."""
        events = selectors.case_events_visible_to(self.request.user, case)
        case.last_event_at = (  # type: ignore[attr-defined]
            events.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
        )
        case.has_overdue_tasks = case.tasks.filter(  # type: ignore[attr-defined]
            done_at__isnull=True, due_at__lt=timezone.now()
        ).exists()
        return CaseSerializer(case).data

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # a pagination class is configured
        audit_list_read(request.user, Case, page, CaseListSerializer.Meta.fields)
        return self.get_paginated_response(CaseListSerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self._case()))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self._member()
        data = CaseCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        case = services.case_open(
            actor=member, center=member.organization,  # type: ignore[arg-type]
            **data.validated_data,
        )
        opened = access_case(member, case.pk)
        return Response(self._detail(opened), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self._case()
        changes = CaseUpdateSerializer(data=request.data, context={"request": request})
        changes.is_valid(raise_exception=True)
        values = dict(changes.validated_data)
        manager = values.pop("assigned_manager", None)
        actor: User = request.user  # type: ignore[assignment]
        with transaction.atomic():
            if values:
                services.case_update(actor=actor, case=case, **values)
            if manager is not None:
                services.case_assign(actor=actor, case=case, manager=manager)
        case.refresh_from_db()
        return Response(self._detail(case))

    @extend_schema(
        summary="Move a case along its workflow",
        description="intake → assessment → plan → services → review → closed; plan → "
        "assessment; review → services or plan; any open status → closed (with a "
        "`closure_reason`); closed → assessment (reopen). Any other move answers 400 with "
        "code `transition_not_allowed`.",
        request=CaseStatusChangeSerializer,
        responses={200: CaseSerializer, 400: _ERROR, 403: _BREAK_GLASS, **DETAIL_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: Request, pk: str | None = None) -> Response:
        case = self._case()
        change = CaseStatusChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        workflow.case_change_status(
            actor=request.user, case=case, **change.validated_data  # type: ignore[arg-type]
        )
        case.refresh_from_db()
        return Response(self._detail(case))

    @extend_schema(
        methods=["GET"],
        summary="The timeline of a case",
        description="Notes, assessments, services delivered, status changes, documents and "
        "emergency accesses, latest first. " + _NOT_FOUND,
        parameters=[_REASON],
        responses={200: CaseEventSerializer(many=True), 403: _BREAK_GLASS, **LIST_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a note, an assessment or a service delivered",
        description="Needs being on the case (a break-the-glass grant is for reading).",
        request=CaseEventCreateSerializer,
        responses={201: CaseEventSerializer, 400: _ERROR, 403: _BREAK_GLASS, **DETAIL_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], url_path="events")
    def events(self, request: Request, pk: str | None = None) -> Response:
        case = self._case()
        if request.method == "POST":
            return self._add_event(request, case)
        qs = selectors.case_events_visible_to(request.user, case).order_by(
            "-occurred_at", "-created_at", "id"
        )
        page = self.paginate_queryset(qs)
        assert page is not None
        return self.get_paginated_response(CaseEventSerializer(page, many=True).data)

    def _add_event(self, request: Request, case: Case) -> Response:
        data = CaseEventCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        actor: User = request.user  # type: ignore[assignment]
        occurred_at: dt.datetime | None = values.get("occurred_at")
        if values["kind"] == CaseEventKind.SERVICE_DELIVERED:
            event = services.case_record_service(
                actor=actor, case=case, service=values["service"],
                text=values.get("text", ""), occurred_at=occurred_at,
            )
        else:
            event = services.case_add_note(
                actor=actor, case=case, kind=values["kind"], text=values.get("text", ""),
                occurred_at=occurred_at,
            )
        return Response(CaseEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Export the case list as CSV or XLSX",
        description="The cases of the list with the same filters, as a file: CSV (UTF-8 "
        "with a byte-order mark, for Excel) or XLSX. The director and case managers get "
        "the person's names in both scripts; staff members the case's particulars without "
        "names. Restricted cases you are not on are not included. Text that a spreadsheet "
        "would read as a formula is prefixed with an apostrophe. Audited (the filter "
        "names, never their values, and the row count). 404 for users who see no cases.",
        parameters=[
            *_FILTERS,
            OpenApiParameter("format", OpenApiTypes.STR, enum=[*exports.FORMATS],
                             description="csv (default) or xlsx."),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, exports.CONTENT_TYPES[exports.XLSX]): OpenApiTypes.BINARY,
            **LIST_ERRORS,
        },
    )
    @action(detail=False, methods=["get"], url_path="export", pagination_class=None)
    def export(self, request: Request) -> HttpResponse:
        given = {k: v for k, v in request.query_params.dict().items() if v != ""}
        params = CaseExportFilterSerializer(data=given)
        params.is_valid(raise_exception=True)
        values = dict(params.validated_data)
        fmt = values.pop("format")
        return file_response(exports.export_cases(actor=request.user, params=values, fmt=fmt))
