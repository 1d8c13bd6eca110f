"""The shape of an action on a record's page (a referral, a request to an embassy, the
intake desk's triage): POST a form, call the service, then back to the record's page with
a message saying what was done.

The services raise tawasul.common.errors. PermissionDenied answers 403. A DomainError is
shown where the user can act on it: on the form field it names (or on the form), with the
page shown again (400) and what the user typed kept; for an action without a form (a
button), as an error message on the record's page.

RecordActions makes these views for one kind of record, from the function that calls
the service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from tawasul.common import attachments as stored_files
from tawasul.common import errors
from tawasul.home.decorators import member_required

T = TypeVar("T")
V = TypeVar("V", bound=Callable[..., Any])


def forbidden(exc: errors.PermissionDenied) -> PermissionDenied:
    """A service's refusal as Django's 403, with the service's message."""
    return PermissionDenied(str(exc.message))


def add_error(form: BaseForm, exc: errors.DomainError) -> None:
    """The service's message on the field it names, when the form has that field (a
    refusal of a message's files on the form's one file field), else on the form."""
    field = stored_files.page_field(exc.field)
    form.add_error(field if field in form.fields else None, str(exc.message))


def attempt(form: BaseForm, call: Callable[[], T]) -> T | None:
    """What `call` (a service, with a valid form's values) returns; None when the service
    refused, its message then on `form`."""
    try:
        return call()
    except errors.PermissionDenied as exc:
        raise forbidden(exc) from exc
    except errors.DomainError as exc:
        add_error(form, exc)
        return None


def run_action(request: HttpRequest, *, form: BaseForm,
               perform: Callable[[dict[str, Any]], str], redirect_to: str,
               error_page: Callable[[BaseForm], HttpResponse]) -> HttpResponse:
    """Validate `form`, call the service through `perform` (which returns the success
    message) and go to `redirect_to`; an invalid or refused form is shown again on
    `error_page(form)`."""
    if form.is_valid():
        data = form.cleaned_data
        message = attempt(form, lambda: perform(data))
        if message is not None:
            messages.success(request, message)
            return redirect(redirect_to)
    return error_page(form)


def run_button_action(request: HttpRequest, *, perform: Callable[[], str],
                      redirect_to: str) -> HttpResponse:
    """An action without a form: call the service through `perform` (which returns the
    success message), then go to `redirect_to`, where a refusal shows as an error
    message."""
    try:
        message = perform()
    except errors.PermissionDenied as exc:
        raise forbidden(exc) from exc
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, message)
    return redirect(redirect_to)


# Who acts on which record: (request, record id) -> (the user, the record); 404 outside
# scope.
Fetch = Callable[[HttpRequest, uuid.UUID], tuple[Any, Any]]
# The form an action posts: (request, user, record) -> the bound form.
MakeForm = Callable[[HttpRequest, Any, Any], BaseForm]


def _named_as(perform: Callable[..., Any]) -> Callable[[V], V]:
    """The view takes the name and docstring of the function it is made from (as the
    error pages and logs show it), not its signature."""

    def name(view: V) -> V:
        for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
            setattr(view, attribute, getattr(perform, attribute))
        return view

    return name


def posted(form_class: Callable[..., BaseForm], prefix: str | None = None) -> MakeForm:
    """The action's form is `form_class` bound to what was posted (its files too)."""
    return lambda request, user, record: form_class(request.POST, request.FILES, prefix=prefix)


class RecordActions:
    """The actions on the page of one kind of record (a referral, a request to an
    embassy): each a view that posts to …/<record id>/<action>/ and goes back to the
    record's page, made by decorating the function that calls the service and returns
    the success message.

    `fetch` finds who acts on which record; `page(request, user, record, status=400,
    **{form_name: form})` shows the record's page again with a refused form; `detail` is
    the URL name of the record's page, `url_kwarg` the name of the record's id in the
    actions' URLs.
    """

    def __init__(self, *, fetch: Fetch, page: Callable[..., HttpResponse], detail: str,
                 url_kwarg: str) -> None:
        self.fetch = fetch
        self.page = page
        self.detail = detail
        self.url_kwarg = url_kwarg

    def url(self, record: Any, anchor: str = "") -> str:
        return reverse(self.detail, args=[record.pk]) + anchor

    def form_action(self, form_name: str, form: MakeForm, *, fetch: Fetch | None = None,
                    anchor: str = "") -> Callable[[Callable[[Any, Any, dict[str, Any]], str]],
                                                  Callable[..., HttpResponse]]:
        """Makes `perform(user, record, data)` (a valid form's values) the view of an
        action with a form (run_action); a refusal shows on the page's form `form_name`.
        `fetch` instead of the actions' own."""
        find = fetch or self.fetch

        def decorate(perform: Callable[[Any, Any, dict[str, Any]], str]
                     ) -> Callable[..., HttpResponse]:
            @member_required
            @require_POST
            @_named_as(perform)
            def view(request: HttpRequest, **kwargs: uuid.UUID) -> HttpResponse:
                user, record = find(request, kwargs[self.url_kwarg])
                return run_action(
                    request, form=form(request, user, record),
                    perform=lambda data: perform(user, record, data),
                    redirect_to=self.url(record, anchor),
                    error_page=lambda refused: self.page(request, user, record, status=400,
                                                         **{form_name: refused}))

            return view

        return decorate

    def button_action(self, *, anchor: str = "") -> Callable[[Callable[[Any, Any], str]],
                                                            Callable[..., HttpResponse]]:
        """Makes `perform(user, record)` the view of an action without a form
        (run_button_action)."""

        def decorate(perform: Callable[[Any, Any], str]) -> Callable[..., HttpResponse]:
            @member_required
            @require_POST
            @_named_as(perform)
            def view(request: HttpRequest, **kwargs: uuid.UUID) -> HttpResponse:
                user, record = self.fetch(request, kwargs[self.url_kwarg])
                return run_button_action(request, perform=lambda: perform(user, record),
                                         redirect_to=self.url(record, anchor))

            return view

        return decorate
