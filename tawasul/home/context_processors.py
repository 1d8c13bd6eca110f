"""What every page of the shell needs: the navigation for the user's role, who is signed
in, and whether the demo-mode banner shows. Computed lazily, so a page or fragment that
does not render the shell does not pay for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.roles import Role
from tawasul.audit.selectors import can_review_audit
from tawasul.cases.selectors import center_member
from tawasul.common.access import as_member

DEMO_BANNER_TEMPLATES = ("accounts/_demo_banner.html", "includes/demo_banner.html")


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool = False


@dataclass
class Shell:
    is_assigned: bool = False
    nav: list[NavItem] = field(default_factory=list)
    account: list[NavItem] = field(default_factory=list)
    show_demo_banner: bool = False
    demo_banner_template: str = ""


def _url(*names: str) -> str:
    """The first of the URL names that resolves; '' if none does (page not built yet)."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _mark_active(items: list[NavItem], path: str) -> list[NavItem]:
    """The item whose URL is the longest prefix of the current path is the current page."""
    best = None
    for item in items:
        matches = path == item.url if item.url == "/" else path.startswith(item.url)
        if matches and (best is None or len(item.url) > len(best.url)):
            best = item
    return [NavItem(i.label, i.url, active=i is best) for i in items]


def _navigation(user: Any) -> list[NavItem]:
    candidates: list[tuple[str | Promise, str]] = [
        (_("Home"), _url("home")),
    ]
    if center_member(user) is not None:
        candidates += [
            (_("Cases"), _url("cases:list")),
            (_("Register a person"), _url("people:register")),
            (_("My tasks"), _url("cases:my_tasks")),
            (_("Referrals"), _url("referrals:inbox")),
        ]
    candidates += [
        (_("Organizations"), _url("organizations:list")),
        (_("Services"), _url("organizations:services")),
        (_("Users") if user.role == Role.ADMIN else _("My colleagues"), _url("accounts:users")),
    ]
    if can_review_audit(user):
        candidates.append((_("Audit trail"), _url("audit:list")))
    if user.role == Role.ADMIN and user.is_staff:
        candidates.append((_("Administration"), _url("admin:index")))
    return [NavItem(label, url) for label, url in candidates if url]


def _account_menu() -> list[NavItem]:
    candidates: list[tuple[str | Promise, str]] = [
        (_("My account"), _url("accounts:profile")),
        (_("API tokens"), _url("tokens:list")),
        (_("API documentation"), _url("api:docs", "api:swagger-ui")),
    ]
    return [NavItem(label, url) for label, url in candidates if url]


def two_factor_status(user: Any) -> str:
    try:
        from tawasul.accounts.mfa import two_factor_status as status
    except ImportError:
        # Until the accounts app provides it: demo users in demo mode are the exempt ones.
        return "exempt_demo" if settings.DEMO_MODE and getattr(user, "is_demo", False) else ""
    return str(status(user))


def _demo_banner_template() -> str:
    for name in DEMO_BANNER_TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        return name
    return ""


def build_shell(request: HttpRequest) -> Shell:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Shell()
    shell = Shell(is_assigned=as_member(user) is not None)
    if shell.is_assigned:
        shell.nav = _mark_active(_navigation(user), request.path)
        shell.account = _mark_active(_account_menu(), request.path)
    if two_factor_status(user) == "exempt_demo":
        shell.show_demo_banner = True
        shell.demo_banner_template = _demo_banner_template()
    return shell


def shell(request: HttpRequest) -> dict[str, Any]:
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "shell": SimpleLazyObject(lambda: build_shell(request)),
    }
