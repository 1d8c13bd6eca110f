"""The daily-digest card of the account page (templates/accounts/profile.html), so that
the accounts app need not know about this one."""

from __future__ import annotations

from typing import Any

from django import template

from tawasul.common.access import as_member
from tawasul.portal.forms import DigestPreferenceForm
from tawasul.portal.models import DigestPreference

register = template.Library()


@register.inclusion_tag("portal/_digest_card.html", takes_context=True)
def digest_preference_card(context: template.Context) -> dict[str, Any]:
    user = as_member(context.get("user"))
    wanted = user is not None and DigestPreference.objects.filter(
        user=user, daily_digest=True).exists()
    return {
        "member": user is not None,
        "has_email": bool(user and user.email),
        "form": DigestPreferenceForm(initial={"daily_digest": wanted}),
        "csrf_token": context.get("csrf_token"),
    }
