"""Pages of a center's case work: the case list, opening a case for a registered person,
the case page with its timeline and actions, breaking the glass on a restricted case, and
"my tasks".

Lists start from the scoped selectors; a case is opened only through access_case (404
outside scope, the read audited). Every write goes through tawasul.cases.services or
tawasul.cases.workflow; a refused action shows its message on the case page, with what
the user typed kept.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tawasul.accounts.models import User
from tawasul.accounts.selectors import users_visible_to
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases import access, documents, selectors, services, workflow
from tawasul.cases.document_forms import DocumentUploadForm
from tawasul.cases.forms import (
    BreakGlassForm,
    CaseFilterForm,
    CaseOpenForm,
    NoteForm,
    ServiceRecordForm,
    StatusForm,
    TaskForm,
)
from tawasul.cases.models import Case, CaseStatus, CaseType, RiskLevel, Task
from tawasul.cases.pagination import CappedPaginator, MatchesPaginator
from tawasul.common import errors
from tawasul.common.form_rendering import PLAIN_WIDGETS
from tawasul.common.uploads import accepts_upload
from tawasul.home.decorators import member_required
from tawasul.organizations.models import Organization
from tawasul.organizations.selectors import services_visible_to
from tawasul.people.access import access_person
from tawasul.people.models import name_in_script

PAGE_SIZE = 25


def _member(request: HttpRequest) -> User:
    """Case pages exist for center staff only; anyone else gets the 404 of a page that
    is not there for them."""
    user = selectors.center_member(request.user)
    if user is None:
        raise errors.OutOfScope()
    return user


def _center(user: User) -> Organization:
    assert user.organization is not None
    return user.organization


def _forbidden(exc: errors.PermissionDenied) -> PermissionDenied:
    return PermissionDenied(str(exc.message))


def _add_error(form: BaseForm, exc: errors.DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _case_types(center: Organization) -> QuerySet[CaseType]:
    # The catalog is configuration, not personal data: every center reads its domain's.
    return CaseType.objects.filter(domain=center.domain, is_active=True).order_by(
        "name_ar" if _is_arabic() else "name_en"
    )


def _is_arabic() -> bool:
    return (get_language() or "ar").startswith("ar")


def _staff(user: User, center_id: Any, roles: frozenset[str]) -> QuerySet[User]:
    return users_visible_to(user).filter(
        organization_id=center_id, is_active=True, role__in=roles
    ).order_by("username")


def _overdue_tasks() -> Exists:
    return Exists(Task.objects.filter(case=OuterRef("pk"), done_at__isnull=True,
                                      due_at__lt=timezone.now()))


def _search(request: HttpRequest, user: User, qs: QuerySet[Case], text: str
            ) -> selectors.CaseSearch:
    search = selectors.search_cases(qs, text, center_id=user.organization_id)
    if search.unsearchable == "common_name":
        messages.info(request, _("This name is too common to search by alone: add the "
                                 "father's name, or search by reference or identifier."))
    return search


# --- Case list -----------------------------------------------------------------------

# The columns of the case list: the names recorded with the audited read of each page.
CASE_LIST_FIELDS: tuple[str, ...] = (
    "reference", "is_restricted", "person", "case_type", "status", "risk_level",
    "assigned_manager", "opened_at",
)


def _audit_list_page(user: User, form: CaseFilterForm, page: Any) -> None:
    """One READ entry per page shown: the names of the filters used (never what was typed:
    a search is often a name), how many cases matched, and which ones were shown."""
    if not form.is_bound:
        filters = "none"
    elif form.is_valid():
        filters = ", ".join(name for name, value in form.cleaned_data.items() if value) or "none"
    else:
        filters = "invalid"
    rows = str(page.paginator.count)
    if getattr(page.paginator, "is_capped", False):
        rows = f"more than {rows}"
    audit_record(
        action=AuditAction.READ, actor=user, object_type=Case._meta.label_lower,
        fields=CASE_LIST_FIELDS,
        reason=f"case list page {page.number}; filters: {filters}; rows: {rows}; "
        f"shown: {' '.join(str(case.pk) for case in page)}",
    )


# What the list shows of a case: these columns of the case, and the names of its person,
# type and manager read as columns of the same row (joined, but not loaded as three more
# model instances per row; a person's record has many more columns). The center, which the
# list does not show, is not joined.
CASE_LIST_COLUMNS: tuple[str, ...] = (
    "reference", "is_restricted", "status", "risk_level", "opened_at",
)
_NAME_PARTS = ("full_name", "given_name", "father_name", "grandfather_name", "family_name")
CASE_LIST_NAMES: dict[str, F] = {
    **{f"person_{part}_{script}": F(f"person__{part}_{script}")
       for script in ("ar", "latin") for part in _NAME_PARTS},
    "case_type_name_ar": F("case_type__name_ar"),
    "case_type_name_en": F("case_type__name_en"),
    "manager_username": F("assigned_manager__username"),
    "manager_full_name_ar": F("assigned_manager__full_name_ar"),
    "manager_full_name_en": F("assigned_manager__full_name_en"),
}
# Any valid id: the detail URL is built once per page and each row's id put in its place.
_ANY_CASE_ID = uuid.UUID(int=0)


def _list_columns(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related(None).only(*CASE_LIST_COLUMNS).annotate(**CASE_LIST_NAMES)


# The badge of each risk level, as on the case page (cases/_risk_badge.html).
RISK_BADGES: dict[str, str] = {
    RiskLevel.CRITICAL: "text-bg-danger", RiskLevel.HIGH: "text-bg-warning",
    RiskLevel.MEDIUM: "text-bg-info",
}
OTHER_RISK_BADGE = "text-bg-light border"


def _list_rows(cases: list[Case]) -> list[dict[str, Any]]:
    """What each row of one list page shows, worked out once per page (the labels of the
    choices, the names in the page's language as Person.display_name, CaseType.name and
    User.display_name give them, the person's name in the other script, the link, the
    badges): the template only prints them, from plain dicts (which it reads faster than
    attributes of a model instance)."""
    statuses = {value: str(label) for value, label in CaseStatus.choices}
    risks = {value: str(label) for value, label in RiskLevel.choices}
    detail_url = reverse("cases:detail", args=[_ANY_CASE_ID])
    arabic = _is_arabic()
    other_lang = "en" if arabic else "ar"
    rows = []
    for case in cases:
        c: Any = case
        name_ar = name_in_script(
            c.person_full_name_ar, c.person_given_name_ar, c.person_father_name_ar,
            c.person_grandfather_name_ar, c.person_family_name_ar)
        name_latin = name_in_script(
            c.person_full_name_latin, c.person_given_name_latin, c.person_father_name_latin,
            c.person_grandfather_name_latin, c.person_family_name_latin)
        if arabic:
            person_name, other_name = name_ar or name_latin, name_latin if name_ar else ""
            case_type_name = c.case_type_name_ar or c.case_type_name_en
            manager_name = c.manager_full_name_ar or c.manager_full_name_en or c.manager_username
        else:
            person_name, other_name = name_latin or name_ar, name_ar if name_latin else ""
            case_type_name = c.case_type_name_en or c.case_type_name_ar
            manager_name = c.manager_full_name_en or c.manager_full_name_ar or c.manager_username
        rows.append({
            "detail_url": detail_url.replace(str(_ANY_CASE_ID), str(case.pk)),
            "reference": case.reference,
            "is_restricted": case.is_restricted,
            "has_overdue_task": c.has_overdue_task,
            "person_name": person_name,
            "person_other_name": other_name,
            "other_lang": other_lang,
            "case_type_name": case_type_name,
            "status_label": statuses.get(case.status, case.status),
            "risk_badge": RISK_BADGES.get(case.risk_level, OTHER_RISK_BADGE),
            "risk_label": risks.get(case.risk_level, case.risk_level),
            "manager_name": manager_name or "",
            "opened_at": case.opened_at,
        })
    return rows


@member_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    form = CaseFilterForm(request.GET or None, case_types=_case_types(_center(user)),
                          renderer=PLAIN_WIDGETS)
    qs: QuerySet[Case] = selectors.cases_visible_to(user)
    by_index = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            search = _search(request, user, qs, data["q"])
            qs = search.cases
            by_index = not search.unsearchable
        if data["status"] == "open":
            qs = qs.exclude(status=CaseStatus.CLOSED)
        elif data["status"]:
            qs = qs.filter(status=data["status"])
        if data["case_type"]:
            qs = qs.filter(case_type=data["case_type"])
        if data["risk_level"]:
            qs = qs.filter(risk_level=data["risk_level"])
        if data["mine"]:
            qs = qs.filter(assigned_manager=user)
        if data["overdue"]:
            qs = qs.filter(_overdue_tasks())
    elif form.is_bound:
        qs = qs.none()
    # The count stops at a cap: at national scale a full count costs more than the page.
    paginator: CappedPaginator
    if by_index:
        # Found through an index: few matches, read once to count and to page, then the
        # page's rows by id.
        paginator = MatchesPaginator(qs, _list_columns(Case.objects.all()), PAGE_SIZE,
                                     ordering=("-opened_at",))
    else:
        paginator = CappedPaginator(_list_columns(qs).order_by("-opened_at"), PAGE_SIZE,
                                    counted=qs)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.with_overdue_flags(page.object_list)
    _audit_list_page(user, form, page)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "cases/case_list.html", {
        "form": form, "page_obj": page, "rows": _list_rows(page.object_list),
        "query_string": params.urlencode(),
    })


# --- Opening a case ------------------------------------------------------------------


@member_required
def case_open(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    user = _member(request)
    person = access_person(user, person_id)
    center = _center(user)
    form = CaseOpenForm(
        request.POST or None, case_types=_case_types(center),
        managers=_staff(user, center.pk, services.MANAGER_ROLES),
        initial={"assigned_manager": user.pk} if user.role in services.MANAGER_ROLES else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                actor=user, center=center, person=person, case_type=data["case_type"],
                risk_level=data["risk_level"], summary=data["summary"],
                assigned_manager=data["assigned_manager"],
                is_restricted=True if data["is_restricted"] else None,
            )
        except errors.PermissionDenied as exc:
            raise _forbidden(exc) from exc
        except errors.DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The case %(reference)s was opened.")
                             % {"reference": case.reference})
            return redirect("cases:detail", case.pk)
    return render(request, "cases/case_open.html", {"form": form, "person": person})


# --- The case page -------------------------------------------------------------------


def _case_page(request: HttpRequest, user: User, case: Case, *, status: int = 200,
               **forms: BaseForm) -> HttpResponse:
    can_contribute = access.can_contribute(user, case)
    can_manage = access.can_manage_case(user, case)
    allowed = workflow.allowed_transitions(case.status)
    context: dict[str, Any] = {
        "case": case,
        "person": case.person,
        "events": selectors.case_events_visible_to(user, case).order_by(
            "-occurred_at", "-created_at"),
        # The case was fetched and checked by access_case: its tasks are part of it.
        "tasks": list(case.tasks.select_related("assigned_to", "done_by")
                      .order_by("done_at", "due_at")),
        "documents": list(case.documents.select_related("uploaded_by")
                          .order_by("-created_at")),
        "team": list(selectors.case_team_of(case)),
        "now": timezone.now(),
        "can_contribute": can_contribute,
        "can_manage": can_manage,
        "by_break_glass": not selectors.sees_case_without_break_glass(user, case),
        "break_glass_min_length": access.BREAK_GLASS_REASON_MIN_LENGTH,
        "break_glass_max_length": access.BREAK_GLASS_REASON_MAX_LENGTH,
        "allowed_transitions": allowed,
    }
    if can_contribute:
        context["note_form"] = forms.get("note_form") or NoteForm()
        context["service_form"] = forms.get("service_form") or ServiceRecordForm(
            services=_catalog(user, case))
        context["task_form"] = forms.get("task_form") or TaskForm(
            assignees=_staff(user, case.center_id, selectors.CENTER_ROLES))
        context["document_form"] = forms.get("document_form") or DocumentUploadForm()
    if can_manage:
        context["status_form"] = forms.get("status_form") or StatusForm(allowed=allowed)
    return render(request, "cases/case_detail.html", context, status=status)


def _catalog(user: User, case: Case) -> Any:
    return services_visible_to(user).filter(center_id=case.center_id, is_active=True).order_by(
        "name_ar" if _is_arabic() else "name_en")


def _break_glass_page(request: HttpRequest, case_id: uuid.UUID,
                      form: BreakGlassForm | None = None) -> HttpResponse:
    return render(request, "cases/break_glass.html", {
        "form": form or BreakGlassForm(), "case_id": case_id,
        "min_length": access.BREAK_GLASS_REASON_MIN_LENGTH,
    }, status=403)


@member_required
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = _member(request)
    try:
        case = access.access_case(user, case_id)
    except access.BreakGlassRequired:
        return _break_glass_page(request, case_id)
    return _case_page(request, user, case)


@member_required
@require_POST
def case_break_glass(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The grant lasts for this request only, so the case is rendered here rather than
    redirecting to a page that would ask for a reason again."""
    user = _member(request)
    form = BreakGlassForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        case = access.access_case(user, case_id, reason=reason)
    except access.BreakGlassRequired:
        return _break_glass_page(request, case_id, form)
    return _case_page(request, user, case)


def _action(request: HttpRequest, case_id: uuid.UUID) -> tuple[User, Case]:
    user = _member(request)
    try:
        case = access.access_case(user, case_id)
    except access.BreakGlassRequired as exc:
        raise _forbidden(exc) from exc
    return user, case


def _done(request: HttpRequest, case: Case, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("cases:detail", args=[case.pk]) + "#timeline")


@member_required
@require_POST
def case_add_note(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user, case = _action(request, case_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_add_note(actor=user, case=case, text=form.cleaned_data["text"],
                                   kind=form.cleaned_data["kind"])
        except errors.PermissionDenied as exc:
            raise _forbidden(exc) from exc
        except errors.DomainError as exc:
            _add_error(form, exc)
        else:
            return _done(request, case, _("The note was added."))
    return _case_page(request, user, case, status=400, note_form=form)


@member_required
@require_POST
def case_record_service(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user, case = _action(request, case_id)
    form = ServiceRecordForm(request.POST, services=_catalog(user, case))
    if form.is_valid():
        try:
            services.case_record_service(actor=user, case=case,
                                         service=form.cleaned_data["service"],
                                         text=form.cleaned_data["text"])
        except errors.PermissionDenied as exc:
            raise _forbidden(exc) from exc
        except errors.DomainError as exc:
            _add_error(form, exc)
        else:
            return _done(request, case, _("The service was recorded."))
    return _case_page(request, user, case, status=400, service_form=form)


@accepts_upload(documents.max_bytes)
@member_required
@require_POST
def case_upload_document(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """A file too large for the request body reaches this view without its bytes
    (tawasul.common.uploads), and document_upload refuses it by its size like any other."""
    user, case = _action(request, case_id)
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = documents.document_upload(
                actor=user, case=case, file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except errors.PermissionDenied as exc:
            raise _forbidden(exc) from exc
        except errors.DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The document “%(title)s” was added.")
                             % {"title": document.title})
            return redirect(reverse("cases:detail", args=[case.pk]) + "#documents")
    return _case_page(request, user, case, status=400, document_form=form)


@member_required
@require_POST
def case_change_status(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user, case = _action(request, case_id)
    form = StatusForm(request.POST, allowed=workflow.allowed_transitions(case.status))
    if form.is_valid():
        data = form.cleaned_data
        try:
            workflow.case_change_status(actor=user, case=case, to_status=data["to_status"],
                                        note=data["note"],
                                        closure_reason=data["closure_reason"])
        except errors.PermissionDenied as exc:
            raise _forbidden(exc) from exc
        except errors.DomainError as exc:
            _add_error(form, exc)
        else:
            return _done(request, case, _("The status was changed."))
    return _case_page(request, user, case, status=400, status_form=form)


@member_required
@require_POST
def task_add(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user, case = _action(request, case_id)
    form = TaskForm(request.POST, assignees=_staff(user, case.center_id, selectors.CENTER_ROLES))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.task_create(actor=user, case=case, title=data["title"],
                                 due_at=data["due_at"], assigned_to=data["assigned_to"])
        except errors.PermissionDenied as exc:
            raise _forbidden(exc) from exc
        except errors.DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("The task was added."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#tasks")
    return _case_page(request, user, case, status=400, task_form=form)


@member_required
@require_POST
def task_complete(request: HttpRequest, task_id: uuid.UUID) -> HttpResponse:
    user = _member(request)
    task = access.access_task(user, task_id)
    try:
        services.task_complete(actor=user, task=task)
    except errors.PermissionDenied as exc:
        raise _forbidden(exc) from exc
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The task was marked done."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("cases:my_tasks")
    return redirect(target)


# --- My tasks ------------------------------------------------------------------------


@member_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    now = timezone.now()
    tasks = selectors.tasks_visible_to(user).filter(assigned_to=user)
    return render(request, "cases/my_tasks.html", {
        "open_tasks": list(tasks.filter(done_at__isnull=True).order_by("due_at")),
        "done_tasks": list(tasks.filter(done_at__isnull=False).order_by("-done_at")[:10]),
        "now": now,
        "soon": now + dt.timedelta(days=2),
    })
