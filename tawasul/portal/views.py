"""The portal's pages: community counts (and their CSV), unread messages, and the daily
digest preference. Thin: scope in access.py and selectors.py, writes in services.py."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction
from tawasul.common.access import as_member
from tawasul.common.errors import DomainError
from tawasul.home.decorators import member_required
from tawasul.portal import access, exports, selectors, services, threads
from tawasul.portal.forms import CountryForm, DigestPreferenceForm
from tawasul.portal.suppression import COMPLEMENTARY_LABEL, SMALL_LABEL, THRESHOLD


def _user(request: HttpRequest) -> User:
    user = as_member(request.user)
    assert user is not None  # member_required
    return user


# --- Community counts ---------------------------------------------------------------------


@member_required
@require_GET
def community(request: HttpRequest) -> HttpResponse:
    """An embassy's users see their own community; the ministry's supervisors and the
    analysts choose any country; everyone else gets 404 (audited)."""
    user = _user(request)
    asked = request.GET.get("country", "").strip()
    form: CountryForm | None = None
    counts = None
    status = 200
    if selectors.community_overseer(user) is not None:
        form = CountryForm(request.GET if asked else None)
        if asked and form.is_valid():
            try:
                counts = selectors.community_counts(access.access_community(user, asked))
            except DomainError as error:
                form.add_error("country", str(error.message))
        if form.errors:
            status = 400
    else:
        counts = selectors.community_counts(access.access_community(user, asked or None))
    return render(request, "portal/community.html", {
        "form": form, "counts": counts, "threshold": THRESHOLD,
        "small_label": SMALL_LABEL, "complementary_label": COMPLEMENTARY_LABEL,
    }, status=status)


@member_required
@require_GET
def community_csv(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        code = access.access_community(user, request.GET.get("country") or None,
                                       action=AuditAction.EXPORT)
    except DomainError as error:
        return HttpResponse(str(error.message), status=400,
                            content_type="text/plain; charset=utf-8")
    counts = selectors.community_counts(code)
    response = HttpResponse(exports.community_csv(counts), content_type="text/csv; charset=utf-8")
    filename = f"community-counts-{code}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Unread messages ----------------------------------------------------------------------


@member_required
@require_GET
def unread_messages(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/unread_messages.html",
                  {"unread": threads.unread_of(_user(request))})


@member_required
@require_GET
def thread_open(request: HttpRequest, kind: str, thread_id: uuid.UUID) -> HttpResponse:
    """Open a thread from the unread list, marking it read. Marking on a GET is
    deliberate, as for notifications: it is the reader's own bookkeeping, the same once
    or twice, and the link stays a real link."""
    user = _user(request)
    thread_kind, thread = access.access_thread(user, kind, thread_id)
    services.thread_mark_read(actor=user, thread=thread)
    return redirect(reverse(thread_kind.url_name, args=[thread.pk]) + "#timeline")


@member_required
@require_POST
def threads_mark_read(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    unread = threads.unread_of(user)
    count = services.threads_mark_read(actor=user, threads=[t.thread for t in unread.threads])
    if count:
        messages.success(request, ngettext(
            "%(count)s conversation was marked as read.",
            "%(count)s conversations were marked as read.", count) % {"count": count})
    return redirect("portal:unread_messages")


# --- The daily digest ---------------------------------------------------------------------


@member_required
@require_POST
def digest_preference(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DigestPreferenceForm(request.POST)
    if form.is_valid():
        wanted = form.cleaned_data["daily_digest"]
        services.digest_preference_set(actor=user, user=user, daily_digest=wanted)
        messages.success(request, _("You will receive a daily digest of your unread "
                                    "notifications.") if wanted
                         else _("You will not receive a daily digest."))
    return redirect(reverse("accounts:profile") + "#digest")
