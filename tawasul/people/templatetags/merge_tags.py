"""`{% person_merge_panel person %}`: on the person page, the administrators' way to
merge a duplicate into this record, or, for a merged record, the record it became. The
person page's view need not know about merging."""

from __future__ import annotations

from typing import Any

from django import template

from tawasul.people.models import Person

register = template.Library()


@register.inclusion_tag("people/merge_panel.html", takes_context=True)
def person_merge_panel(context: template.Context, person: Person) -> dict[str, Any]:
    from tawasul.people.merge_views import person_page_context

    request = context.get("request")
    return {"person": person, **person_page_context(getattr(request, "user", None), person)}
