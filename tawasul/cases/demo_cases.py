"""The demo world's cases: at least two in every center, restricted ones in protection,
behavioral health and elder neglect, in every status, with timelines (notes, assessments,
services from the center's catalog, status changes), teams and tasks, some overdue.

`seed_cases` writes them through the case services (audited, by the center's demo users)
and is idempotent: a demo case is found again by (center, person, case type), which no
two demo cases share, so a second run opens nothing and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.cases import services, workflow
from tawasul.cases.models import Case, CaseEventKind, CaseStatus, CaseType, ClosureReason
from tawasul.organizations.models import Organization, Service
from tawasul.people.models import Person

S = CaseStatus
# The usual path; a case at status X has gone through every status before it.
PATH: tuple[str, ...] = (S.INTAKE, S.ASSESSMENT, S.PLAN, S.SERVICES, S.REVIEW)


@dataclass(frozen=True)
class DemoCase:
    person: str  # a key of demo_people.DEMO_PERSONS
    center: str
    case_type: str
    risk: str
    summary: str
    status: str = S.INTAKE
    closure: str = ""
    notes: tuple[str, ...] = ()
    assessment: str = ""
    services: tuple[str, ...] = ()  # service codes of the center's catalog
    tasks: tuple[tuple[str, int], ...] = ()  # (title, due in days; negative: overdue)
    team: tuple[str, ...] = ()  # usernames added to the team


P, F, O_, Y = "center-protection", "center-family", "center-orphans", "center-youth"
DI, E, B = "center-disability", "center-elderly", "center-behavioral"

DEMO_CASES: tuple[DemoCase, ...] = (
    # --- Protection (restricted by type) -------------------------------------------
    DemoCase("rosalie", P, "trafficking", "critical",
             "Domestic worker; passport withheld by the employer, unpaid wages for 7 months. "
             "Asked that her embassy not be contacted.", status=S.SERVICES,
             assessment="Physically safe since admission; high anxiety; no contact with family "
                        "at her request.",
             notes=("Admitted to the shelter at night, accompanied by the police.",
                    "Legal accompaniment to the labour dispute office arranged."),
             services=("emergency-shelter", "psychosocial-support", "legal-accompaniment"),
             tasks=(("Labour court hearing: accompany", 5),
                    ("Psychologist follow-up report", -2)),
             team=("protection.staff",)),
    DemoCase("noora", P, "child-abuse", "high",
             "Reported by the school counsellor: bruises, withdrawal. Mother cooperative.",
             status=S.ASSESSMENT, notes=("Joint interview with the mother and the school.",),
             tasks=(("Home visit with the mother", 2), ("Medical examination report", -1))),
    DemoCase("grace", P, "domestic-violence", "high",
             "Violence by the spouse; asks for shelter and help with her residence permit.",
             notes=("First call through the hotline; safety plan agreed.",),
             tasks=(("Shelter admission interview", 1),)),
    DemoCase("arjun", P, "child-labour", "medium",
             "Boy found working in a garage during school hours; father's work permit issue.",
             status=S.CLOSED, closure=ClosureReason.GOALS_MET,
             notes=("Enrolled in school; father's employer informed of the law.",),
             services=("psychosocial-support",)),
    DemoCase("dewi", P, "domestic-violence", "medium",
             "Sheltered after abuse by the employer's family; chose to return home.",
             status=S.CLOSED, closure=ClosureReason.LEFT_COUNTRY,
             services=("emergency-shelter",)),
    DemoCase("meron", P, "trafficking", "high",
             "Recruited abroad for a job that did not exist; no documents with her.",
             tasks=(("Identity interview with an Amharic interpreter", -3),)),
    # --- Family --------------------------------------------------------------------
    DemoCase("ahmed", F, "marital-dispute", "medium",
             "Couple in conflict over finances and the children's schooling.",
             status=S.PLAN, assessment="Both spouses want to continue the marriage.",
             services=("marital-counselling",), tasks=(("Joint session", 7),)),
    DemoCase("khalid", F, "custody-counselling", "low",
             "Father asks for counselling on visitation after divorce.", status=S.CLOSED,
             closure=ClosureReason.GOALS_MET, services=("custody-mediation",)),
    DemoCase("dilani", F, "family-reconciliation", "low",
             "Dispute with her sister's family, with whom she lives.", status=S.REVIEW,
             services=("family-reconciliation",), tasks=(("Review meeting", -4),)),
    DemoCase("dup-ar", F, "premarital-counselling", "low",
             "Premarital counselling before his wedding next year.",
             notes=("First session booked.",)),
    # --- Orphans -------------------------------------------------------------------
    DemoCase("yousef", O_, "foster-placement", "medium",
             "Placed with a vetted foster mother since 2019; annual review.",
             status=S.SERVICES, services=("foster-placement", "sponsorship"),
             tasks=(("Annual placement review visit", 14),)),
    DemoCase("salem", O_, "aftercare", "low",
             "Leaving care at 20: housing and first job.", status=S.PLAN,
             services=("aftercare",), tasks=(("Housing application follow-up", -5),)),
    # --- Youth ---------------------------------------------------------------------
    DemoCase("omar", Y, "school-dropout", "medium",
             "Stopped attending school three months ago.", status=S.ASSESSMENT,
             notes=("Meeting with the father; Omar wants vocational training.",),
             tasks=(("Meet the school's social worker", 3),)),
    DemoCase("bishnu", Y, "employment-readiness", "low",
             "Young worker who wants skills training for a better job.", status=S.SERVICES,
             services=("skills-training", "mentoring")),
    DemoCase("mark", Y, "mentoring", "low", "Mentoring after a difficult move to a new school.",
             tasks=(("Match with a mentor", 10),)),
    # --- Disability ----------------------------------------------------------------
    DemoCase("fatima", DI, "rehabilitation", "medium",
             "Cerebral palsy; physiotherapy and school inclusion.", status=S.SERVICES,
             services=("rehabilitation", "inclusive-education"),
             tasks=(("Physiotherapy progress report", -1),)),
    DemoCase("rafiq", DI, "assistive-devices", "medium",
             "Lost a leg in a work accident; prosthesis and wheelchair.", status=S.REVIEW,
             services=("assistive-devices",)),
    # --- Elderly -------------------------------------------------------------------
    DemoCase("aisha", E, "home-care", "medium", "Lives alone since her husband died; diabetic.",
             status=S.SERVICES, services=("home-care", "day-club"),
             tasks=(("Weekly nurse visit", 1),)),
    DemoCase("hamad", E, "elder-neglect", "high",
             "Neighbours report he is left without food for days.", status=S.ASSESSMENT,
             notes=("Visit with the police community officer.",),
             tasks=(("Meet the son", -2),)),
    DemoCase("osman", E, "home-care", "low", "Needs help at home after a fall.",
             notes=("Referred by the health center.",)),
    # --- Behavioral health (restricted by type) --------------------------------------
    DemoCase("faisal", B, "addiction", "high", "Opioid dependence; asked for help himself.",
             status=S.SERVICES, services=("addiction-treatment", "family-therapy"),
             tasks=(("Relapse-prevention group", 4),)),
    DemoCase("sara", B, "electronic-addiction", "medium",
             "Gaming 12 hours a day; school results falling.", status=S.PLAN,
             services=("family-therapy",), tasks=(("Family session with both parents", -3),)),
    DemoCase("dup-latin", B, "behavioral-disorder", "medium",
             "Anger management after a workplace incident.",
             notes=("Registered from his passport; no Arabic name given at intake.",)),
    DemoCase("imran", B, "addiction", "medium", "Alcohol; referred by his employer's doctor.",
             status=S.CLOSED, closure=ClosureReason.DECLINED),
)


@dataclass
class SeededCases:
    cases: dict[tuple[str, str], Case] = field(default_factory=dict)
    created: int = 0


def _walk(actor: User, case: Case, target: str, closure: str) -> Case:
    """Move along the usual path up to `target` (then close, if it is closed)."""
    early = closure not in ("", ClosureReason.GOALS_MET)
    last = (S.ASSESSMENT if early else PATH[-1]) if target == S.CLOSED else target
    for status in PATH[1:PATH.index(last) + 1]:
        if workflow.is_allowed(case.status, status):
            case = workflow.case_change_status(actor=actor, case=case, to_status=status)
    if target == S.CLOSED:
        case = workflow.case_change_status(actor=actor, case=case, to_status=S.CLOSED,
                                           closure_reason=closure or ClosureReason.GOALS_MET)
    return case


def seed_cases(*, persons: Mapping[str, Person], managers: Mapping[str, User],
               users: Mapping[str, User]) -> SeededCases:
    """Open what is missing of the demo cases. `managers` maps a center's code to the
    demo user who manages its cases; `users` maps usernames (for teams)."""
    seeded = SeededCases()
    now = timezone.now()
    for spec in DEMO_CASES:
        center = Organization.objects.get(code=spec.center)
        person = persons[spec.person]
        case_type = CaseType.objects.get(domain=center.domain, code=spec.case_type)
        existing = Case.objects.filter(center=center, person=person,
                                       case_type=case_type).first()
        if existing is not None:
            seeded.cases[(spec.person, spec.center)] = existing
            continue
        actor = managers[spec.center]
        case = services.case_open(actor=actor, center=center, person=person,
                                  case_type=case_type, risk_level=spec.risk,
                                  summary=spec.summary, assigned_manager=actor)
        for username in spec.team:
            services.case_team_add(actor=actor, case=case, user=users[username])
        for i, text in enumerate(spec.notes):
            services.case_add_note(actor=actor, case=case, text=text,
                                   occurred_at=now - dt.timedelta(hours=len(spec.notes) - i))
        if spec.assessment:
            services.case_add_note(actor=actor, case=case, text=spec.assessment,
                                   kind=CaseEventKind.ASSESSMENT)
        for code in spec.services:
            service = Service.objects.get(center=center, code=code)
            services.case_record_service(actor=actor, case=case, service=service)
        if spec.status != S.INTAKE:
            case = _walk(actor, case, spec.status, spec.closure)
        for title, days in spec.tasks:
            services.task_create(actor=actor, case=case, title=title,
                                 due_at=now + dt.timedelta(days=days), assigned_to=actor)
        seeded.cases[(spec.person, spec.center)] = case
        seeded.created += 1
    return seeded
