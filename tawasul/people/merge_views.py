"""Pages for merging duplicate persons, for the foundation's administrators only: from a
person's page to the merge page (pick the duplicate by reference or among the engine's
suggestions, compare the two records side by side, state a reason, confirm), and the
history of merges with their undoing.

Anyone else gets the 404 of a page that is not there for them, recorded as a denial.
Persons are fetched through the registry's access functions and every record shown is an
audited read; merging and undoing go through tawasul.people.merge, by POST only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.common import errors
from tawasul.home.decorators import member_required
from tawasul.organizations.forms import MultiLineTextField, SingleLineTextField
from tawasul.people import access, merge, selectors
from tawasul.people.models import Person, PersonMerge

PAGE_SIZE = 25
PERSON_TYPE = Person._meta.label_lower
# What the comparison shows of each record: identity and the contact fields, which the
# foundation's administrators may read.
COMPARED_FIELDS = (*access.IDENTITY_FIELDS, "phone", "area", "registered_by_organization")
# What a suggestion, the history and the link to a survivor show of a person.
LISTED_FIELDS = ("reference", "given_name_ar", "father_name_ar", "grandfather_name_ar",
                 "family_name_ar", "full_name_ar", "given_name_latin", "father_name_latin",
                 "grandfather_name_latin", "family_name_latin", "full_name_latin",
                 "date_of_birth", "dob_is_estimated", "sex", "nationality")
NAME_FIELDS = ("reference", "given_name_ar", "father_name_ar", "grandfather_name_ar",
               "family_name_ar", "full_name_ar", "given_name_latin", "father_name_latin",
               "grandfather_name_latin", "family_name_latin", "full_name_latin")


def _admin(request: HttpRequest) -> User:
    user = request.user
    if not merge.can_merge_persons(user):
        audit_record(action=AuditAction.ACCESS_DENIED, actor=user,
                     object_type=PersonMerge._meta.label_lower, reason=request.path[:200])
        raise errors.OutOfScope()
    return user  # type: ignore[return-value]


def _audit_list(user: User, persons: Iterable[Person], fields: Iterable[str]) -> None:
    """One READ entry naming every person a page shows, whatever their number."""
    ids = list(dict.fromkeys(str(p.pk) for p in persons))
    if ids:
        audit_record(action=AuditAction.READ, actor=user, object_type=PERSON_TYPE,
                     fields=fields, reason="list: " + " ".join(ids))


# --- On the person page -------------------------------------------------------------------


def person_page_context(user: object, person: Person) -> dict[str, Any]:
    """What the person page needs about merging: whether the viewer may merge a duplicate
    into this record, and for a merged record the record it became, if the viewer may see
    it (its reference and name shown are an audited read)."""
    survivor = None
    if person.merged_into_id is not None:
        survivor = selectors.persons_visible_to(user).filter(pk=person.merged_into_id).first()
        if survivor is not None:
            access.person_read_audited(user, survivor, NAME_FIELDS)  # type: ignore[arg-type]
    return {
        "can_merge": merge.can_merge_persons(user) and person.merged_into_id is None,
        "merged_into_shown": survivor,
    }


# --- Merging ------------------------------------------------------------------------------


class FindByReferenceForm(forms.Form):
    reference = SingleLineTextField(label=gettext_lazy("Reference of the duplicate record"),
                                    max_length=20,
                                    help_text=gettext_lazy("For example P-2026-000123."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs.update(dir="ltr", autocomplete="off")


class MergeForm(forms.Form):
    duplicate = forms.UUIDField(widget=forms.HiddenInput)
    reason = MultiLineTextField(
        label=gettext_lazy("Reason for the merge"), max_length=merge.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What shows that the two records are the same person. "
                               "Recorded with the merge and in the audit trail."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I have compared both records: they are the same person."),
    )


def _duplicate_chosen(request: HttpRequest, user: User, survivor: Person,
                      find_form: FindByReferenceForm) -> Person | None:
    """The record picked on the page: from a suggestion (its id), or by reference."""
    if request.method == "POST":
        chosen: Any = request.POST.get("duplicate")
    else:
        chosen = request.GET.get("duplicate")
    if chosen:
        picked = access.access_person(user, chosen)
        # A POST of the record itself goes on to the service, which says why it is refused.
        return picked if request.method == "POST" or picked.pk != survivor.pk else None
    if find_form.is_bound and find_form.is_valid():
        reference = find_form.cleaned_data["reference"].upper()
        found = selectors.persons_visible_to(user).filter(reference=reference).first()
        if found is None:
            find_form.add_error("reference", _("No record has this reference."))
        elif found.pk == survivor.pk:
            find_form.add_error("reference", _("This is the record you are merging into."))
        return found if found is not None and found.pk != survivor.pk else None
    return None


@member_required
@require_http_methods(["GET", "POST"])
def person_merge(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    user = _admin(request)
    survivor = access.access_person(user, person_id)
    find_form = FindByReferenceForm(request.GET if "reference" in request.GET else None)
    duplicate = _duplicate_chosen(request, user, survivor, find_form)
    status = 200
    form = MergeForm(request.POST or None,
                     initial={"duplicate": duplicate.pk if duplicate else None})
    if request.method == "POST":
        status = 400
        if form.is_valid() and duplicate is not None:
            try:
                merge.person_merge(actor=user, survivor=survivor, duplicate=duplicate,
                                   reason=form.cleaned_data["reason"])
            except errors.DomainError as exc:
                form.add_error(exc.field if exc.field in ("reason",) else None,
                               str(exc.message))
            else:
                messages.success(request, _("%(duplicate)s was merged into %(survivor)s.")
                                 % {"duplicate": duplicate.reference,
                                    "survivor": survivor.reference})
                return redirect("people:detail", survivor.pk)
    context: dict[str, Any] = {
        "survivor": survivor, "duplicate": duplicate, "find_form": find_form, "form": form,
        "survivor_identifiers": list(survivor.identifiers.all()),
    }
    if survivor.merged_into_id is not None:
        access.person_read_audited(user, survivor, LISTED_FIELDS)
        return render(request, "people/merge_choose.html", context, status=status)
    if duplicate is None:
        suggestions = merge.merge_candidates(user=user, person=survivor)
        access.person_read_audited(user, survivor, LISTED_FIELDS)
        _audit_list(user, (s.person for s in suggestions), LISTED_FIELDS)
        context["suggestions"] = suggestions
        return render(request, "people/merge_choose.html", context,
                      status=400 if find_form.errors else status)
    access.person_read_audited(user, survivor, COMPARED_FIELDS)
    access.person_read_audited(user, duplicate, COMPARED_FIELDS)
    context.update(
        comparison=merge.compare_persons(survivor, duplicate),
        duplicate_identifiers=list(duplicate.identifiers.all()),
        pending=merge.pending_counts(duplicate),
    )
    return render(request, "people/merge_confirm.html", context, status=status)


# --- History and undoing --------------------------------------------------------------------


class UnmergeForm(forms.Form):
    reason = MultiLineTextField(
        label=gettext_lazy("Reason for undoing (optional)"), required=False,
        max_length=merge.REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Undo this merge: give the duplicate record back what was moved."),
    )


@member_required
@require_http_methods(["GET"])
def merge_history(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    page = Paginator(merge.merges_visible_to(user).order_by("-merged_at", "-created_at"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(m, merge.moved_counts(m)) for m in page]
    _audit_list(user, (p for m in page for p in (m.survivor, m.duplicate)), NAME_FIELDS)
    return render(request, "people/merge_history.html", {"page_obj": page, "rows": rows})


@member_required
@require_http_methods(["GET", "POST"])
def merge_undo(request: HttpRequest, merge_id: uuid.UUID) -> HttpResponse:
    user = _admin(request)
    record = merge.access_merge(user, merge_id)
    form = UnmergeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                merge.person_unmerge(actor=user, merge=record,
                                     reason=form.cleaned_data["reason"])
            except errors.DomainError as exc:
                form.add_error(exc.field if exc.field == "reason" else None, str(exc.message))
            else:
                messages.success(request, _("The merge of %(duplicate)s into %(survivor)s was "
                                            "undone.")
                                 % {"duplicate": record.duplicate.reference,
                                    "survivor": record.survivor.reference})
                return redirect("people:merge_history")
    _audit_list(user, (record.survivor, record.duplicate), NAME_FIELDS)
    return render(request, "people/merge_undo.html", {
        "merge": record, "form": form, "moved": merge.moved_counts(record),
    }, status=status)
