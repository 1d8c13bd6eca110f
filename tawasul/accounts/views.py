"""Pages about people: the organization's users, one user, and the user's own account."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tawasul.accounts import mfa, services
from tawasul.accounts.access import access_user, can_manage_user
from tawasul.accounts.forms import OptionalReasonForm, ProfileForm, ReasonForm, UserFilterForm
from tawasul.accounts.models import User
from tawasul.accounts.profile import user_update_profile
from tawasul.accounts.roles import Role
from tawasul.accounts.selectors import users_visible_to
from tawasul.common.access import require
from tawasul.common.errors import DomainError, PermissionDenied

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _with_totp(qs: QuerySet[User]) -> QuerySet[User]:
    return qs.annotate(
        has_totp=Exists(
            Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
        )
    )


def _require_manage(actor: User, target: User, action: str) -> None:
    """Refuse (403, audited) someone who may see this user but not change them."""
    try:
        require(can_manage_user(actor, target), actor, target, action)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(str(error.message)) from None


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = UserFilterForm(request.GET or None)
    qs = _with_totp(users_visible_to(actor)).order_by("organization__name_en", "username")
    if form.is_valid():
        q = form.cleaned_data["q"]
        if q:
            qs = qs.filter(
                Q(username__icontains=q)
                | Q(full_name_ar__icontains=q)
                | Q(full_name_en__icontains=q)
            )
        if form.cleaned_data["role"]:
            qs = qs.filter(role=form.cleaned_data["role"])
        if form.cleaned_data["status"] == "active":
            qs = qs.filter(is_active=True)
        elif form.cleaned_data["status"] == "disabled":
            qs = qs.filter(is_active=False)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "page_obj": page,
            "query_string": query.urlencode(),
            "show_organization": actor.role == Role.ADMIN,
        },
    )


@login_required
def user_detail(request: HttpRequest, user_id: str) -> HttpResponse:
    actor = _actor(request)
    person = access_user(actor, user_id)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "person_two_factor": mfa.two_factor_status(person),
            "can_manage": can_manage_user(actor, person),
            "disable_form": ReasonForm(),
            "enable_form": OptionalReasonForm(),
            "is_admin": actor.role == Role.ADMIN,
        },
    )


@login_required
@require_POST
def user_disable(request: HttpRequest, user_id: str) -> HttpResponse:
    actor = _actor(request)
    person = access_user(actor, user_id)
    _require_manage(actor, person, "disable user")
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.user_disable(actor=actor, user=person, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("%(name)s is disabled: their sessions and API tokens have ended.")
                % {"name": person.display_name},
            )
            return redirect("accounts:user_detail", user_id=person.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "person_two_factor": mfa.two_factor_status(person),
            "can_manage": True,
            "disable_form": form,
            "enable_form": OptionalReasonForm(),
            "is_admin": actor.role == Role.ADMIN,
        },
        status=400,
    )


@login_required
@require_POST
def user_enable(request: HttpRequest, user_id: str) -> HttpResponse:
    actor = _actor(request)
    person = access_user(actor, user_id)
    _require_manage(actor, person, "enable user")
    form = OptionalReasonForm(request.POST)
    if form.is_valid():
        services.user_enable(actor=actor, user=person, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("%(name)s can sign in again.") % {"name": person.display_name}
        )
        return redirect("accounts:user_detail", user_id=person.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "person_two_factor": mfa.two_factor_status(person),
            "can_manage": True,
            "disable_form": ReasonForm(),
            "enable_form": form,
            "is_admin": actor.role == Role.ADMIN,
        },
        status=400,
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    initial = {
        "full_name_ar": actor.full_name_ar,
        "full_name_en": actor.full_name_en,
        "preferred_language": actor.preferred_language,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_update_profile(actor=actor, user=actor, **form.cleaned_data)
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.message))
        else:
            messages.success(request, _("Your profile is saved."))
            response = redirect("accounts:profile")
            # The preferred language takes effect now, as it will at each sign-in.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                actor.preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
            return response
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "two_factor_status": mfa.two_factor_status(actor),
            "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
            "session_absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def email_managed_by_admin(request: HttpRequest) -> HttpResponse:
    """allauth's e-mail management page, replaced: an account's address is used for
    password resets and is kept by administrators, with the rest of the account."""
    messages.info(request, _("Your e-mail address is kept by the foundation's administrators."))
    return redirect("accounts:profile")
