"""`{% person_consents person consents %}`: the consents section of the person page, so
that the person page's view need not know about recording, withdrawing or evidence."""

from __future__ import annotations

from typing import Any

from django import template

from tawasul.people.models import Consent, Person

register = template.Library()


@register.inclusion_tag("people/consent_section.html", takes_context=True)
def person_consents(context: template.Context, person: Person, consents: list[Consent]
                    ) -> dict[str, Any]:
    from tawasul.people.consent_views import person_consents_context

    request = context.get("request")
    return person_consents_context(getattr(request, "user", None), person, consents)
