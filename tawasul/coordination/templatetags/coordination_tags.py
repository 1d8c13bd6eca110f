"""`{% case_requests case %}`: the case's requests to embassies and the way to make one,
for the case page; `{% person_disclosures_link person %}`: the link to the person's
disclosure log, for the person page, shown only to those who may read it. The case and
person views need not know about coordination."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_countries.fields import Country

from tawasul.cases.models import Case
from tawasul.common.templatetags.tawasul_dates import with_hijri
from tawasul.common.templatetags.tawasul_ui import language_names
from tawasul.people.models import Person, Sex

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("coordination/_case_requests.html", takes_context=True)
def case_requests(context: template.Context, case: Case) -> dict[str, Any]:
    from tawasul.coordination.views import case_requests_context

    return case_requests_context(_user(context), case)


@register.inclusion_tag("coordination/_person_disclosures_link.html", takes_context=True)
def person_disclosures_link(context: template.Context, person: Person) -> dict[str, Any]:
    from tawasul.coordination.selectors import may_see_disclosures_of

    return {"person": person, "show": may_see_disclosures_of(_user(context), person)}


@register.simple_tag
def disclosed_value(item: dict[str, Any]) -> SafeString | str:
    """One disclosed value as the embassy was sent it, shown in the reader's language."""
    name, value = item["name"], item["value"]
    if value in ("", None, []):
        return format_html('<span class="text-body-secondary">{}</span>', _("not recorded"))
    if name == "date_of_birth":
        try:
            return with_hijri(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if name == "nationality":
        return str(Country(code=str(value)).name or value)
    if name == "sex":
        return str(Sex(value).label) if value in Sex.values else str(value)
    if name == "languages":
        return language_names(list(value))
    if name == "name_ar":
        return format_html('<span lang="ar" dir="rtl">{}</span>', value)
    if name == "passport_number":
        return format_html('<span class="ltr-value">{}</span>', value)
    return format_html("<bdi>{}</bdi>", value)


REQUEST_STATUS_BADGE = {"sent": "text-bg-primary", "awaiting_approval": "text-bg-primary",
                        "acknowledged": "text-bg-info", "in_progress": "text-bg-info",
                        "fulfilled": "text-bg-success", "declined": "text-bg-warning",
                        "not_approved": "text-bg-warning"}


@register.simple_tag(takes_context=True)
def request_status_badge(context: template.Context, req: Any) -> SafeString:
    """A request's status as a badge, and "overdue" beside one that waits on the embassy
    past its due date (`now` from the page's context; a list writes one per row)."""
    css = REQUEST_STATUS_BADGE.get(req.status, "text-bg-secondary")
    badge = format_html('<span class="badge {} request-status">{}</span>', css,
                        req.get_status_display())
    now = context.get("now")
    if now and req.is_overdue_at(now):
        badge += format_html(' <span class="badge text-bg-danger request-overdue">{}</span>',
                             pgettext("coordination request status", "overdue"))
    return badge
