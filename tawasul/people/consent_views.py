"""Pages of consent records: the consents section of the person page, recording a consent
with its evidence, withdrawing one, and downloading the evidence.

Who sees a consent is decided once, by people/selectors.py `consents_visible_to` (through
`access.access_consent`: 404 outside scope, the denial audited); who may record one by
`access.can_record_consent`. Writes go through `services.consent_record` and
`services.consent_withdraw`, which audit them. The evidence file lives under MEDIA_ROOT,
which no URL serves: `consent_evidence` below is the only way its bytes leave the server,
and every download is audited.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tawasul.accounts.models import User
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases import documents
from tawasul.common import errors
from tawasul.common.attachments import file_response
from tawasul.common.uploads import accepts_upload
from tawasul.home.decorators import member_required
from tawasul.organizations.selectors import organizations_visible_to
from tawasul.people import access, selectors, services
from tawasul.people.forms import ConsentRecordForm, ConsentWithdrawForm, evidence_max_bytes
from tawasul.people.models import (
    SENSITIVE_DATA_CATEGORIES,
    Consent,
    DataCategory,
    Person,
    RelationshipKind,
)

# What the "record consent" page shows of the person (audited as a read).
RECORD_PAGE_FIELDS: tuple[str, ...] = (
    "reference", "given_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar",
    "full_name_ar", "given_name_latin", "father_name_latin", "grandfather_name_latin",
    "family_name_latin", "full_name_latin", "date_of_birth",
)
# What the withdrawal page shows of the consent (audited as a read).
CONSENT_SHOWN_FIELDS: tuple[str, ...] = (
    "person", "purpose", "purpose_text", "recipients", "data_categories",
    "granted_by_person", "granted_by_name", "granted_by_relationship", "granted_at",
    "expires_at", "recorded_by_organization",
)
EVIDENCE_READ_FIELDS: tuple[str, ...] = ("evidence",)
# The stored name's extension is the one the content was checked against (forms and
# validators.validate_evidence), so it says what the file is.
EVIDENCE_CONTENT_TYPES: dict[str, str] = {
    ".pdf": documents.PDF, ".png": documents.PNG, ".jpg": documents.JPEG,
    ".jpeg": documents.JPEG,
}
# DomainError fields of consent_record that the form names differently.
SERVICE_FIELDS_IN_FORM: dict[str, str] = {"granted_at": "granted_on",
                                          "expires_at": "expires_on"}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- State -----------------------------------------------------------------------------


class ConsentState:
    ACTIVE = "active"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


def consent_state(consent: Consent, now: Any = None) -> str:
    now = now or timezone.now()
    if consent.withdrawn_at is not None and consent.withdrawn_at <= now:
        return ConsentState.WITHDRAWN
    if consent.expires_at is not None and consent.expires_at <= now:
        return ConsentState.EXPIRED
    return ConsentState.ACTIVE


def categories_of(consent: Consent) -> list[dict[str, Any]]:
    """The consent's categories of data, labelled, the sensitive ones marked."""
    chosen = set(consent.data_categories)
    return [
        {"value": value, "label": label, "sensitive": value in SENSITIVE_DATA_CATEGORIES}
        for value, label in DataCategory.choices if value in chosen
    ]


def person_consents_context(user: Any, person: Person, consents: list[Consent]
                            ) -> dict[str, Any]:
    """The consents section of the person page (the `person_consents` template tag).
    `consents` are those the person page already read through consents_visible_to and
    audited; a user who sees only the person's identity gets none of another
    organization's consents here."""
    member = selectors.registry_member(user)
    now = timezone.now()
    rows = [
        {"consent": c, "state": consent_state(c, now), "categories": categories_of(c)}
        for c in consents
    ]
    return {
        "person": person,
        "rows": rows,
        "can_record": (member is not None and person.merged_into_id is None
                       and access.can_record_consent(member, person)),
    }


# --- Recording -------------------------------------------------------------------------


def guardians_visible_to(user: User, person: Person) -> list[Person]:
    """`services.guardians_of`, narrowed to the family relations this user may see
    (relationships_visible_to): another center recording a consent must not learn the
    person's family from the form."""
    pairs = set(
        selectors.relationships_visible_to(user)
        .filter(
            Q(to_person=person, kind__in=(RelationshipKind.GUARDIAN, RelationshipKind.PARENT))
            | Q(from_person=person, kind__in=(RelationshipKind.WARD, RelationshipKind.CHILD))
        )
        .values_list("from_person_id", "to_person_id")
    )
    return [
        g for g in services.guardians_of(person)
        if (g.pk, person.pk) in pairs or (person.pk, g.pk) in pairs
    ]


def _add_service_error(form: ConsentRecordForm, error: errors.DomainError) -> None:
    field = SERVICE_FIELDS_IN_FORM.get(error.field or "", error.field)
    if error.code == "guardian_required":
        field = "granted_by"
    elif field == "evidence":
        form.add_error("evidence", f"{error.message} {_('Choose the file again.')}")
        return
    form.add_error(field if field in form.fields else None, str(error.message))


@accepts_upload(evidence_max_bytes)
@member_required
def consent_record(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """A file too large for the request body arrives without its bytes
    (tawasul.common.uploads) and the form refuses it by its size, on this page."""
    user = _user(request)
    person = access.access_person(user, person_id)
    if not access.can_record_consent(user, person):
        raise errors.OutOfScope()
    if person.merged_into_id is not None:
        messages.error(request, _("This record was merged into another one: record the "
                                  "consent on that record."))
        return redirect("people:detail", person.pk)
    guardians = guardians_visible_to(user, person)
    form = ConsentRecordForm(
        request.POST or None, request.FILES or None, person=person, guardians=guardians,
        recipients=organizations_visible_to(user).filter(is_active=True),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.consent_record(actor=user, person=person,
                                        **form.consent_arguments())
            except errors.PermissionDenied as exc:
                raise PermissionDenied(str(exc.message)) from exc
            except errors.DomainError as exc:
                _add_service_error(form, exc)
            else:
                messages.success(request, _("The consent was recorded."))
                return redirect(reverse("people:detail", args=[person.pk]) + "#consents")
    shown = [*RECORD_PAGE_FIELDS, *(["relationships"] if guardians else [])]
    access.person_read_audited(user, person, shown)
    return render(request, "people/consent_record.html", {
        "person": person,
        "form": form,
        "has_guardians": bool(guardians),
        "sensitive_categories": SENSITIVE_DATA_CATEGORIES,
        # A file chosen before other fields failed is not kept: the page says so.
        "evidence_not_kept": (request.method == "POST" and bool(form.errors)
                              and bool(request.FILES.get("evidence"))
                              and "evidence" not in form.errors),
    }, status=status)


# --- Withdrawal ------------------------------------------------------------------------


@member_required
def consent_withdraw(request: HttpRequest, consent_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    consent = access.access_consent(user, consent_id)
    if not access.can_withdraw_consent(user, consent):
        raise errors.OutOfScope()
    person_url = reverse("people:detail", args=[consent.person_id]) + "#consents"
    if consent.withdrawn_at is not None:
        messages.info(request, _("This consent is already withdrawn."))
        return redirect(person_url)
    form = ConsentWithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.consent_withdraw(actor=user, consent=consent,
                                          reason=form.cleaned_data["reason"])
            except errors.PermissionDenied as exc:
                raise PermissionDenied(str(exc.message)) from exc
            except errors.DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None,
                               str(exc.message))
            else:
                messages.success(request, _("The consent was withdrawn. Nothing more is "
                                            "shared under it."))
                return redirect(person_url)
    audit_record(action=AuditAction.READ, actor=user, obj=consent,
                 fields=CONSENT_SHOWN_FIELDS, reason="withdrawal page")
    return render(request, "people/consent_withdraw.html", {
        "consent": consent,
        "person": consent.person,
        "state": consent_state(consent),
        "categories": categories_of(consent),
        "form": form,
    }, status=status)


# --- Evidence --------------------------------------------------------------------------


def evidence_download_audited(user: User, consent: Consent) -> None:
    audit_record(action=AuditAction.READ, actor=user, obj=consent,
                 fields=EVIDENCE_READ_FIELDS,
                 reason=f"download evidence, person {consent.person_id}")


@login_required
@require_GET
def consent_evidence(request: HttpRequest, consent_id: uuid.UUID) -> HttpResponseBase:
    """404 for anyone who may not see the consent (an account without an organization
    included: the selector gives it nothing), and for a consent without evidence."""
    user = _user(request)
    consent = access.access_consent(user, consent_id)
    if not consent.evidence:
        raise Http404()
    suffix = Path(consent.evidence.name).suffix.lower()
    content_type = EVIDENCE_CONTENT_TYPES.get(suffix)
    if content_type is None:
        raise Http404()
    try:
        handle = open(consent.evidence.path, "rb")  # noqa: SIM115 -- FileResponse closes it
    except FileNotFoundError:
        raise Http404() from None
    evidence_download_audited(user, consent)
    filename = documents.clean_filename(
        f"consent-{consent.person.reference}-{consent.granted_at:%Y-%m-%d}{suffix}"
    )
    return file_response(handle, filename=filename, content_type=content_type)
