"""API endpoints. Lists start from the scoped selectors, details go through the access
functions, writes through the services: a rule written once applies here as on the pages.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Model, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tawasul.accounts.models import User
from tawasul.accounts.profile import user_update_profile
from tawasul.api.serializers import (
    ContactFilterSerializer,
    ContactSerializer,
    ErrorSerializer,
    OrganizationFilterSerializer,
    OrganizationSerializer,
    ProfileSerializer,
    ProfileUpdateSerializer,
    ServiceFilterSerializer,
    ServiceSerializer,
)
from tawasul.organizations.access import access_contact, access_organization, access_service
from tawasul.organizations.models import (
    CenterDomain,
    Contact,
    Organization,
    OrganizationKind,
    Service,
)
from tawasul.organizations.selectors import (
    contacts_visible_to,
    organizations_visible_to,
    services_visible_to,
    with_translations,
)

_ERROR = OpenApiResponse(
    ErrorSerializer, description="See the error format in the API description."
)
LIST_ERRORS: dict[int, OpenApiResponse] = {400: _ERROR, 401: _ERROR, 404: _ERROR}
DETAIL_ERRORS: dict[int, OpenApiResponse] = {401: _ERROR, 404: _ERROR}
_NOT_FOUND = "404 when it does not exist or is outside your scope (the two look the same)."

_Q = OpenApiParameter(
    "q", OpenApiTypes.STR, description="Search in the Arabic and English names (at most 100 "
    "characters; normalized like names: invisible controls removed)."
)


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A list from a scoped selector, filtered by validated query parameters; a detail
    from the entity's access function, so that out of scope answers 404 (and is audited).
    """

    filter_serializer_class: ClassVar[type[serializers.Serializer]]
    ordering: ClassVar[tuple[str, ...]]

    def visible_to(self, user: Any) -> QuerySet[Any]:
        raise NotImplementedError

    def access(self, user: Any, object_id: object) -> Model:
        raise NotImplementedError

    def filter_queryset_by(self, qs: QuerySet[Any], params: dict[str, Any]) -> QuerySet[Any]:
        return qs

    def get_queryset(self) -> QuerySet[Any]:
        qs = self.visible_to(self.request.user)
        if self.action == "list":
            # An empty parameter (`?kind=`, as an HTML form sends it) means no filter.
            given = {k: v for k, v in self.request.query_params.dict().items() if v != ""}
            params = self.filter_serializer_class(data=given)
            params.is_valid(raise_exception=True)
            qs = self.filter_queryset_by(qs, params.validated_data)
        # A unique last key keeps pages stable: no row on two pages, none skipped.
        return qs.order_by(*self.ordering, "id")

    def get_object(self) -> Model:
        obj = self.access(self.request.user, self.kwargs[self.lookup_url_kwarg or "pk"])
        self.check_object_permissions(self.request, obj)
        return obj


def _search(qs: QuerySet[Any], q: str, *fields: str) -> QuerySet[Any]:
    if not q:
        return qs
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": q})
    return qs.filter(condition)


@extend_schema_view(
    list=extend_schema(
        summary="Organizations in the directory",
        description="Active organizations, and your own; foundation administrators also "
        "see inactive ones.",
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=OrganizationKind.values),
            OpenApiParameter("country", OpenApiTypes.STR,
                             description="ISO 3166-1 alpha-2 code, e.g. PH."),
            OpenApiParameter("domain", OpenApiTypes.STR, enum=CenterDomain.values,
                             description="A center's domain."),
            _Q,
        ],
        responses={200: OrganizationSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One organization",
        description=_NOT_FOUND,
        responses={200: OrganizationSerializer, **DETAIL_ERRORS},
    ),
)
class OrganizationViewSet(ScopedReadOnlyViewSet):
    queryset = Organization.objects.none()  # for the schema; rows come from visible_to
    serializer_class = OrganizationSerializer
    filter_serializer_class = OrganizationFilterSerializer
    ordering = ("kind", "name_en")

    def visible_to(self, user: Any) -> QuerySet[Organization]:
        return organizations_visible_to(user)

    def access(self, user: Any, object_id: object) -> Organization:
        return access_organization(user, object_id)

    def filter_queryset_by(self, qs: QuerySet[Any], params: dict[str, Any]) -> QuerySet[Any]:
        for name in ("kind", "country", "domain"):
            if params.get(name):
                qs = qs.filter(**{name: params[name]})
        return _search(qs, params.get("q", ""), "name_ar", "name_en", "code")


@extend_schema_view(
    list=extend_schema(
        summary="Services of the centers",
        description="Active services of active centers; a center also sees its inactive "
        "entries, foundation administrators all. Each with its translations into community "
        "languages.",
        parameters=[
            OpenApiParameter("center", OpenApiTypes.UUID, description="The center's id."),
            _Q,
        ],
        responses={200: ServiceSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One service",
        description=_NOT_FOUND,
        responses={200: ServiceSerializer, **DETAIL_ERRORS},
    ),
)
class ServiceViewSet(ScopedReadOnlyViewSet):
    queryset = Service.objects.none()
    serializer_class = ServiceSerializer
    filter_serializer_class = ServiceFilterSerializer
    ordering = ("center__kind", "center__name_en", "name_en")

    def visible_to(self, user: Any) -> QuerySet[Service]:
        return with_translations(services_visible_to(user))

    def access(self, user: Any, object_id: object) -> Service:
        return access_service(user, object_id)

    def filter_queryset_by(self, qs: QuerySet[Any], params: dict[str, Any]) -> QuerySet[Any]:
        if params.get("center"):
            qs = qs.filter(center_id=params["center"])
        return _search(qs, params.get("q", ""), "name_ar", "name_en", "code")


@extend_schema_view(
    list=extend_schema(
        summary="Focal-point contacts",
        description="Directory contacts of active organizations; your organization's own "
        "contacts; foundation administrators and liaison officers see all.",
        parameters=[
            OpenApiParameter("organization", OpenApiTypes.UUID,
                             description="The organization's id."),
            _Q,
        ],
        responses={200: ContactSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One contact",
        description=_NOT_FOUND,
        responses={200: ContactSerializer, **DETAIL_ERRORS},
    ),
)
class ContactViewSet(ScopedReadOnlyViewSet):
    queryset = Contact.objects.none()
    serializer_class = ContactSerializer
    filter_serializer_class = ContactFilterSerializer
    ordering = ("organization__name_en", "name_en")

    def visible_to(self, user: Any) -> QuerySet[Contact]:
        return contacts_visible_to(user)

    def access(self, user: Any, object_id: object) -> Contact:
        return access_contact(user, object_id)

    def filter_queryset_by(self, qs: QuerySet[Any], params: dict[str, Any]) -> QuerySet[Any]:
        if params.get("organization"):
            qs = qs.filter(organization_id=params["organization"])
        return _search(qs, params.get("q", ""), "name_ar", "name_en")


_PROFILE_DESCRIPTION = (
    "PATCH may change `full_name_ar`, `full_name_en` and `preferred_language` (`ar` or "
    "`en`) only; any other field answers 400 naming it.\n\n"
    "Names are normalized before they are stored: Unicode bidirectional controls "
    "(U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) and zero-width characters "
    "(U+200B–U+200D, U+2060, U+FEFF) are removed, the text is put in Unicode NFC, runs of "
    "spaces become one and ends are trimmed. The answer shows the stored form."
)


@extend_schema_view(
    get=extend_schema(
        summary="Your profile",
        responses={200: ProfileSerializer, 401: _ERROR},
    ),
    patch=extend_schema(
        summary="Change your names or preferred language",
        description=_PROFILE_DESCRIPTION,
        request=ProfileUpdateSerializer,
        responses={200: ProfileSerializer, 400: _ERROR, 401: _ERROR, 415: _ERROR},
    ),
)
class MeView(generics.GenericAPIView):
    serializer_class = ProfileSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(request.user).data)

    def patch(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)  # IsAuthenticated has run
        changes = ProfileUpdateSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        user_update_profile(actor=user, user=user, **changes.validated_data)
        return Response(ProfileSerializer(user).data)

