"""API of coordination requests to embassies: `/api/v1/coordination-requests/`.

The same policy as the pages, through the same functions: lists start from
tawasul.coordination.selectors.requests_visible_to (the requesting center's staff who
see the case; the embassy it is addressed to, once sent; the foundation's liaison
officers and administrators, metadata only; nobody else); one request is opened through
tawasul.coordination.access.access_request (404 outside scope, the read audited). Each
request shows only the fields request_fields_for allows the caller; the others are null,
so every answer has the same shape. Writes go through tawasul.coordination.services; an
action the caller may see but not do answers 403 before the body is looked at.

A message may carry files (multipart/form-data), checked by the same service as the
page's (tawasul.api.attachments); the API lists them on each message with the API address
that downloads them, through the same access check and audit as the page's download.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tawasul.accounts.models import User
from tawasul.api import attachments as files_api
from tawasul.api import threads
from tawasul.api.cases import UserSummarySerializer
from tawasul.api.people import PersonNameSerializer, audit_list_read
from tawasul.api.serializers import (
    OrganizationSummarySerializer,
    StrictInputMixin,
)
from tawasul.api.views import DETAIL_ERRORS, LIST_ERRORS, ScopedReadOnlyViewSet
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.models import Case
from tawasul.cases.selectors import center_member
from tawasul.common import attachments as stored_files
from tawasul.common.errors import PermissionDenied
from tawasul.common.uploads import accepts_upload
from tawasul.coordination import access, attachments, request_types, selectors, services
from tawasul.coordination.models import (
    AWAITING_EMBASSY,
    OPEN_STATUSES,
    CoordinationRequest,
    LegalGround,
    LegalGroundStatus,
    RequestAttachment,
    RequestEvent,
    RequestEventKind,
    RequestStatus,
    RequestType,
    WithdrawalCause,
)
from tawasul.organizations.models import Organization, OrganizationKind
from tawasul.people.models import Consent
from tawasul.referrals.models import Urgency

OPEN = "open"
APPROVE, REFUSE, ACKNOWLEDGE, START, FULFIL, DECLINE, WITHDRAW, MESSAGE = (
    "approve", "refuse", "acknowledge", "start", "fulfil", "decline", "withdraw", "message",
)
ACTIONS: tuple[str, ...] = (APPROVE, REFUSE, ACKNOWLEDGE, START, FULFIL, DECLINE, WITHDRAW,
                            MESSAGE)
CENTER, EMBASSY, SYSTEM = "center", "embassy", "system"
BASES: tuple[tuple[str, str], ...] = (("consent", "consent"), ("legal_ground", "legal_ground"))

_ERROR = threads.ERROR
_NOT_FOUND = threads.NOT_FOUND
_FORBIDDEN = threads.forbidden_response("request")
_NOT_SHOWN = "null when it is not shown to you."

# Output fields governed by selectors.request_fields_for, by the name it uses.
_GOVERNED: frozenset[str] = (
    selectors.REQUESTER_FIELDS | selectors.EMBASSY_METADATA_FIELDS
    | selectors.EMBASSY_SHARED_FIELDS | selectors.METADATA_FIELDS
)


def is_overdue(request: CoordinationRequest) -> bool:
    return request.is_overdue_at(timezone.now())


def allowed_actions(user: User, request: CoordinationRequest) -> list[str]:
    actions: list[str] = []
    if access.can_approve(user, request):
        actions += [APPROVE, REFUSE]
    if access.can_answer(user, request):
        if request.status == RequestStatus.SENT:
            actions.append(ACKNOWLEDGE)
        if request.status in (RequestStatus.SENT, RequestStatus.ACKNOWLEDGED):
            actions.append(START)
        actions += [FULFIL, DECLINE]
    if access.can_withdraw(user, request):
        actions.append(WITHDRAW)
    if access.can_write_message(user, request):
        actions.append(MESSAGE)
    return actions


def _fields_for(context: dict[str, Any], request: CoordinationRequest) -> frozenset[str]:
    known: dict[object, frozenset[str]] = context.setdefault("fields_for", {})
    if request.pk not in known:
        # A list shows metadata only: whether the embassy is still shown the person's
        # data (a check per row) matters to the detail.
        known[request.pk] = selectors.request_fields_for(
            context["viewer"], request, sharing=not context.get("is_list", False))
    return known[request.pk]


# --- Output -------------------------------------------------------------------------------


class RequestCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "reference"]
        read_only_fields = fields


class LegalGroundSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=LegalGroundStatus.choices, read_only=True)
    decided_by = UserSummarySerializer(read_only=True, allow_null=True,
                                       help_text="The director who decided.")

    class Meta:
        model = LegalGround
        fields = ["text", "status", "requested_at", "decided_by", "decided_at",
                  "refusal_reason"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    """A file of a message (`content_type` as recognised by its content, `size` in
    bytes)."""

    download_url = files_api.download_url_field()

    class Meta:
        model = RequestAttachment
        fields = ["id", "original_filename", "content_type", "size", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: RequestAttachment) -> str:
        return files_api.download_url("api:coordination-request-attachment", attachment)


class RequestEventSerializer(serializers.ModelSerializer):
    """An entry of the thread: a status change (a reason for declining or a note on
    fulfilment as its text) or a message. Needs `viewer` and `request` in the context."""

    kind = serializers.ChoiceField(choices=RequestEventKind.choices, read_only=True)
    from_status = serializers.ChoiceField(choices=RequestStatus.choices, allow_blank=True,
                                          read_only=True, help_text="Empty for the first status.")
    to_status = serializers.ChoiceField(choices=RequestStatus.choices, allow_blank=True,
                                        read_only=True, help_text="Empty for a message.")
    side = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = RequestEvent
        fields = ["id", "kind", "at", "side", "author", "from_status", "to_status", "text",
                  "attachments"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "enum": [CENTER, EMBASSY, SYSTEM],
                          "description": "Who wrote it: the foundation's side (`center`), "
                          "the embassy, or the system."})
    def get_side(self, event: RequestEvent) -> str:
        request: CoordinationRequest = self.context["request_object"]
        if event.author_organization_id is None:
            return SYSTEM
        return EMBASSY if event.author_organization_id == request.to_organization_id else CENTER

    @extend_schema_field(UserSummarySerializer(allow_null=True))
    def get_author(self, event: RequestEvent) -> dict[str, Any] | None:
        request: CoordinationRequest = self.context["request_object"]
        viewer = self.context["viewer"]
        if event.author is None:
            return None
        # To the embassy, the foundation's side is the foundation, not a named worker.
        if (not selectors.is_requesting_side(viewer, request)
                and event.author_organization_id != request.to_organization_id):
            return None
        return cast(dict[str, Any], UserSummarySerializer(event.author).data)


class CoordinationRequestListSerializer(serializers.ModelSerializer):
    """A request's metadata. Needs `viewer` in the context."""

    request_type = serializers.ChoiceField(choices=RequestType.choices, read_only=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, read_only=True)
    status = serializers.ChoiceField(
        choices=RequestStatus.choices, read_only=True,
        help_text="awaiting_approval and not_approved: before sending (the requesting "
        "center only).")
    basis = serializers.ChoiceField(choices=BASES, read_only=True,
                                    help_text="What the request relies on.")
    from_organization = OrganizationSummarySerializer(
        read_only=True, allow_null=True,
        help_text="The requesting center; null for the embassy, to which the request comes "
        "from the foundation.",
    )
    to_organization = OrganizationSummarySerializer(read_only=True)
    person = PersonNameSerializer(read_only=True, allow_null=True,
                                  help_text=f"The requesting center only; {_NOT_SHOWN}")
    is_overdue = serializers.SerializerMethodField(
        help_text="Waiting for the embassy and past its due date.")

    class Meta:
        model = CoordinationRequest
        fields = [
            "id", "reference", "request_type", "urgency", "status", "basis",
            "from_organization", "to_organization", "person", "sent_at", "due_at",
            "is_overdue", "escalated_at", "acknowledged_at", "started_at", "fulfilled_at",
            "declined_at", "withdrawn_at",
        ]
        read_only_fields = fields

    def get_is_overdue(self, request: CoordinationRequest) -> bool:
        return is_overdue(request)

    def to_representation(self, instance: CoordinationRequest) -> dict[str, Any]:
        return threads.hide_unshown(super().to_representation(instance),
                                    _fields_for(self.context, instance), _GOVERNED)


class CoordinationRequestSerializer(CoordinationRequestListSerializer):
    """Everything the caller may see of a request, with its thread."""

    disclosed = serializers.DictField(
        read_only=True, allow_null=True,
        help_text="What the embassy was sent, field by field (only the type's minimum: "
        f"{', '.join(request_types.FIELDS)}); for the embassy, null once the basis is no "
        "longer in force or the request was withdrawn.",
    )
    message = serializers.CharField(read_only=True, allow_null=True,
                                    help_text=f"The requester's message; {_NOT_SHOWN}")
    home_town = serializers.CharField(read_only=True, allow_null=True, help_text=_NOT_SHOWN)
    case = RequestCaseSerializer(read_only=True, allow_null=True,
                              help_text=f"The requesting center only; {_NOT_SHOWN}")
    consent = serializers.UUIDField(source="consent_id", read_only=True, allow_null=True,
                                    help_text=f"The consent relied on; {_NOT_SHOWN}")
    legal_ground = LegalGroundSerializer(read_only=True, allow_null=True,
                                         help_text=f"The legal ground relied on; {_NOT_SHOWN}")
    decline_reason = serializers.CharField(read_only=True, allow_null=True,
                                           help_text=_NOT_SHOWN)
    fulfilment_note = serializers.CharField(read_only=True, allow_null=True,
                                            help_text=_NOT_SHOWN)
    withdrawal_cause = serializers.ChoiceField(
        choices=WithdrawalCause.choices, read_only=True, allow_blank=True, allow_null=True,
        help_text=f"The requesting center only; {_NOT_SHOWN}")
    withdrawal_reason = serializers.CharField(read_only=True, allow_null=True,
                                              help_text=_NOT_SHOWN)
    created_by = UserSummarySerializer(read_only=True, allow_null=True, help_text=_NOT_SHOWN)
    events = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CoordinationRequestListSerializer.Meta):
        fields = [
            *CoordinationRequestListSerializer.Meta.fields, "disclosed", "message",
            "home_town", "case", "consent", "legal_ground", "requested_due_at",
            "decline_reason", "fulfilment_note", "withdrawal_cause", "withdrawal_reason",
            "created_by", "events", "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(RequestEventSerializer(many=True, allow_null=True))
    def get_events(self, request: CoordinationRequest) -> list[dict[str, Any]] | None:
        viewer = self.context["viewer"]
        if "events" not in _fields_for(self.context, request):
            return None
        events = selectors.request_events_visible_to(viewer, request).order_by(
            "at", "created_at", "id")
        rows = RequestEventSerializer(events, many=True,
                                      context={**self.context, "request_object": request})
        return cast(list[dict[str, Any]], rows.data)

    @extend_schema_field({"type": "array", "items": {"type": "string", "enum": list(ACTIONS)},
                          "description": "What you may do now: POST …/{action}/ "
                          "(`message`: POST …/messages/)."})
    def get_allowed_actions(self, request: CoordinationRequest) -> list[str]:
        return allowed_actions(self.context["viewer"], request)


# --- Input --------------------------------------------------------------------------------


class RequestFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[OPEN, *RequestStatus.values], required=False)
    request_type = serializers.ChoiceField(choices=RequestType.values, required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)


_text_field = threads.text_field


class RequestCreateSerializer(StrictInputMixin, serializers.Serializer):
    """A case manager or director asks the embassy of the person's country."""

    case = serializers.UUIDField(help_text="One of your cases that you work on.")
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    embassy = serializers.UUIDField(
        required=False, help_text="The embassy of the person's nationality (the default)."
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE)
    consent = serializers.UUIDField(
        required=False, allow_null=True,
        help_text="A consent of the person to coordination with this embassy, in force now "
        "and covering the type's data categories; sent at once. Or give `legal_ground`.",
    )
    legal_ground = _text_field(
        required=False, allow_blank=True,
        help_text="The legal ground, instead of a consent: the request waits for the "
        "director of your center to approve it (status awaiting_approval).",
    )
    due_at = serializers.DateTimeField(
        required=False, allow_null=True,
        help_text="When the answer is needed (in the future); by default from the type and "
        "urgency.",
    )
    message = _text_field(required=False, allow_blank=True,
                          help_text="What you need from the embassy; it is sent with the "
                          "request.")
    home_town = serializers.CharField(
        required=False, allow_blank=True, max_length=services.HOME_TOWN_MAX_LENGTH,
        help_text="Family tracing: the home town or area in the home country (required).",
    )

    def validate_case(self, value: Any) -> Case:
        return threads.visible_case(self, value)

    def validate_consent(self, value: Any) -> Consent | None:
        return threads.visible_consent(self, value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        case: Case = attrs["case"]
        embassy_id = attrs.pop("embassy", None)
        embassies = Organization.objects.filter(kind=OrganizationKind.EMBASSY, is_active=True)
        if embassy_id is not None:
            embassy = embassies.filter(pk=embassy_id).first()
            if embassy is None:
                raise serializers.ValidationError({"embassy": [_("Choose the embassy.")]})
        else:
            embassy = selectors.home_embassies_of(case.person).first()
            if embassy is None:
                raise serializers.ValidationError(
                    {"embassy": [_("The directory has no active embassy of this person's "
                                   "country.")]})
        attrs["embassy"] = embassy
        return attrs


class ReasonSerializer(StrictInputMixin, serializers.Serializer):
    reason = _text_field(help_text="Required.")


class FulfilSerializer(StrictInputMixin, serializers.Serializer):
    note = _text_field(required=False, allow_blank=True,
                       help_text="A note for the foundation (the document is ready, …).")


class EmptySerializer(StrictInputMixin, serializers.Serializer):
    """No fields."""


class MessageSerializer(StrictInputMixin, serializers.Serializer):
    text = _text_field(help_text="Shown escaped; the other side is told that there is a "
                       "message, by email without its text.")


class MessageUploadSerializer(MessageSerializer):
    """A message with its files (multipart/form-data)."""

    attachments = files_api.files_field()


# --- Views --------------------------------------------------------------------------------

_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=[OPEN, *RequestStatus.values],
                     description="`open`: awaiting approval, sent, acknowledged or in "
                     "progress."),
    OpenApiParameter("request_type", OpenApiTypes.STR, enum=RequestType.values),
    OpenApiParameter("overdue", OpenApiTypes.BOOL,
                     description="true: waiting for the embassy past the due date; false: "
                     "the others."),
]


def _action_doc(summary: str, description: str,
                request: type[serializers.Serializer]) -> Callable[[Any], Any]:
    return threads.action_doc(summary, description, request,
                              answer=CoordinationRequestSerializer, forbidden=_FORBIDDEN)


@extend_schema_view(
    list=extend_schema(
        summary="Requests to embassies you may see",
        description="Center staff: their center's requests about cases they see (a "
        "restricted case: its team and the director). An embassy's consular officers and "
        "viewers: the requests sent to their embassy (their own nationals only). The "
        "foundation's liaison officers and administrators: the metadata of every sent "
        "request (`person` null), to follow overdue ones up. Others: an empty list. "
        "Audited.",
        parameters=_FILTERS,
        responses={200: CoordinationRequestListSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One request, with its thread",
        description="The requesting center reads everything. The embassy reads the "
        "metadata, the type's minimum fields as sent (`disclosed`), the message and the "
        "thread, never the case or the reason for care; once the consent is withdrawn or "
        "expired, the person is flagged against it or the request is withdrawn, "
        "`disclosed` and `message` are null and the foundation's messages are left out. "
        f"The foundation's liaison officers read the metadata. Audited. {_NOT_FOUND}",
        responses={200: CoordinationRequestSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Ask the embassy of the person's country",
        description="The director and case managers who work on the case. With `consent` "
        "the request is sent at once and the disclosure logged; with `legal_ground` it "
        "waits for the director's approval. A person flagged *no contact with home "
        "country* answers 400 `no_contact`; an embassy of another country 400 "
        "`not_home_embassy`; a consent that does not allow the type 400 "
        "`consent_does_not_allow`; a due date in the past 400 `due_in_past`. Everyone "
        "else 403 `forbidden`.",
        request=RequestCreateSerializer,
        responses={201: CoordinationRequestSerializer, 400: _ERROR, 401: _ERROR,
                   403: _ERROR},
    ),
)
class CoordinationRequestViewSet(threads.ThreadActionsMixin, ScopedReadOnlyViewSet):
    queryset = CoordinationRequest.objects.none()  # for the schema; rows from visible_to
    record_argument = "request"
    serializer_class = CoordinationRequestListSerializer
    filter_serializer_class = RequestFilterSerializer
    ordering = ("-created_at",)
    http_method_names = ["get", "post", "head", "options"]

    def visible_to(self, user: Any) -> QuerySet[CoordinationRequest]:
        return selectors.requests_visible_to(user)

    def access(self, user: Any, object_id: object) -> CoordinationRequest:
        return access.access_request(user, object_id)

    def filter_queryset_by(self, qs: QuerySet[Any], params: dict[str, Any]) -> QuerySet[Any]:
        if params.get("status") == OPEN:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("request_type"):
            qs = qs.filter(request_type=params["request_type"])
        if params.get("overdue") is not None:
            late = {"status__in": AWAITING_EMBASSY, "due_at__lt": timezone.now()}
            qs = qs.filter(**late) if params["overdue"] else qs.exclude(**late)
        return qs

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return (CoordinationRequestListSerializer if self.action == "list"
                else CoordinationRequestSerializer)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "viewer": self.request.user,
                "is_list": self.action == "list"}

    def _request(self) -> CoordinationRequest:
        request = self.get_object()
        assert isinstance(request, CoordinationRequest)
        return request

    def _detail(self, request: CoordinationRequest, code: int = status.HTTP_200_OK) -> Response:
        return Response(CoordinationRequestSerializer(
            request, context=self.get_serializer_context()).data, status=code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # a pagination class is configured
        context = self.get_serializer_context()
        audit_list_read(request.user, CoordinationRequest, page,
                        _fields_shown(context, page,
                                      CoordinationRequestListSerializer.Meta.fields))
        return self.get_paginated_response(
            CoordinationRequestListSerializer(page, many=True, context=context).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self._request())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = center_member(request.user)
        if member is None or member.role not in selectors.REQUESTER_ROLES:
            audit_record(action=AuditAction.ACCESS_DENIED, actor=request.user,
                         object_type=CoordinationRequest._meta.label_lower,
                         reason="may not ask embassies")
            raise PermissionDenied("forbidden", _("Your role may not ask embassies."))
        data = RequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        created = services.request_create(actor=member, **data.validated_data)
        return self._detail(access.access_request(member, created.pk),
                            code=status.HTTP_201_CREATED)

    @_action_doc("Approve the legal ground and send", "The director of the requesting "
                 "center, while the request awaits approval. The approval is recorded with "
                 "the ground; the request is sent and the disclosure logged.", EmptySerializer)
    @action(detail=True, methods=["post"], url_path=APPROVE)
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._act(self._request(), access.can_approve, "approve this legal ground",
                         services.request_approve, EmptySerializer)

    @_action_doc("Refuse the legal ground", "The director of the requesting center, while "
                 "the request awaits approval; nothing is sent.", ReasonSerializer)
    @action(detail=True, methods=["post"], url_path=REFUSE)
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        return self._act(self._request(), access.can_approve, "refuse this legal ground",
                         services.request_refuse, ReasonSerializer)

    @_action_doc("Acknowledge", "The embassy's consular officers, once sent.", EmptySerializer)
    @action(detail=True, methods=["post"], url_path=ACKNOWLEDGE)
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        return self._act(self._request(), access.can_answer, "answer this request",
                         services.request_acknowledge, EmptySerializer)

    @_action_doc("Mark in progress", "The embassy's consular officers, once sent or "
                 "acknowledged.", EmptySerializer)
    @action(detail=True, methods=["post"], url_path=START)
    def start(self, request: Request, pk: str | None = None) -> Response:
        return self._act(self._request(), access.can_answer, "answer this request",
                         services.request_start, EmptySerializer)

    @_action_doc("Mark fulfilled", "The embassy's consular officers, while the request "
                 "waits for them.", FulfilSerializer)
    @action(detail=True, methods=["post"], url_path=FULFIL)
    def fulfil(self, request: Request, pk: str | None = None) -> Response:
        return self._act(self._request(), access.can_answer, "answer this request",
                         services.request_fulfil, FulfilSerializer)

    @_action_doc("Decline, with a reason", "The embassy's consular officers, while the "
                 "request waits for them; the requesting center reads the reason.",
                 ReasonSerializer)
    @action(detail=True, methods=["post"], url_path=DECLINE)
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._act(self._request(), access.can_answer, "answer this request",
                         services.request_decline, ReasonSerializer)

    @_action_doc("Withdraw, with a reason", "The requesting center's director and case "
                 "managers who work on the case, while the request is open. The reason stays "
                 "with the center; the embassy is told only that the foundation withdrew it.",
                 ReasonSerializer)
    @action(detail=True, methods=["post"], url_path=WITHDRAW)
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._act(self._request(), access.can_withdraw, "withdraw this request",
                         services.request_withdraw, ReasonSerializer)

    @extend_schema(
        methods=["GET"],
        summary="The thread of a request",
        description="Status changes and messages you are shown, oldest first. "
        + _NOT_FOUND,
        responses={200: RequestEventSerializer(many=True), **LIST_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Write a message to the other side",
        description="The requesting center's director and case managers who work on the "
        "case, and the embassy's consular officers, while the request waits for the "
        "embassy. From the center, a message is a disclosure: refused (400 "
        "`sharing_stopped`) once the consent is no longer in force, and logged (with its "
        "files).\n\n" + files_api.FILES_DOC + " " + _NOT_FOUND,
        request={"application/json": MessageSerializer,
                 "multipart/form-data": MessageUploadSerializer},
        responses={201: RequestEventSerializer, 400: _ERROR, 403: _FORBIDDEN,
                   413: _ERROR, **DETAIL_ERRORS},
    )
    @accepts_upload(stored_files.files_allowance)
    @action(detail=True, methods=["get", "post"], url_path="messages",
            parser_classes=files_api.MESSAGE_PARSERS)
    def messages(self, request: Request, pk: str | None = None) -> Response:
        req = self._request()
        context = {**self.get_serializer_context(), "request_object": req}
        if request.method == "GET":
            events = selectors.request_events_visible_to(request.user, req).order_by(
                "at", "created_at", "id")
            page = self.paginate_queryset(events)
            assert page is not None
            return self.get_paginated_response(
                RequestEventSerializer(page, many=True, context=context).data)
        return self._message(req, access.can_write_message, "write on this request",
                             services.message_add, MessageUploadSerializer,
                             RequestEventSerializer, context)

    @threads.download_action(
        "The file of a message you are shown: the requesting center's staff who see the "
        "case, and the embassy it is addressed to (not the foundation's messages once the "
        "basis is no longer in force or the request was withdrawn). The same access check "
        "as the request page's download; every download audited. " + _NOT_FOUND)
    def attachment(self, request: Request, attachment_id: str) -> HttpResponseBase:
        return self._download(access.access_attachment(request.user, attachment_id),
                              attachments.attachment_download_audited)


def _fields_shown(context: dict[str, Any], rows: Sequence[CoordinationRequest],
                  names: Iterable[str]) -> list[str]:
    return threads.fields_shown(context, rows, names, governed=_GOVERNED,
                                fields_for=_fields_for)
