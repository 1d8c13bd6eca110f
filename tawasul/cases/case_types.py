"""The default catalog of case types, by domain.

`load_case_types()` creates the entries that are missing and leaves existing ones as the
administrators configured them (names, sensitivity, active): it is safe to run on every
`seed_demo` and on a live installation. Protection and behavioral-health types are
restricted by default (DESIGN, access rule 1); so are elder abuse and neglect, which are
violence and neglect cases like the protection ones.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import transaction

from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.models import CaseType, Sensitivity
from tawasul.organizations.models import CenterDomain

R = Sensitivity.RESTRICTED
S = Sensitivity.STANDARD


class CaseTypeEntry(NamedTuple):
    domain: str
    code: str
    name_ar: str
    name_en: str
    default_sensitivity: str


DEFAULT_CASE_TYPES: tuple[CaseTypeEntry, ...] = (
    # Protection (children and women): restricted.
    CaseTypeEntry(CenterDomain.PROTECTION, "child-abuse", "إساءة معاملة طفل", "Child abuse", R),
    CaseTypeEntry(CenterDomain.PROTECTION, "child-neglect", "إهمال طفل", "Child neglect", R),
    CaseTypeEntry(CenterDomain.PROTECTION, "domestic-violence", "عنف أسري", "Domestic violence",
                  R),
    CaseTypeEntry(CenterDomain.PROTECTION, "trafficking", "اتجار بالبشر", "Human trafficking", R),
    CaseTypeEntry(CenterDomain.PROTECTION, "sexual-violence", "عنف جنسي", "Sexual violence", R),
    CaseTypeEntry(CenterDomain.PROTECTION, "child-labour", "عمالة أطفال", "Child labour", R),
    # Family stability.
    CaseTypeEntry(CenterDomain.FAMILY, "marital-dispute", "خلاف زوجي", "Marital dispute", S),
    CaseTypeEntry(CenterDomain.FAMILY, "custody-counselling", "إرشاد في الحضانة",
                  "Custody counselling", S),
    CaseTypeEntry(CenterDomain.FAMILY, "family-reconciliation", "إصلاح أسري",
                  "Family reconciliation", S),
    CaseTypeEntry(CenterDomain.FAMILY, "premarital-counselling", "إرشاد ما قبل الزواج",
                  "Premarital counselling", S),
    CaseTypeEntry(CenterDomain.FAMILY, "visitation-arrangement", "تنظيم الرؤية",
                  "Visitation arrangement", S),
    # Orphan care.
    CaseTypeEntry(CenterDomain.ORPHANS, "foster-placement", "احتضان أسري", "Foster placement", S),
    CaseTypeEntry(CenterDomain.ORPHANS, "sponsorship", "كفالة", "Sponsorship", S),
    CaseTypeEntry(CenterDomain.ORPHANS, "aftercare", "رعاية لاحقة", "Aftercare", S),
    # Youth.
    CaseTypeEntry(CenterDomain.YOUTH, "mentoring", "إرشاد وتوجيه", "Mentoring", S),
    CaseTypeEntry(CenterDomain.YOUTH, "school-dropout", "تسرب دراسي", "School dropout", S),
    CaseTypeEntry(CenterDomain.YOUTH, "employment-readiness", "تأهيل للعمل",
                  "Employment readiness", S),
    # Disability.
    CaseTypeEntry(CenterDomain.DISABILITY, "rehabilitation", "تأهيل", "Rehabilitation", S),
    CaseTypeEntry(CenterDomain.DISABILITY, "assistive-devices", "أجهزة مساعدة",
                  "Assistive devices", S),
    CaseTypeEntry(CenterDomain.DISABILITY, "inclusion", "دمج", "Inclusion", S),
    # Elderly care.
    CaseTypeEntry(CenterDomain.ELDERLY, "elder-neglect", "إهمال مسن", "Neglect of an elderly "
                  "person", R),
    CaseTypeEntry(CenterDomain.ELDERLY, "home-care", "رعاية منزلية", "Home care", S),
    CaseTypeEntry(CenterDomain.ELDERLY, "elder-abuse", "إساءة معاملة مسن",
                  "Abuse of an elderly person", R),
    # Behavioral health: restricted.
    CaseTypeEntry(CenterDomain.BEHAVIORAL, "addiction", "إدمان", "Addiction", R),
    CaseTypeEntry(CenterDomain.BEHAVIORAL, "behavioral-disorder", "اضطراب سلوكي",
                  "Behavioral disorder", R),
    CaseTypeEntry(CenterDomain.BEHAVIORAL, "electronic-addiction", "إدمان إلكتروني",
                  "Electronic addiction", R),
)


def load_case_types() -> int:
    """Create the missing entries of the default catalog; returns how many were created."""
    created = 0
    with transaction.atomic():
        existing = set(CaseType.objects.values_list("domain", "code"))
        for entry in DEFAULT_CASE_TYPES:
            if (entry.domain, entry.code) in existing:
                continue
            case_type = CaseType.objects.create(**entry._asdict())
            audit_record(
                action=AuditAction.CREATE, actor_username="system:load_case_types",
                obj=case_type, fields=list(entry._fields),
            )
            created += 1
    return created
