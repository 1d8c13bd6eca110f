"""`{% case_referrals case %}`: the referrals of a case and the way to refer it, for the
case page, so that the case views need not know about referrals."""

from __future__ import annotations

from typing import Any

from django import template

from tawasul.cases.models import Case

register = template.Library()


@register.inclusion_tag("referrals/_case_referrals.html", takes_context=True)
def case_referrals(context: template.Context, case: Case) -> dict[str, Any]:
    from tawasul.referrals.views import case_referrals_context

    request = context.get("request")
    user = getattr(request, "user", None)
    return case_referrals_context(user, case)
