"""Pages of the person registry: intake with live duplicate suggestions, and the person
page. Reads go through the registry's selectors and access functions (404 outside scope);
the registration goes through tawasul.people.services.person_register."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tawasul.accounts.models import User
from tawasul.cases.selectors import cases_visible_to, center_member
from tawasul.common import errors
from tawasul.common.templatetags.tawasul_ui import row_url
from tawasul.home.decorators import member_required
from tawasul.people import access, selectors, services
from tawasul.people.duplicates import Suggestion, suggest_duplicates
from tawasul.people.forms import PersonRegisterForm, draft_from

# Shown on the person page beyond identity, when the viewer may see them.
PERSON_PAGE_EXTRA_FIELDS = ("safety_flags", "cases", "consents")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_registrar(user: User) -> None:
    if not access.can_register_persons(user):
        raise errors.OutOfScope()


@member_required
def person_register(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_registrar(user)
    form = PersonRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert user.organization is not None
        try:
            person = services.person_register(
                actor=user, organization=user.organization,
                identifiers=form.identifiers(), **form.person_fields(),
            )
        except errors.PermissionDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except errors.DomainError as exc:
            field = exc.field if exc.field in form.fields else None
            if exc.field in ("value", "type", "issuing_country"):
                identifiers = form.identifiers()
                if len(identifiers) == 1:
                    is_qid = identifiers[0]["type"] == "qid"
                    field = ("qid" if is_qid else
                             "passport_country" if exc.field == "issuing_country"
                             else "passport_number")
            form.add_error(field, str(exc.message))
        else:
            messages.success(request, _("The person was registered as %(reference)s.")
                             % {"reference": person.reference})
            return redirect("people:detail", person.pk)
    return render(request, "people/register.html", {
        "form": form,
        "suggestions": _suggestions(user, request.POST) if request.method == "POST" else [],
        "can_open_cases": center_member(user) is not None,
    })


# What a suggestion shows of a person: identity only (DESIGN rule 2).
SUGGESTION_FIELDS = (
    "reference", "given_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar",
    "full_name_ar", "given_name_latin", "father_name_latin", "grandfather_name_latin",
    "family_name_latin", "full_name_latin", "date_of_birth", "dob_is_estimated", "sex",
    "nationality",
)


def _suggestions(user: User, data: Any) -> list[dict[str, Any]]:
    suggestions = suggest_duplicates(user=user, draft=draft_from(data))
    # Each person shown is a read of personal data, audited like any other.
    access.persons_read_audited(user, [s.person for s in suggestions], SUGGESTION_FIELDS)
    return _suggestion_rows(suggestions)


def _suggestion_rows(suggestions: list[Suggestion]) -> list[dict[str, Any]]:
    """What each suggestion shows, worked out once per panel (the names in both scripts
    and in the page's language, the labels, the links): the template only prints them,
    from plain dicts, as the case list does. The panel is asked for again while the
    worker types."""
    rows = []
    for suggestion in suggestions:
        person = suggestion.person
        rows.append({
            "name_ar": person.name_ar,
            "name_latin": person.name_latin,
            "display_name": person.display_name,
            "reference": person.reference,
            "date_of_birth": person.date_of_birth,
            "dob_is_estimated": person.dob_is_estimated,
            "sex_label": person.get_sex_display() if person.sex else "",
            "nationality_name": person.nationality.name if person.nationality else "",
            "reasons": [reason.message for reason in suggestion.reasons],
            "detail_url": row_url("people:detail", person.pk),
            "open_case_url": row_url("cases:open", person.pk),
        })
    return rows


@member_required
@require_POST
def person_suggestions(request: HttpRequest) -> HttpResponse:
    """The fragment the intake form asks for (htmx) while the worker types."""
    user = _user(request)
    _require_registrar(user)
    return render(request, "people/_suggestions.html", {
        "suggestions": _suggestions(user, request.POST),
        "can_open_cases": center_member(user) is not None,
    })


@member_required
def person_detail(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    person = access.access_person(user, person_id)
    identifiers = list(person.identifiers.all())
    flags = list(
        selectors.safety_flags_visible_to(user).filter(person=person, cleared_at__isnull=True)
    )
    cases = list(
        cases_visible_to(user).filter(person=person).order_by("-opened_at")
    )
    consents = list(selectors.consents_visible_to(user).filter(person=person))
    shown = list(access.IDENTITY_FIELDS)
    if flags:
        shown.append("safety_flags")
    if cases:
        shown.append("cases")
    if consents:
        shown.append("consents")
    if access.is_registering_center_or_foundation(user, person):
        shown += ["phone", "languages", "area"]
    access.person_read_audited(user, person, shown)
    context: dict[str, Any] = {
        "person": person,
        "identifiers": identifiers,
        "flags": flags,
        "cases": cases,
        "consents": consents,
        "shows_contact": "phone" in shown,
        "can_open_cases": center_member(user) is not None and person.merged_into_id is None,
    }
    return render(request, "people/person_detail.html", context)
