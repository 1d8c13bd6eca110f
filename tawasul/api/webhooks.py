"""API of webhooks: an organization's endpoints (register, read, rotate the secret,
deactivate, send a test event) and each endpoint's delivery log.

Lists start from tawasul.webhooks.selectors (an embassy's consular officers and viewers,
a partner's focal points: their own organization's endpoints; the foundation's
administrators: all; anyone else: an empty list). One endpoint is opened through
tawasul.webhooks.access.access_endpoint (404 outside scope, the denial audited). Changes
go through tawasul.webhooks.services: a viewer, who may look, gets 403. The signing
secret is in the answer that creates it (POST /webhooks/ and POST /webhooks/{id}/rotate/)
and in no other answer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
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
from rest_framework.request import Request
from rest_framework.response import Response

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.api.people import audit_list_read
from tawasul.api.serializers import (
    CleanTextField,
    ErrorSerializer,
    OrganizationSummarySerializer,
    StrictInputMixin,
)
from tawasul.api.views import DETAIL_ERRORS, LIST_ERRORS, ScopedReadOnlyViewSet
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common.errors import PermissionDenied
from tawasul.organizations.models import Organization
from tawasul.webhooks import access, selectors, services
from tawasul.webhooks.destinations import URL_MAX_LENGTH
from tawasul.webhooks.models import (
    SUBSCRIBABLE_EVENTS,
    DeliveryStatus,
    FailureKind,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

_ERROR = OpenApiResponse(
    ErrorSerializer, description="See the error format in the API description."
)
_NOT_FOUND = "404 when it does not exist or is outside your scope (the two look the same)."
_SUBSCRIBABLE = [(e, label) for e, label in WebhookEvent.choices if e in SUBSCRIBABLE_EVENTS]
_SIGNING = (
    "Each delivery is a POST of canonical JSON (UTF-8, sorted keys, no spaces) with the "
    "headers `X-Tawasul-Event`, `X-Tawasul-Delivery` (the delivery id, the same on every "
    "retry), `X-Tawasul-Timestamp` (Unix seconds) and `X-Tawasul-Signature: sha256=<hex "
    "HMAC-SHA256(secret, timestamp + \".\" + body)>`. Verify it over the raw body, refuse "
    "timestamps more than 5 minutes off, answer 2xx within 5 seconds; anything else "
    "(redirects included) is retried with growing delays, then given up."
)


# --- Serializers --------------------------------------------------------------------------


@extend_schema_field({
    "type": "string",
    "description": "Why the attempt failed, empty when it did not: one of "
    + ", ".join(f"`{value}`" for value in FailureKind.values) + ".",
})
class FailureKindField(serializers.ChoiceField):
    """The attempt's and the delivery's kind of failure. Its values are listed in the
    description rather than as an enum, which the schema would otherwise give two names
    (one per field)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=FailureKind.choices, allow_blank=True, **kwargs)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    organization = OrganizationSummarySerializer(read_only=True)
    events = serializers.ListField(child=serializers.ChoiceField(choices=_SUBSCRIBABLE))
    secret_prefix = serializers.CharField(
        read_only=True, help_text="The first characters of the current secret, to tell "
        "which one a receiver holds. The secret itself is never shown again."
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "organization", "url", "description", "events", "is_active",
                  "secret_prefix", "secret_rotated_at", "created_at", "deactivated_at"]
        read_only_fields = fields


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.SerializerMethodField(
        help_text="The signing secret. Shown in this answer only: keep it now."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields

    def get_secret(self, endpoint: WebhookEndpoint) -> str:
        return str(self.context["secret"])


class WebhookEndpointCreateSerializer(StrictInputMixin, serializers.Serializer):
    url = serializers.CharField(max_length=URL_MAX_LENGTH,
                                help_text="An https:// URL on the public internet.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=_SUBSCRIBABLE), min_length=1, max_length=20,
    )
    description = CleanTextField(required=False, allow_blank=True,
                                 max_length=services.DESCRIPTION_MAX_LENGTH)
    organization = serializers.UUIDField(
        required=False,
        help_text="Foundation administrators: the embassy or partner the endpoint is for. "
        "Others may leave it out (their own organization).",
    )

    def validate_organization(self, value: Any) -> Organization:
        found = selectors.webhook_organizations_for(self.context["user"]).filter(pk=value).first()
        if found is None:
            raise serializers.ValidationError(_("Choose your own organization."))
        return found


class WebhookAttemptSerializer(serializers.ModelSerializer):
    error_kind = FailureKindField()

    class Meta:
        model = WebhookAttempt
        fields = ["number", "started_at", "duration_ms", "status_code", "succeeded",
                  "error_kind", "error", "response_snippet"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    endpoint = serializers.UUIDField(source="endpoint_id", read_only=True)
    event = serializers.ChoiceField(choices=WebhookEvent.choices)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    last_error_kind = FailureKindField()
    payload = serializers.JSONField(help_text="The `data` of the event as sent.")
    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "endpoint", "event", "event_id", "payload", "status", "attempts",
                  "last_status_code", "last_error_kind", "last_error", "next_attempt_at",
                  "delivered_at", "created_at", "attempt_log"]
        read_only_fields = fields


class WebhookFilterSerializer(serializers.Serializer):
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


class DeliveryFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    event = serializers.ChoiceField(choices=WebhookEvent.choices, required=False)


# --- Views --------------------------------------------------------------------------------


def _action_doc(summary: str, description: str, responses: dict[int, Any]) -> Any:
    return extend_schema(summary=summary, description=f"{description} {_NOT_FOUND}",
                         request=None, responses={**responses, 403: _ERROR, **DETAIL_ERRORS})


@extend_schema_view(
    list=extend_schema(
        summary="Webhook endpoints of your organization",
        description="An embassy's consular officers and viewers, a partner's focal points: "
        "their organization's endpoints; foundation administrators: every organization's; "
        "others: an empty list. The secret is never shown here.",
        parameters=[OpenApiParameter("active", OpenApiTypes.BOOL)],
        responses={200: WebhookEndpointSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One webhook endpoint", description=_NOT_FOUND,
        responses={200: WebhookEndpointSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Register a webhook endpoint",
        description="Consular officers and partner focal points, for their organization; "
        "foundation administrators, for any embassy or partner (`organization`). The URL "
        "must be https:// on the public internet: no user name or password in it, no port "
        "below 1024 but 443, and a host that is not (and does not resolve to) a private, "
        "loopback, link-local, shared, multicast or reserved address; it is checked again "
        "before every delivery. The answer carries the signing `secret`, once. "
        + _SIGNING,
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointWithSecretSerializer, 400: _ERROR, 401: _ERROR,
                   403: _ERROR},
    ),
)
class WebhookEndpointViewSet(ScopedReadOnlyViewSet):
    queryset = WebhookEndpoint.objects.none()  # for the schema; rows come from visible_to
    serializer_class = WebhookEndpointSerializer
    filter_serializer_class = WebhookFilterSerializer
    ordering = ("-is_active", "-created_at")
    http_method_names = ["get", "post", "head", "options"]

    def visible_to(self, user: Any) -> QuerySet[WebhookEndpoint]:
        return selectors.endpoints_visible_to(user)

    def access(self, user: Any, object_id: object) -> WebhookEndpoint:
        return access.access_endpoint(user, object_id)

    def filter_queryset_by(self, qs: QuerySet[Any], params: dict[str, Any]) -> QuerySet[Any]:
        if params.get("active") is not None:
            qs = qs.filter(is_active=params["active"])
        return qs

    def _endpoint(self) -> WebhookEndpoint:
        endpoint = self.get_object()
        assert isinstance(endpoint, WebhookEndpoint)
        return endpoint

    def _with_secret(self, endpoint: WebhookEndpoint, secret: str, code: int) -> Response:
        return Response(WebhookEndpointWithSecretSerializer(
            endpoint, context={"secret": secret}).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        organizations = selectors.webhook_organizations_for(user)
        if not organizations.exists():
            audit_record(action=AuditAction.ACCESS_DENIED, actor=user,
                         object_type=WebhookEndpoint._meta.label_lower,
                         reason="may not register webhook endpoints")
            raise PermissionDenied("forbidden", _("You may not register webhook endpoints."))
        assert isinstance(user, User)
        data = WebhookEndpointCreateSerializer(data=request.data, context={"user": user})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organization = values.pop("organization", None)
        if organization is None:
            if user.role == Role.ADMIN:
                raise serializers.ValidationError(
                    {"organization": [_("Choose the organization the endpoint is for.")]}
                )
            organization = user.organization
        endpoint, secret = services.endpoint_register(actor=user, organization=organization,
                                                      **values)
        return self._with_secret(access.access_endpoint(user, endpoint.pk), secret,
                                 status.HTTP_201_CREATED)

    @_action_doc("Rotate the signing secret", "A new secret signs every delivery from now "
                 "on; the old one stops at once. The answer carries the new `secret`, once.",
                 {200: WebhookEndpointWithSecretSerializer, 400: _ERROR})
    @action(detail=True, methods=["post"], url_path="rotate")
    def rotate(self, request: Request, pk: str | None = None) -> Response:
        endpoint = self._endpoint()
        secret = services.endpoint_rotate_secret(actor=request.user,  # type: ignore[arg-type]
                                                 endpoint=endpoint)
        return self._with_secret(endpoint, secret, status.HTTP_200_OK)

    @_action_doc("Deactivate", "No more events go to the endpoint; deliveries still waiting "
                 "are given up. 400 `endpoint_inactive` if it already is.",
                 {200: WebhookEndpointSerializer, 400: _ERROR})
    @action(detail=True, methods=["post"], url_path="deactivate")
    def deactivate(self, request: Request, pk: str | None = None) -> Response:
        endpoint = services.endpoint_deactivate(actor=request.user,  # type: ignore[arg-type]
                                                endpoint=self._endpoint())
        return Response(WebhookEndpointSerializer(endpoint).data)

    @_action_doc("Send a test event", "Queues a signed `ping` event to the endpoint; follow "
                 "it in the delivery log.", {202: WebhookDeliverySerializer, 400: _ERROR})
    @action(detail=True, methods=["post"], url_path="ping")
    def ping(self, request: Request, pk: str | None = None) -> Response:
        delivery = services.endpoint_ping(actor=request.user,  # type: ignore[arg-type]
                                          endpoint=self._endpoint())
        return Response(WebhookDeliverySerializer(delivery).data,
                        status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="The endpoint's delivery log",
        description="Newest first, each delivery with its attempts. Audited (a payload may "
        "name a person, as the portal would show them). " + _NOT_FOUND,
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=DeliveryStatus.values),
            OpenApiParameter("event", OpenApiTypes.STR, enum=WebhookEvent.values),
        ],
        responses={200: WebhookDeliverySerializer(many=True), **LIST_ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="deliveries")
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        endpoint = self._endpoint()
        given = {k: v for k, v in request.query_params.dict().items() if v != ""}
        params = DeliveryFilterSerializer(data=given)
        params.is_valid(raise_exception=True)
        qs = selectors.deliveries_visible_to(request.user).filter(endpoint=endpoint)
        for name in ("status", "event"):
            if params.validated_data.get(name):
                qs = qs.filter(**{name: params.validated_data[name]})
        qs = qs.prefetch_related("attempt_log").order_by("-created_at", "id")
        page = self.paginate_queryset(qs)
        assert page is not None  # a pagination class is configured
        audit_list_read(request.user, WebhookDelivery, page, ["payload", "attempts"])
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
