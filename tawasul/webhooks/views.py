"""Pages of webhooks: an organization's endpoints, registering one, rotating its secret,
deactivating it, sending a test event, and the delivery log with each attempt.

For consular officers and partner focal points (their own organization's endpoints),
embassy viewers (the same, read only) and the foundation's administrators (every
organization's). Anyone else gets 404, as does another organization's endpoint or
delivery (tawasul.webhooks.access). A signing secret is shown on the page that creates
it and never again: that page is rendered, not redirected to, and not cached.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common import errors
from tawasul.home.decorators import member_required
from tawasul.webhooks import access, selectors, services
from tawasul.webhooks.forms import DeliveryFilterForm, EndpointRegisterForm
from tawasul.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tawasul.webhooks.tasks import MAX_ATTEMPTS

PAGE_SIZE = 25
RECENT_DELIVERIES = 5


def _member(request: HttpRequest) -> User:
    """The pages exist for webhook members only; anyone else gets the 404 of a page that
    is not there for them."""
    user = selectors.webhook_member(request.user)
    if user is None:
        raise errors.OutOfScope()
    return user


def _forbidden(exc: errors.PermissionDenied) -> PermissionDenied:
    return PermissionDenied(str(exc.message))


def _may_register(user: User) -> bool:
    return selectors.webhook_organizations_for(user).exists()


def _page(request: HttpRequest, qs: QuerySet[Any]) -> tuple[Any, str]:
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


# --- Endpoints ---------------------------------------------------------------------------


@member_required
def endpoint_list(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    qs = selectors.endpoints_visible_to(user).annotate(
        failing=Count("deliveries", filter=Q(deliveries__status__in=(
            DeliveryStatus.FAILED, DeliveryStatus.GIVEN_UP)))
    ).order_by("-is_active", "organization__name_en", "-created_at")
    page, query_string = _page(request, qs)
    return render(request, "webhooks/endpoint_list.html", {
        "page_obj": page, "query_string": query_string,
        "may_register": _may_register(user), "show_organization": user.role == Role.ADMIN,
    })


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def endpoint_register(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    organizations = selectors.webhook_organizations_for(user).order_by("kind", "name_en")
    if not organizations.exists():
        raise PermissionDenied(_("You may not register webhook endpoints."))
    fixed = None if user.role == Role.ADMIN else organizations.first()
    form = EndpointRegisterForm(request.POST or None, organizations=organizations, fixed=fixed)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                endpoint, secret = services.endpoint_register(
                    actor=user, organization=form.chosen_organization(), url=data["url"],
                    events=data["events"], description=data["description"],
                )
            except errors.PermissionDenied as exc:
                raise _forbidden(exc) from exc
            except errors.DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                return _secret_page(request, endpoint, secret, created=True)
    return render(request, "webhooks/endpoint_form.html",
                  {"form": form, "fixed_organization": fixed}, status=status)


def _secret_page(request: HttpRequest, endpoint: WebhookEndpoint, secret: str, *,
                 created: bool) -> HttpResponse:
    # Rendered, not redirected: the secret must not be kept anywhere (a session would
    # store it in the database) to survive a redirect.
    return render(request, "webhooks/secret.html",
                  {"endpoint": endpoint, "secret": secret, "created": created})


@member_required
def endpoint_detail(request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    user = _member(request)
    endpoint = access.access_endpoint(user, endpoint_id)
    recent = list(
        selectors.deliveries_visible_to(user).filter(endpoint=endpoint)
        .order_by("-created_at")[:RECENT_DELIVERIES]
    )
    return render(request, "webhooks/endpoint_detail.html", {
        "endpoint": endpoint, "recent": recent,
        "can_manage": access.can_manage_endpoints_of(user, endpoint.organization),
        "max_attempts": MAX_ATTEMPTS,
    })


def _confirm(request: HttpRequest, endpoint: WebhookEndpoint, action: str) -> HttpResponse:
    return render(request, "webhooks/endpoint_confirm.html",
                  {"endpoint": endpoint, "action": action})


def _managed_endpoint(request: HttpRequest, endpoint_id: uuid.UUID,
                      action: str) -> tuple[User, WebhookEndpoint]:
    """The endpoint, if the user may change it: 404 outside scope, 403 (recorded) for
    those who may only look."""
    user = _member(request)
    endpoint = access.access_endpoint(user, endpoint_id)
    try:
        services.require_manager(user, endpoint, action)
    except errors.PermissionDenied as exc:
        raise _forbidden(exc) from exc
    return user, endpoint


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def endpoint_rotate(request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    user, endpoint = _managed_endpoint(request, endpoint_id, "rotate webhook secrets")
    if request.method == "POST":
        try:
            secret = services.endpoint_rotate_secret(actor=user, endpoint=endpoint)
        except errors.DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("webhooks:detail", endpoint.pk)
        return _secret_page(request, endpoint, secret, created=False)
    return _confirm(request, endpoint, "rotate")


@member_required
@require_http_methods(["GET", "POST"])
def endpoint_deactivate(request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    user, endpoint = _managed_endpoint(request, endpoint_id, "deactivate webhook endpoints")
    if request.method == "POST":
        try:
            services.endpoint_deactivate(actor=user, endpoint=endpoint)
        except errors.DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The endpoint is deactivated: no more events go to it."))
        return redirect("webhooks:detail", endpoint.pk)
    return _confirm(request, endpoint, "deactivate")


@member_required
@require_POST
def endpoint_ping(request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    user, endpoint = _managed_endpoint(request, endpoint_id, "send test events")
    try:
        delivery = services.endpoint_ping(actor=user, endpoint=endpoint)
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("webhooks:detail", endpoint.pk)
    messages.success(request, _("A test event was queued; its result appears in the "
                                "delivery log within a few seconds."))
    return redirect("webhooks:delivery", delivery.pk)


# --- Deliveries ---------------------------------------------------------------------------


@member_required
def delivery_list(request: HttpRequest, endpoint_id: uuid.UUID) -> HttpResponse:
    user = _member(request)
    endpoint = access.access_endpoint(user, endpoint_id)
    qs = selectors.deliveries_visible_to(user).filter(endpoint=endpoint)
    form = DeliveryFilterForm(request.GET or None)
    if form.is_valid():
        for name in ("status", "event"):
            if form.cleaned_data[name]:
                qs = qs.filter(**{name: form.cleaned_data[name]})
    elif form.is_bound:
        qs = qs.none()
    page, query_string = _page(request, qs.order_by("-created_at", "id"))
    return render(request, "webhooks/delivery_list.html", {
        "endpoint": endpoint, "form": form, "page_obj": page, "query_string": query_string,
    })


@member_required
def delivery_detail(request: HttpRequest, delivery_id: uuid.UUID) -> HttpResponse:
    user = _member(request)
    delivery: WebhookDelivery = access.access_delivery(user, delivery_id)
    # The payload may name a person (as the portal would show them): the read is recorded.
    audit_record(action=AuditAction.READ, actor=user, obj=delivery,
                 fields=["payload", "attempts"])
    return render(request, "webhooks/delivery_detail.html", {
        "delivery": delivery, "endpoint": delivery.endpoint,
        "attempts": list(selectors.attempts_of(delivery)),
        "payload": json.dumps(delivery.payload, ensure_ascii=False, indent=2, sort_keys=True),
        "max_attempts": MAX_ATTEMPTS,
    })
