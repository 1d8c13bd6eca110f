"""What every page of the shell needs: the navigation for the user's role, who is signed
in, how many of their notifications are unread, and whether the demo-mode banner shows.
Computed lazily, so a page or fragment that does not render the shell does not pay for it
(and a page that does pays one COUNT for the notifications)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from tawasul.accounts.roles import Role
from tawasul.audit.selectors import can_review_audit
from tawasul.cases.selectors import center_member, notifications_of
from tawasul.common.access import as_member
from tawasul.coordination.selectors import coordination_nav_label
from tawasul.network.selectors import embassy_member, network_manager
from tawasul.portal.selectors import sees_communities
from tawasul.referrals.selectors import referrals_nav_item
from tawasul.webhooks.selectors import webhook_member

DEMO_BANNER_TEMPLATES = ("accounts/_demo_banner.html", "includes/demo_banner.html")


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool = False
    # A group (a dropdown in the top bar) has children and no URL of its own.
    children: tuple[NavItem, ...] = ()


@dataclass
class Shell:
    is_assigned: bool = False
    nav: list[NavItem] = field(default_factory=list)
    account: list[NavItem] = field(default_factory=list)
    show_demo_banner: bool = False
    demo_banner_template: str = ""
    unread_notifications: int = 0


def _url(*names: str) -> str:
    """The first of the URL names that resolves; '' if none does (page not built yet)."""
    return _resolved(settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), names)


# Every page of the shell asks for the same dozen URLs: each is reversed once per process
# (per URLconf and script prefix, which is all a URL without arguments depends on).
@functools.lru_cache(maxsize=256)
def _resolved(root_urlconf: str, urlconf: str | None, prefix: str,
              names: tuple[str, ...]) -> str:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _mark_active(items: list[NavItem], path: str) -> list[NavItem]:
    """The item whose URL is the longest prefix of the current path is the current page;
    a group is current when one of its children is."""
    best = None
    for item in [leaf for i in items for leaf in (i.children or (i,))]:
        matches = path == item.url if item.url == "/" else path.startswith(item.url)
        if matches and (best is None or len(item.url) > len(best.url)):
            best = item
    marked = []
    for item in items:
        if item.children:
            children = tuple(NavItem(c.label, c.url, active=c is best) for c in item.children)
            marked.append(NavItem(item.label, "", active=any(c.active for c in children),
                                  children=children))
        else:
            marked.append(NavItem(item.label, item.url, active=item is best))
    return marked


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
    if (referrals_nav := referrals_nav_item(user)) is not None:
        candidates.append((referrals_nav[0], _url(referrals_nav[1])))
    if (requests_label := coordination_nav_label(user)) is not None:
        candidates.append((requests_label, _url("coordination:list")))
    if network_manager(user) is not None:
        candidates.append((_("Diplomatic network"), _url("network:missions")))
    elif embassy_member(user) is not None:
        candidates.append((_("Bulletins"), _url("network:bulletins")))
    if sees_communities(user):
        candidates.append((_("Community counts"), _url("portal:community")))
    if can_review_audit(user):
        candidates.append((_("Audit trail"), _url("audit:list")))
    items = [NavItem(label, url) for label, url in candidates if url]
    # The directory pages are one menu, so that the top bar fits one line in both languages.
    directory = [
        (_("Organizations"), _url("organizations:list")),
        (_("Services"), _url("organizations:services")),
        (_("Users") if user.role == Role.ADMIN else _("My colleagues"), _url("accounts:users")),
        (_("Public directory"), _url("public:directory")),
    ]
    children = tuple(NavItem(label, url) for label, url in directory if url)
    if children:
        items.append(NavItem(_("Directory"), "", children=children))
    return items


def _account_menu(user: Any) -> list[NavItem]:
    candidates: list[tuple[str | Promise, str]] = [
        (_("My account"), _url("accounts:profile")),
        (_("API tokens"), _url("tokens:list")),
        (_("API documentation"), _url("api:docs", "api:swagger-ui")),
    ]
    if webhook_member(user) is not None:
        # An organization's endpoints (every organization's, for administrators).
        candidates.append((_("Webhooks"), _url("webhooks:list")))
    if user.role == Role.ADMIN and user.is_staff:
        candidates.append((_("Administration"), _url("admin:index")))
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
        shell.account = _mark_active(_account_menu(user), request.path)
        shell.unread_notifications = notifications_of(user).filter(read_at__isnull=True).count()
    # Only a demo user in demo mode can be exempt: nobody else pays for the authenticator
    # lookup (a query) on every page.
    if (settings.DEMO_MODE and getattr(user, "is_demo", False)
            and two_factor_status(user) == "exempt_demo"):
        shell.show_demo_banner = True
        shell.demo_banner_template = _demo_banner_template()
    return shell


def shell(request: HttpRequest) -> dict[str, Any]:
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "shell": SimpleLazyObject(lambda: build_shell(request)),
    }
