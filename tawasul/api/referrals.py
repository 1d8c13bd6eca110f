"""API of referrals between centers: the inbox and outbox, one referral with its thread,
sending, the receiver's decision and progress, withdrawal and messages.

Lists start from tawasul.referrals.selectors.referrals_visible_to (the receiving center,
the sending center's staff who see the source case, the foundation's routers; nobody
else); one referral is opened through tawasul.referrals.access.access_referral (404
outside scope, the read audited). Each referral shows only the fields that
referral_fields_for allows the caller; the others are null, so every answer has the
same shape. Writes go through tawasul.referrals.services; an action the caller may see
but not do answers 403, before the body is looked at.

Sending (POST /referrals/) is open to center staff who work on the case and, as DESIGN's
API contract says, to embassies' consular officers (a referral of one of their nationals
to the foundation, with the person in the body): `_SENDERS`, keyed by the caller's kind of
organization, each route with its own input serializer. Anyone else gets 403 whatever the
body.

Embassies are answered in their own shape (tawasul/api/embassy_referrals.py, built from
tawasul.referrals.embassy_view): lists and details of their own referrals, with the
status as an embassy sees it and their thread with the foundation. The foundation's
intake desk has its queue (GET /referrals/intake-queue/) and its actions on an embassy
referral: link-person, register-person, assign, decline; the assigned center accepts or
declines (hands back) the assignment as any referral.
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
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tawasul.accounts.models import User
from tawasul.accounts.selectors import users_visible_to
from tawasul.api import attachments as files_api
from tawasul.api import embassy_referrals as embassy_api
from tawasul.api import threads
from tawasul.api.cases import UserSummarySerializer
from tawasul.api.people import PersonNameSerializer, audit_list_read
from tawasul.api.serializers import (
    DomainField,
    OrganizationSummarySerializer,
    StrictInputMixin,
)
from tawasul.api.views import DETAIL_ERRORS, LIST_ERRORS, ScopedReadOnlyViewSet
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.models import Case, CaseType, RiskLevel
from tawasul.cases.services import MANAGER_ROLES
from tawasul.common import attachments as stored_files
from tawasul.common.access import as_member
from tawasul.common.errors import DomainError, PermissionDenied
from tawasul.common.uploads import accepts_upload
from tawasul.organizations.models import CenterDomain, Organization, OrganizationKind
from tawasul.organizations.selectors import organizations_visible_to
from tawasul.people.models import Consent
from tawasul.referrals import access, attachments, embassy_services, selectors, services
from tawasul.referrals.models import (
    OPEN_STATUSES,
    TRIAGE_STATUSES,
    Referral,
    ReferralEvent,
    ReferralKind,
    ReferralStatus,
    Urgency,
)

INBOX, OUTBOX = "inbox", "outbox"
OPEN = "open"
# What the caller may do now (the referral page shows the same buttons).
ACCEPT, DECLINE, WITHDRAW, START, COMPLETE, MESSAGE = (
    "accept", "decline", "withdraw", "start", "complete", "message",
)
# The intake desk's, on a referral from an embassy.
LINK_PERSON, REGISTER_PERSON, ASSIGN = "link-person", "register-person", "assign"
ACTIONS: tuple[str, ...] = (ACCEPT, DECLINE, WITHDRAW, START, COMPLETE, MESSAGE, LINK_PERSON,
                            REGISTER_PERSON, ASSIGN)

_ERROR = threads.ERROR
_NOT_FOUND = threads.NOT_FOUND
_FORBIDDEN = threads.forbidden_response("referral")
_NOT_SHOWN = "null when it is not shown to you."

# Output fields governed by selectors.referral_fields_for, by the name it uses; fields
# not listed here (id, is_overdue, direction, allowed_actions) are shown to whoever sees
# the referral.
_GOVERNED: frozenset[str] = (
    selectors.SENDER_FIELDS | selectors.RECEIVER_FIELDS | selectors.TRIAGE_FIELDS
    | selectors.ASSIGNER_FIELDS
)


def is_overdue(referral: Referral) -> bool:
    """Undecided past its due date, as the inbox and the referral page show it."""
    return referral.status == ReferralStatus.SUBMITTED and referral.due_at < timezone.now()


def allowed_actions(user: User, referral: Referral) -> list[str]:
    """The actions `user` may take on `referral` now, by the access predicates the
    services check and the status."""
    actions: list[str] = []
    submitted = referral.status == ReferralStatus.SUBMITTED
    if access.can_triage(user, referral) and referral.status in TRIAGE_STATUSES \
            and referral.assigned_center_id is None:
        actions += [LINK_PERSON, REGISTER_PERSON, DECLINE]
        if referral.person_id is not None:
            actions.append(ASSIGN)
    if access.can_decide(user, referral):
        if submitted:
            actions += [ACCEPT, DECLINE]
        if referral.status == ReferralStatus.ACCEPTED:
            actions.append(START)
        if referral.status in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS):
            actions.append(COMPLETE)
    if submitted and access.can_withdraw(user, referral):
        actions.append(WITHDRAW)
    if access.can_write_message(user, referral):
        actions.append(MESSAGE)
    return actions


def direction_of(viewer: object, referral: Referral) -> str | None:
    """`inbox` for the receiving center, `outbox` for the sending one, else None."""
    organization_id = getattr(viewer, "organization_id", None)
    if organization_id is None:
        return None
    if referral.to_organization_id == organization_id:
        return INBOX
    if referral.from_organization_id == organization_id:
        return OUTBOX
    return None


def _fields_for(context: dict[str, Any], referral: Referral) -> frozenset[str]:
    """referral_fields_for, once per referral and request; in a list (`per_side` in the
    context), once per side. A list row is in the caller's scope, so the caller is its
    receiver, its sender or a foundation router, and of its columns (metadata and the
    person) each side is shown the same on every row: asking once per side keeps a
    page's queries from growing with its rows (deciding who is the sender of a
    restricted case may take a query)."""
    known: dict[object, frozenset[str]] = context.setdefault("fields_for", {})
    key = direction_of(context["viewer"], referral) if context.get("per_side") else referral.pk
    if key not in known:
        known[key] = selectors.referral_fields_for(context["viewer"], referral)
    return known[key]


# --- Output ---------------------------------------------------------------------


class CaseLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "reference"]
        read_only_fields = fields


class ReferralEventSerializer(serializers.ModelSerializer):
    """An entry of the thread: a status change (with the reason for declining or
    withdrawing, or the closing note, as its text), a message (with its files), or, on a
    referral from an embassy, a step of its triage (`action`, and the reference it
    concerns as `target`)."""

    author = UserSummarySerializer(read_only=True, allow_null=True)

    attachments = embassy_api.ReferralAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ReferralEvent
        fields = ["id", "kind", "at", "author", "from_status", "to_status", "text", "action",
                  "target", "attachments"]
        read_only_fields = fields


class ReferralListSerializer(serializers.ModelSerializer):
    """A referral's coordination metadata and the person. Needs `viewer` in the context."""

    from_organization = OrganizationSummarySerializer(read_only=True)
    to_organization = OrganizationSummarySerializer(read_only=True)
    domain = DomainField(help_text="The receiving center's domain.")
    person = PersonNameSerializer(
        read_only=True, allow_null=True,
        help_text="The person referred; null for the foundation's liaison officers.",
    )
    is_overdue = serializers.SerializerMethodField(
        help_text="Not yet accepted or declined, and past its due date."
    )
    direction = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id", "reference", "kind", "status", "urgency", "domain", "from_organization",
            "to_organization", "person", "sent_at", "due_at", "is_overdue",
            "overdue_flagged_at", "decided_at", "withdrawn_at", "completed_at", "direction",
        ]
        read_only_fields = fields

    def get_is_overdue(self, referral: Referral) -> bool:
        return is_overdue(referral)

    @extend_schema_field(
        {"type": "string", "nullable": True, "enum": [INBOX, OUTBOX, None],
         "description": "`inbox`: sent to your center; `outbox`: sent by your center; "
         "null for the foundation."}
    )
    def get_direction(self, referral: Referral) -> str | None:
        return direction_of(self.context["viewer"], referral)

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        return threads.hide_unshown(super().to_representation(instance),
                                    _fields_for(self.context, instance), _GOVERNED)


class ReferralSerializer(ReferralListSerializer):
    """Everything the caller may see of a referral, with its thread."""

    reason = serializers.CharField(read_only=True, allow_null=True,
                                   help_text=f"The sender's reason for referring; {_NOT_SHOWN}")
    summary = serializers.CharField(
        read_only=True, allow_null=True,
        help_text="What the person's consent allowed the sender to share (may be empty); "
        "null when it is not shown to you, among others to the receiver once that consent "
        "is withdrawn or has expired.",
    )
    decline_reason = serializers.CharField(read_only=True, allow_null=True,
                                           help_text=_NOT_SHOWN)
    withdrawn_reason = serializers.CharField(read_only=True, allow_null=True,
                                             help_text=_NOT_SHOWN)
    created_by = UserSummarySerializer(read_only=True, allow_null=True,
                                       help_text=f"Who sent it; {_NOT_SHOWN}")
    decided_by = UserSummarySerializer(read_only=True, allow_null=True,
                                       help_text=f"Who accepted or declined it; {_NOT_SHOWN}")
    source_case = CaseLinkSerializer(
        read_only=True, allow_null=True,
        help_text="The sending center's case; shown to the sending center only.",
    )
    received_case = CaseLinkSerializer(
        read_only=True, allow_null=True,
        help_text="The case the receiving center opened on accepting; shown to the "
        "receiving center only.",
    )
    submitted_person = embassy_api.SubmittedPersonSerializer(
        read_only=True, allow_null=True,
        help_text="A referral from an embassy: the person as the embassy described them; "
        "for the intake desk only.",
    )
    matches = serializers.SerializerMethodField()
    assigned_center = OrganizationSummarySerializer(
        read_only=True, allow_null=True,
        help_text="A referral from an embassy: the center that holds it now.",
    )
    assignments = serializers.SerializerMethodField()
    parent = embassy_api.ParentSummarySerializer(
        read_only=True, allow_null=True,
        help_text="An assignment: the embassy referral it comes from.",
    )
    events = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(ReferralListSerializer.Meta):
        fields = [
            *ReferralListSerializer.Meta.fields, "reason", "summary", "decline_reason",
            "withdrawn_reason", "created_by", "decided_by", "source_case", "received_case",
            "submitted_person", "matches", "assigned_center", "assignments", "parent",
            "events", "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(embassy_api.RegistryMatchSerializer(many=True, allow_null=True))
    def get_matches(self, referral: Referral) -> list[dict[str, Any]] | None:
        """The registry's persons who may be the one an embassy referred: the intake
        desk only; null for everyone else."""
        if "matches" not in _fields_for(self.context, referral):
            return None
        matches = selectors.registry_matches(self.context["viewer"], referral)
        return cast(list[dict[str, Any]],
                    embassy_api.RegistryMatchSerializer(matches, many=True).data)

    @extend_schema_field(embassy_api.AssignmentSummarySerializer(many=True, allow_null=True))
    def get_assignments(self, referral: Referral) -> list[dict[str, Any]] | None:
        if "assignments" not in _fields_for(self.context, referral):
            return None
        rows = referral.assignments.select_related("to_organization").order_by("-sent_at")
        return cast(list[dict[str, Any]],
                    embassy_api.AssignmentSummarySerializer(rows, many=True).data)

    @extend_schema_field(ReferralEventSerializer(many=True, allow_null=True))
    def get_events(self, referral: Referral) -> list[dict[str, Any]] | None:
        viewer = self.context["viewer"]
        if "events" not in _fields_for(self.context, referral):
            return None
        events = selectors.referral_events_visible_to(viewer, referral)
        rows = ReferralEventSerializer(events.order_by("at", "created_at", "id"), many=True)
        return cast(list[dict[str, Any]], rows.data)

    @extend_schema_field(
        {"type": "array", "items": {"type": "string", "enum": list(ACTIONS)},
         "description": "What you may do now: POST …/{action}/."}
    )
    def get_allowed_actions(self, referral: Referral) -> list[str]:
        return allowed_actions(self.context["viewer"], referral)


# --- Input ----------------------------------------------------------------------


class ReferralFilterSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=[INBOX, OUTBOX], required=False)
    status = serializers.ChoiceField(choices=[OPEN, *ReferralStatus.values], required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=ReferralKind.choices, required=False)


_text_field = threads.text_field


class CenterReferralCreateSerializer(StrictInputMixin, serializers.Serializer):
    """A center refers the person of one of its cases to another center."""

    case = serializers.UUIDField(help_text="One of your cases that you work on.")
    to_center = serializers.UUIDField(
        required=False, help_text="The receiving center's id; or give `domain`."
    )
    # Values only, as DomainField shows them: one choice set, one enum in the schema.
    domain = serializers.ChoiceField(
        choices=CenterDomain.values, required=False,
        help_text="The receiving center's domain, instead of `to_center` (one center per "
        "domain).",
    )
    urgency = serializers.ChoiceField(
        choices=Urgency.choices,
        help_text="Sets the date by which the receiving center should decide.",
    )
    reason = _text_field(help_text="Why you refer the person.")
    summary = _text_field(
        required=False, allow_blank=True,
        help_text="Sent only under a consent of the person for a referral to that center "
        "covering identity and case summary, in force now; otherwise 400 "
        "`consent_required`. Leave it out to send the reason and the person's identity only.",
    )
    consent = serializers.UUIDField(
        required=False, allow_null=True,
        help_text="The consent the summary relies on; by default the most recent one that "
        "allows it.",
    )

    def validate_case(self, value: Any) -> Case:
        return threads.visible_case(self, value)

    def _center(self, **lookup: Any) -> Organization | None:
        return organizations_visible_to(threads.user_of(self)).filter(
            kind=OrganizationKind.CENTER, is_active=True, **lookup
        ).first()

    def validate_to_center(self, value: Any) -> Organization:
        center = self._center(pk=value)
        if center is None:
            raise serializers.ValidationError(_("Choose a center."))
        return center

    def validate_consent(self, value: Any) -> Consent | None:
        return threads.visible_consent(self, value)

    # Which input named the receiving center, for the service's errors about it.
    center_field = "to_center"

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        center, domain = attrs.get("to_center"), attrs.pop("domain", None)
        if center is None and domain is None:
            raise serializers.ValidationError(
                {"to_center": [_("Choose the receiving center, or give its domain.")]}
            )
        if center is None:
            center = self._center(domain=domain)
            if center is None:
                raise serializers.ValidationError(
                    {"domain": [_("No center of this domain receives referrals.")]}
                )
            attrs["to_center"] = center
            self.center_field = "domain"
        elif domain is not None and center.domain != domain:
            raise serializers.ValidationError(
                {"domain": [_("This is not the domain of the center chosen.")]}
            )
        return attrs


class ReferralAcceptSerializer(StrictInputMixin, serializers.Serializer):
    case_type = serializers.SlugField(
        max_length=60, help_text="The code of an active case type of your center's domain: "
        "accepting opens a case of this type at your center for the same person."
    )
    assigned_manager = serializers.UUIDField(
        required=False, allow_null=True,
        help_text="A case manager or the director of your center; a case manager who "
        "accepts manages the case unless this names someone else.",
    )
    risk_level = serializers.ChoiceField(
        choices=RiskLevel.choices, required=False,
        help_text="By default from the urgency: routine low, urgent medium, emergency high.",
    )

    def validate_case_type(self, value: str) -> CaseType:
        referral: Referral = self.context["referral"]
        case_type = CaseType.objects.filter(domain=referral.to_organization.domain, code=value,
                                            is_active=True).first()
        if case_type is None:
            raise serializers.ValidationError(_("Choose a case type of this center's domain."))
        return case_type

    def validate_assigned_manager(self, value: Any) -> User | None:
        if value is None:
            return None
        referral: Referral = self.context["referral"]
        manager = users_visible_to(threads.user_of(self)).filter(
            pk=value, organization_id=referral.to_organization_id, is_active=True,
            role__in=MANAGER_ROLES,
        ).first()
        if manager is None:
            raise serializers.ValidationError(
                _("Choose a case manager or the director of this center.")
            )
        return manager


class ReferralReasonSerializer(StrictInputMixin, serializers.Serializer):
    reason = _text_field(help_text="Required; the other side reads it.")


class ReferralCompleteSerializer(StrictInputMixin, serializers.Serializer):
    note = _text_field(required=False, allow_blank=True, help_text="A closing note.")


class ReferralStartSerializer(StrictInputMixin, serializers.Serializer):
    """No fields: starting work says all there is."""


class ReferralMessageSerializer(StrictInputMixin, serializers.Serializer):
    text = _text_field(help_text="The other side is told that there is a message, by "
                       "email without its text.")


class ReferralMessageUploadSerializer(ReferralMessageSerializer):
    """A message with its files (multipart/form-data)."""

    attachments = files_api.files_field()


# --- Views ----------------------------------------------------------------------


_FILTERS = [
    OpenApiParameter("direction", OpenApiTypes.STR, enum=[INBOX, OUTBOX],
                     description="`inbox`: referrals to your center; `outbox`: referrals "
                     "your center sent. Only center staff have either."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=[OPEN, *ReferralStatus.values],
                     description="`open`: submitted, accepted or in progress."),
    OpenApiParameter("urgency", OpenApiTypes.STR, enum=Urgency.values),
    OpenApiParameter("overdue", OpenApiTypes.BOOL,
                     description="true: not yet accepted or declined and past the due date; "
                     "false: the others."),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=ReferralKind.values),
]
# Embassies filter their own referrals by what they sent only: a filter on the status
# would tell them the status of a referral withheld from them (no contact with home
# country) through which rows it returns.
EMBASSY_FILTERS: frozenset[str] = frozenset({"urgency"})

_LIST_SHAPES = PolymorphicProxySerializer(
    component_name="ReferralListItem",
    serializers=[ReferralListSerializer, embassy_api.EmbassyReferralListSerializer],
    resource_type_field_name=None, many=True,
)
_DETAIL_SHAPES = PolymorphicProxySerializer(
    component_name="ReferralDetail",
    serializers=[ReferralSerializer, embassy_api.EmbassyReferralSerializer],
    resource_type_field_name=None,
)


def _action_doc(summary: str, description: str, request: type[serializers.Serializer],
                ) -> Callable[[Any], Any]:
    return threads.action_doc(summary, description, request, answer=ReferralSerializer,
                              forbidden=_FORBIDDEN)


@extend_schema_view(
    list=extend_schema(
        summary="Referrals of your center, or every referral's metadata for the foundation",
        description="Center staff: the referrals to their center (inbox) and those their "
        "center sent from cases they see (outbox). The foundation's intake officers and "
        "administrators: every referral's metadata and the person; liaison officers: the "
        "metadata only (`person` null). Embassies: their own referrals, newest first, in "
        "the embassy's shape (EmbassyReferralList: the status as an embassy sees it, the "
        "person as they sent it); they may filter by `urgency` only. Others: an empty "
        "list. Audited.",
        parameters=_FILTERS,
        responses={200: _LIST_SHAPES, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One referral, with its thread",
        description="Both centers read the reason, the summary (the receiver only while the "
        "consent it was shared under is in force), the reasons for declining or "
        "withdrawing and the thread of status changes and messages; the foundation the "
        "metadata (and the person, for intake officers and administrators), the rest null. "
        "An embassy reads its own referral in the embassy's shape (EmbassyReferral): what "
        "it sent, the status timeline as an embassy sees it, the foundation's reason if "
        "it declined, the receiving center only under the person's consent, and its "
        "messages with the foundation; never the registry's matches, the case or a "
        "center's reasons. Another embassy's referral answers 404. "
        f"The read is audited with the fields shown. {_NOT_FOUND}",
        responses={200: _DETAIL_SHAPES, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Refer a person: a center to another center, or an embassy to the foundation",
        description="Center staff who work on the case (a restricted case: its team and the "
        "director) refer its person to another center (CenterReferralCreate): give the "
        "receiving center by `to_center` or by `domain`. A referral to your own center, of "
        "a closed case, or of a person who already has an open referral to that center "
        "answers 400 naming the field.\n\n"
        "An embassy's consular officers refer one of their nationals to the foundation "
        "(EmbassyReferralCreate): `person` (`name_ar` and/or `name_en`, `sex`, "
        "`date_of_birth`, `nationality`, optional `passport_number` and `phone`), "
        "`domain`, `urgency`, `reason`. It answers 201 with the referral's `id`, its "
        "`reference` (TW-2026-000123) and `status` `submitted`, in the embassy's shape. "
        "Another nationality answers 400 on `person.nationality`; any invalid input 400 "
        "with the field named (`person.date_of_birth`, …). Embassy viewers, and everyone "
        "else, answer 403 `forbidden`, whatever the body.",
        request=PolymorphicProxySerializer(
            component_name="ReferralCreate",
            serializers=[CenterReferralCreateSerializer,
                         embassy_api.EmbassyReferralCreateSerializer],
            resource_type_field_name=None,
        ),
        responses={201: _DETAIL_SHAPES, 400: _ERROR, 401: _ERROR, 403: _ERROR},
    ),
)
class ReferralViewSet(threads.ThreadActionsMixin, ScopedReadOnlyViewSet):
    queryset = Referral.objects.none()  # for the schema; rows come from visible_to
    record_argument = "referral"
    serializer_class = ReferralListSerializer
    filter_serializer_class = ReferralFilterSerializer
    ordering = ("-sent_at",)
    http_method_names = ["get", "post", "head", "options"]

    def visible_to(self, user: Any) -> QuerySet[Referral]:
        if selectors.embassy_member(user) is not None:
            return selectors.embassy_inbox(user)
        return selectors.referrals_visible_to(user)

    def access(self, user: Any, object_id: object) -> Referral:
        return access.access_referral(user, object_id)

    def filter_queryset_by(self, qs: QuerySet[Any], params: dict[str, Any]) -> QuerySet[Any]:
        user = self.request.user
        if selectors.embassy_member(user) is not None:
            refused = {name: [_("Embassies filter their referrals by urgency only.")]
                       for name, value in params.items()
                       if name not in EMBASSY_FILTERS and value is not None}
            if refused:
                raise serializers.ValidationError(refused)
        if params.get("direction") == INBOX:
            qs = selectors.inbox_of(user)
        elif params.get("direction") == OUTBOX:
            qs = selectors.outbox_of(user)
        if params.get("status") == OPEN:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif params.get("status"):
            qs = qs.filter(status=params["status"])
        for name in ("urgency", "kind"):
            if params.get(name):
                qs = qs.filter(**{name: params[name]})
        if params.get("overdue") is not None:
            late = {"status": ReferralStatus.SUBMITTED, "due_at__lt": timezone.now()}
            qs = qs.filter(**late) if params["overdue"] else qs.exclude(**late)
        return qs

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return ReferralListSerializer if self.action == "list" else ReferralSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "viewer": self.request.user}

    def _referral(self) -> Referral:
        referral = self.get_object()
        assert isinstance(referral, Referral)
        return referral

    def _detail(self, referral: Referral, code: int = status.HTTP_200_OK) -> Response:
        context = self.get_serializer_context()
        if selectors.is_referring_embassy(self.request.user, referral):
            return Response(embassy_api.EmbassyReferralSerializer(referral, context=context).data,
                            status=code)
        return Response(ReferralSerializer(referral, context=context).data, status=code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # a pagination class is configured
        if selectors.embassy_member(request.user) is not None:
            audit_list_read(request.user, Referral, page, EMBASSY_LIST_FIELDS)
            return self.get_paginated_response(
                embassy_api.EmbassyReferralListSerializer(page, many=True).data)
        context = {**self.get_serializer_context(), "per_side": True}
        audit_list_read(request.user, Referral, page,
                        _fields_shown(context, page, ReferralListSerializer.Meta.fields))
        return self.get_paginated_response(
            ReferralListSerializer(page, many=True, context=context).data
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self._referral())

    # --- Sending ---

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = as_member(request.user)
        send = _SENDERS.get(member.kind) if member is not None else None
        if member is None or send is None:
            audit_record(action=AuditAction.ACCESS_DENIED, actor=request.user,
                         object_type=Referral._meta.label_lower, reason="may not send referrals")
            raise PermissionDenied("forbidden", _("Your role may not send referrals."))
        referral = send(self, request, member)
        return self._detail(access.access_referral(member, referral.pk),
                            code=status.HTTP_201_CREATED)

    def _send_from_embassy(self, request: Request, member: User) -> Referral:
        if not access.can_submit_embassy_referral(member):
            audit_record(action=AuditAction.ACCESS_DENIED, actor=member,
                         object_type=Referral._meta.label_lower,
                         reason="may not send referrals")
            raise PermissionDenied("forbidden", _("Only an embassy's consular officers refer "
                                                  "persons."))
        data = embassy_api.EmbassyReferralCreateSerializer(
            data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            return embassy_services.embassy_referral_submit(
                actor=member, person=values["person"], domain=values["domain"],
                urgency=values["urgency"], reason=values["reason"])
        except DomainError as error:
            if error.field in embassy_api.PERSON_FIELDS:
                error.field = f"person.{error.field}"
            raise

    def _send_from_center(self, request: Request, member: User) -> Referral:
        data = CenterReferralCreateSerializer(data=request.data,
                                              context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        try:
            return services.referral_send(actor=member, **data.validated_data)
        except DomainError as error:
            if error.field == "to_center":
                error.field = data.center_field
            elif error.field is None and error.code == "case_closed":
                error.field = "case"
            raise

    # --- The receiver's decision and progress, withdrawal, messages ---

    @_action_doc("Accept: open a case at your center", "The receiving center's director "
                 "and case managers, while the referral is submitted. Opens a case of the "
                 "given type for the same person at your center, linked to the referral "
                 "(`received_case`).", ReferralAcceptSerializer)
    @action(detail=True, methods=["post"], url_path=ACCEPT)
    def accept(self, request: Request, pk: str | None = None) -> Response:
        referral = self._referral()
        return self._act(referral, access.can_decide, "accept this referral",
                         services.referral_accept, ReferralAcceptSerializer, referral=referral)

    @_action_doc("Decline, with a reason", "The receiving center's director and case "
                 "managers, while the referral is submitted; the sender reads the reason (an "
                 "assignment from the intake desk goes back to it). A referral from an "
                 "embassy: the intake desk, while no center holds it; the embassy reads the "
                 "reason.", ReferralReasonSerializer)
    @action(detail=True, methods=["post"], url_path=DECLINE)
    def decline(self, request: Request, pk: str | None = None) -> Response:
        referral = self._referral()
        if referral.kind == ReferralKind.EMBASSY_TO_FOUNDATION:
            return self._act(referral, access.can_triage, "triage this referral",
                             embassy_services.referral_intake_decline, ReferralReasonSerializer)
        return self._act(referral, access.can_decide, "decline this referral",
                         services.referral_decline, ReferralReasonSerializer)

    @_action_doc("Withdraw, with a reason", "The sending center's staff who work on the "
                 "source case, until the receiving center decides.", ReferralReasonSerializer)
    @action(detail=True, methods=["post"], url_path=WITHDRAW)
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._act(self._referral(), access.can_withdraw, "withdraw this referral",
                         services.referral_withdraw, ReferralReasonSerializer)

    @_action_doc("Start work", "The receiving center's director and case managers, once "
                 "the referral is accepted.", ReferralStartSerializer)
    @action(detail=True, methods=["post"], url_path=START)
    def start(self, request: Request, pk: str | None = None) -> Response:
        return self._act(self._referral(), access.can_decide, "update this referral",
                         services.referral_start, ReferralStartSerializer)

    @_action_doc("Mark completed", "The receiving center's director and case managers, "
                 "once the referral is accepted or in progress.", ReferralCompleteSerializer)
    @action(detail=True, methods=["post"], url_path=COMPLETE)
    def complete(self, request: Request, pk: str | None = None) -> Response:
        return self._act(self._referral(), access.can_decide, "update this referral",
                         services.referral_complete, ReferralCompleteSerializer)

    @extend_schema(
        summary="Write a message to the other side",
        description="Staff of the receiving center, and the sending center's staff who work "
        "on the source case (of an assignment, the intake desk), in any status. On a "
        "referral from an embassy: the embassy's consular officers and the foundation's "
        "intake desk and liaison officers; the foundation may not write to the embassy "
        "about a person flagged no contact with home country (400 `no_contact`). The other "
        "side is notified.\n\nOn a referral from an embassy the message may carry files. "
        + files_api.FILES_DOC + " The thread between centers takes text only (files: 400 "
        "`attachments_not_accepted`). " + _NOT_FOUND,
        request={"application/json": ReferralMessageSerializer,
                 "multipart/form-data": ReferralMessageUploadSerializer},
        responses={201: ReferralEventSerializer, 400: _ERROR, 403: _FORBIDDEN,
                   413: _ERROR, **DETAIL_ERRORS},
    )
    @accepts_upload(stored_files.files_allowance)
    @action(detail=True, methods=["post"], url_path="messages",
            parser_classes=files_api.MESSAGE_PARSERS)
    def messages(self, request: Request, pk: str | None = None) -> Response:
        return self._message(self._referral(), access.can_write_message,
                             "write on this referral", services.referral_message_add,
                             ReferralMessageUploadSerializer, ReferralEventSerializer)

    @threads.download_action(
        "The file of a message you are shown on a referral from an embassy: the referring "
        "embassy (its own messages only, while the person is withheld from it: no contact "
        "with home country) and the foundation's intake desk and liaison officers. The same "
        "access check as the referral page's download; every download audited. " + _NOT_FOUND)
    def attachment(self, request: Request, attachment_id: str) -> HttpResponseBase:
        return self._download(attachments.access_attachment(request.user, attachment_id),
                              attachments.download_audited)

    # --- The intake desk ---

    @extend_schema(
        summary="The intake desk's queue",
        description="Referrals from embassies that no center holds and nobody has decided "
        "(new, handed back by a center, taken back from one), the most urgent first, then "
        "the oldest; `due_at` is when triage is due, `is_overdue` past it. The intake "
        "desk (intake officers, administrators) only; an empty list for anyone else. "
        "Audited.",
        responses={200: ReferralListSerializer(many=True), **LIST_ERRORS},
    )
    @action(detail=False, methods=["get"], url_path="intake-queue")
    def intake_queue(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.intake_queue(request.user))
        assert page is not None
        context = {**self.get_serializer_context(), "per_side": True}
        audit_list_read(request.user, Referral, page,
                        _fields_shown(context, page, ReferralListSerializer.Meta.fields))
        return self.get_paginated_response(
            ReferralListSerializer(page, many=True, context=context).data)

    @_action_doc("Link to a registered person", "The intake desk, on a referral from an "
                 "embassy that no center holds: the person the embassy refers is this one "
                 "of the registry (one of `matches`, or any other).",
                 embassy_api.LinkPersonSerializer)
    @action(detail=True, methods=["post"], url_path=LINK_PERSON)
    def link_person(self, request: Request, pk: str | None = None) -> Response:
        return self._act(self._referral(), access.can_triage, "triage this referral",
                         embassy_services.referral_link_person,
                         embassy_api.LinkPersonSerializer)

    @_action_doc("Register the person and link to them", "The intake desk, when no match "
                 "is the person: registers them for the foundation from what the embassy "
                 "sent (its passport number included: 400 if another person holds it).",
                 embassy_api.EmptySerializer)
    @action(detail=True, methods=["post"], url_path=REGISTER_PERSON)
    def register_person(self, request: Request, pk: str | None = None) -> Response:
        return self._act(self._referral(), access.can_triage, "triage this referral",
                         embassy_services.referral_register_person, embassy_api.EmptySerializer)

    @_action_doc("Assign to a center", "The intake desk, once the referral is linked to a "
                 "registered person and while no center holds it: sends the center an "
                 "assignment (a referral from the foundation, `assignments`), which it "
                 "accepts, opening its case, or declines, handing it back.",
                 embassy_api.AssignSerializer)
    @action(detail=True, methods=["post"], url_path=ASSIGN)
    def assign(self, request: Request, pk: str | None = None) -> Response:
        referral = self._referral()
        # The service answers the assignment; the answer is the embassy's referral.
        user, _assignment = self._perform(referral, access.can_triage, "triage this referral",
                                          embassy_services.referral_assign,
                                          embassy_api.AssignSerializer)
        return self._detail(access.access_referral(user, referral.pk))


def _fields_shown(context: dict[str, Any], rows: Sequence[Referral],
                  names: Iterable[str]) -> list[str]:
    return threads.fields_shown(context, rows, names, governed=_GOVERNED,
                                fields_for=_fields_for)


# Who sends referrals through POST /referrals/, by the kind of the caller's organization.
_SENDERS: dict[str, Callable[[ReferralViewSet, Request, User], Referral]] = {
    OrganizationKind.CENTER: ReferralViewSet._send_from_center,
    OrganizationKind.EMBASSY: ReferralViewSet._send_from_embassy,
}
EMBASSY_LIST_FIELDS: tuple[str, ...] = (
    "reference", "status", "domain", "urgency", "sent_at", "submitted_person",
)
