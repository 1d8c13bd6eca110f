"""What the API's records with a thread (referrals, requests to embassies) do alike: the
input that names a case or a consent, the fields a caller is not shown, the actions on
one record, its messages and their files, and the audit of a list page.

An action answers 403 (audited) for a record the caller may see but may not act on,
before its body is read; then the body is checked by the action's serializer, the
service called with the record and the values, and the record answered as it is now.
The services' DomainError (400) and PermissionDenied (403) become the API's error format
in tawasul.api.errors; a record outside the caller's scope is 404 (the view set's access
function).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import Model
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from tawasul.accounts.models import User
from tawasul.api import attachments as files_api
from tawasul.api.serializers import ErrorSerializer
from tawasul.api.views import DETAIL_ERRORS
from tawasul.cases.models import Case
from tawasul.cases.selectors import cases_visible_to
from tawasul.common import attachments as stored_files
from tawasul.common import references
from tawasul.common.access import require
from tawasul.common.models import FileRecord
from tawasul.people.models import Consent
from tawasul.people.selectors import consents_visible_to

ERROR = OpenApiResponse(ErrorSerializer, description="See the error format in the API "
                        "description.")
NOT_FOUND = "404 when it does not exist or is outside your scope (the two look the same)."


# --- Input and output ---------------------------------------------------------------------


def user_of(serializer: serializers.Serializer) -> User:
    return serializer.context["request"].user


def text_field(**kwargs: Any) -> serializers.CharField:
    # The services clean the text (tawasul.common.references.clean_long_text).
    return serializers.CharField(max_length=references.TEXT_MAX_LENGTH, trim_whitespace=False,
                                 **kwargs)


def visible_case(serializer: serializers.Serializer, value: Any) -> Case:
    """A serializer's `case`: one the caller sees."""
    case = cases_visible_to(user_of(serializer)).filter(pk=value).first()
    if case is None:
        raise serializers.ValidationError(_("Choose one of the cases you work on."))
    return case


def visible_consent(serializer: serializers.Serializer, value: Any) -> Consent | None:
    """A serializer's optional `consent`: a consent record the caller sees."""
    if value is None:
        return None
    consent = consents_visible_to(user_of(serializer)).filter(pk=value).first()
    if consent is None:
        raise serializers.ValidationError(_("Choose a consent record of the person."))
    return consent


def hide_unshown(data: dict[str, Any], shown: frozenset[str],
                 governed: frozenset[str]) -> dict[str, Any]:
    """`data` with each governed field the caller is not shown set to null, so that every
    answer has the same shape."""
    for name in data:
        if name in governed and name not in shown:
            data[name] = None
    return data


# --- Views ---------------------------------------------------------------------------------


def forbidden_response(record_name: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=f"`forbidden`: you may see the "
                           f"{record_name} but not do this.")


def action_doc(summary: str, description: str, request: type[serializers.Serializer], *,
               answer: type[serializers.Serializer], forbidden: OpenApiResponse,
               ) -> Callable[[Any], Any]:
    """The schema of an action that answers the record (`answer`) as it is now."""
    return extend_schema(
        summary=summary,
        description=f"{description} Any other status answers 400 with code "
        f"`transition_not_allowed`. {NOT_FOUND}",
        request=request,
        responses={200: answer, 400: ERROR, 403: forbidden, **DETAIL_ERRORS},
    )


def download_action(description: str) -> Callable[[Any], Any]:
    """GET …/attachments/{attachment_id}/: a message's file (ThreadActionsMixin._download),
    with its schema."""

    def decorate(view: Any) -> Any:
        view = action(detail=False, methods=["get"], url_path=files_api.DOWNLOAD_PATH,
                      url_name="attachment",
                      content_negotiation_class=files_api.FileDownloadNegotiation)(view)
        return extend_schema(summary="Download a file of a message", description=description,
                             parameters=files_api.DOWNLOAD_PARAMETERS,
                             responses=files_api.DOWNLOAD_RESPONSES)(view)

    return decorate


def fields_shown(context: dict[str, Any], rows: Sequence[Any], names: Iterable[str], *,
                 governed: frozenset[str],
                 fields_for: Callable[[dict[str, Any], Any], frozenset[str]]) -> list[str]:
    """The fields of a page of a list that the caller is shown, for its audit entry: the
    ungoverned ones, and the governed ones that `fields_for(context, row)` allows on some
    row."""
    shown: set[str] = set()
    for row in rows:
        allowed = fields_for(context, row)
        shown.update(n for n in names if n not in governed or n in allowed)
    return sorted(shown)


class ThreadActionsMixin:
    """For a ScopedReadOnlyViewSet of records with a thread. `record_argument` is the
    keyword under which the services take the record (`referral`, `request`); the view
    set's `_detail` answers the record as the caller may see it."""

    record_argument: str
    # The view set's own.
    request: Any
    get_serializer_context: Callable[[], dict[str, Any]]
    _detail: Callable[[Any], Response]

    def _allowed(self, record: Model, allowed: Callable[[User, Any], bool],
                 what: str) -> User:
        """403 (audited) before the body is read, for a record the caller may see."""
        user: User = self.request.user
        require(allowed(user, record), user, record, what)
        return user

    def _perform(self, record: Model, allowed: Callable[[User, Any], bool], what: str,
                 service: Callable[..., Any], body: type[serializers.Serializer],
                 **context: Any) -> tuple[User, Any]:
        """Check who may, then the body (its serializer given the view's context and
        `context`), then call `service`; returns the caller and what the service
        returned."""
        user = self._allowed(record, allowed, what)
        data = body(data=self.request.data, context={**self.get_serializer_context(),
                                                     **context})
        data.is_valid(raise_exception=True)
        return user, service(actor=user, **{self.record_argument: record},
                             **data.validated_data)

    def _act(self, record: Model, allowed: Callable[[User, Any], bool], what: str,
             service: Callable[..., Any], body: type[serializers.Serializer],
             **context: Any) -> Response:
        """An action whose service returns the record as it is now."""
        return self._detail(self._perform(record, allowed, what, service, body,
                                          **context)[1])

    def _message(self, record: Model, allowed: Callable[[User, Any], bool], what: str,
                 add: Callable[..., Any], body: type[serializers.Serializer],
                 answer: type[serializers.Serializer],
                 context: dict[str, Any] | None = None) -> Response:
        """A message with its files (`attachments`, multipart) written on the thread;
        answers the new entry (201)."""
        user = self._allowed(record, allowed, what)
        data = body(data=self.request.data)
        data.is_valid(raise_exception=True)
        event = add(actor=user, **{self.record_argument: record},
                    text=data.validated_data["text"],
                    files=data.validated_data.get(stored_files.FILES_FIELD, []))
        return Response(answer(event, context=context or {}).data,
                        status=status.HTTP_201_CREATED)

    def _download(self, file: FileRecord,
                  audited: Callable[[Any, Any], None]) -> HttpResponseBase:
        """A message's file (`file` as the app's access function handed it out), audited
        by the same function as the pages' downloads."""
        return stored_files.download(self.request.user, file, audited)
