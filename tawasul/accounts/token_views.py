"""Pages for personal API tokens: list, create (the token is shown once), revoke."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tawasul.accounts.access import access_api_token
from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.accounts.selectors import api_tokens_visible_to
from tawasul.accounts.tokens import (
    NAME_MAX_LENGTH,
    api_token_issue,
    api_token_revoke,
    may_create_tokens,
)
from tawasul.common.errors import DomainError
from tawasul.common.text import clean_text

NEVER = 0
EXPIRY_CHOICES = [
    (30, _("In 30 days")),
    (90, _("In 90 days")),
    (180, _("In 180 days")),
    (365, _("In a year")),
    (NEVER, _("Never (revoke it yourself)")),
]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("What the token is for, e.g. “case system synchronization”."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires"), choices=EXPIRY_CHOICES, coerce=int, initial=90
    )

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name

    def expires_at(self) -> dt.datetime | None:
        days = self.cleaned_data["expires_in_days"]
        return None if days == NEVER else timezone.now() + dt.timedelta(days=days)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required has run
    return request.user


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": api_tokens_visible_to(user),
            "show_owner": user.role == Role.ADMIN,
            "may_create": may_create_tokens(user),
            "now": timezone.now(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may_create_tokens(user):
        return render(
            request,
            "accounts/tokens_new.html",
            {"form": None, "needs_two_factor": True},
            status=403 if request.method == "POST" else 200,
        )
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = api_token_issue(
                actor=user, user=user, name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            # Rendered, not redirected: the raw token must not be kept anywhere (a session
            # would store it in the database) to survive a redirect. never_cache keeps it
            # out of the browser's and proxies' caches.
            return render(request, "accounts/tokens_created.html", {"token": token, "raw": raw})
    return render(request, "accounts/tokens_new.html", {"form": form, "needs_two_factor": False})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    user = _user(request)
    token = access_api_token(user, token_id)
    api_token_revoke(actor=user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("tokens:list")
