"""`{% case_referrals case %}`: the referrals of a case and the way to refer it, for the
case page, so that the case views need not know about referrals."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tawasul.cases.models import Case

register = template.Library()


@register.inclusion_tag("referrals/_case_referrals.html", takes_context=True)
def case_referrals(context: template.Context, case: Case) -> dict[str, Any]:
    from tawasul.referrals.views import case_referrals_context

    request = context.get("request")
    user = getattr(request, "user", None)
    return case_referrals_context(user, case)


EMBASSY_STATUS_BADGE = {"submitted": "text-bg-primary", "under_review": "text-bg-warning",
                        "accepted": "text-bg-info", "in_progress": "text-bg-info",
                        "closed": "text-bg-success"}


@register.simple_tag
def embassy_status_badge(status: str, label: Any) -> SafeString:
    """A status as the embassy reads it, as a badge."""
    css = EMBASSY_STATUS_BADGE.get(status, "text-bg-secondary")
    return format_html('<span class="badge {} embassy-status" data-status="{}">{}</span>',
                       css, status, label)


REFERRAL_STATUS_BADGE = {"submitted": "text-bg-primary", "accepted": "text-bg-info",
                         "in_progress": "text-bg-info", "completed": "text-bg-success"}


@register.simple_tag(takes_context=True)
def referral_status_badge(context: template.Context, referral: Any,
                          with_overdue: bool = True) -> SafeString:
    """A referral's status as a badge, and "overdue" beside a submitted referral past its
    due date (`now` from the page's context; a list writes one per row: no include)."""
    css = REFERRAL_STATUS_BADGE.get(referral.status, "text-bg-secondary")
    badge = format_html('<span class="badge {} referral-status">{}</span>', css,
                        referral.get_status_display())
    now = context.get("now")
    if with_overdue and now and referral.status == "submitted" and referral.due_at < now:
        badge += format_html(' <span class="badge text-bg-danger referral-overdue">{}</span>',
                             _("overdue"))
    return badge
