"""The demo world's requests to embassies, all from the protection center to the embassy
of Nepal (`embassy.np`):

- Sunita: family tracing under her consent, in progress, with the embassy's reply;
- Pemba, a child with no guardian to consent: an emergency travel document under a legal
  ground the director approved, fulfilled;
- Maya: return travel under her consent, overdue and escalated to the liaison officers;
- Kamala: flagged *no contact with home country* after a request was sent, which was
  therefore withdrawn ("withdrawn by the foundation" is all the embassy learns); no new
  request can be made.

`seed_coordination` writes everything through the registry, case and coordination
services (audited, by the demo user who would do it) and is idempotent: a demo person is
found again by name, date of birth and nationality, a demo request by its person and
type, so a second run writes nothing. Times are then moved back (demo data only), so
that the requests read as the days they took. The persons are invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.cases import services as case_services
from tawasul.cases.models import Case, CaseType
from tawasul.coordination import services
from tawasul.coordination.models import (
    CoordinationRequest,
    Disclosure,
    RequestEvent,
    RequestType,
)
from tawasul.coordination.tasks import escalate_overdue_requests
from tawasul.organizations.models import Organization
from tawasul.people import services as people_services
from tawasul.people.models import ConsentPurpose, Person, SafetyFlag, SafetyFlagKind

PROTECTION = "center-protection"
EMBASSY = "embassy-np"
D = dt.date


@dataclass(frozen=True)
class DemoPerson:
    key: str
    fields: dict[str, Any]
    passport: str
    case_type: str
    summary: str


DEMO_PERSONS: tuple[DemoPerson, ...] = (
    DemoPerson("sunita", {
        "given_name_latin": "Sunita", "family_name_latin": "Gurung",
        "full_name_ar": "سونيتا غورونغ", "date_of_birth": D(1999, 4, 12), "sex": "female",
        "nationality": "NP", "languages": ["ne", "en"], "area": "Al Sadd",
    }, "PA1122334", "trafficking",
        "Recruited with a false job offer; confined by the agency for three months. "
        "Asked to find her mother and brother."),
    DemoPerson("pemba", {
        "given_name_latin": "Pemba", "family_name_latin": "Sherpa",
        "full_name_ar": "بيمبا شيربا", "date_of_birth": D(2010, 9, 1), "sex": "male",
        "nationality": "NP", "languages": ["ne"],
    }, "", "child-labour",
        "Found working in a garage; no parent or guardian in the country; passport kept by "
        "the employer."),
    DemoPerson("maya", {
        "given_name_latin": "Maya", "family_name_latin": "Tamang",
        "full_name_ar": "مايا تامانغ", "date_of_birth": D(1990, 1, 20), "sex": "female",
        "nationality": "NP", "languages": ["ne", "hi"],
    }, "PA5566778", "domestic-violence",
        "Left an abusive employer's house; wishes to go home."),
    DemoPerson("kamala", {
        "given_name_latin": "Kamala", "family_name_latin": "Rai",
        "full_name_ar": "كمالا راي", "date_of_birth": D(1993, 7, 7), "sex": "female",
        "nationality": "NP", "languages": ["ne"],
    }, "PA9988776", "trafficking",
        "Brought to the country by relatives who sold her contract; fears they would learn "
        "where she is."),
)


@dataclass
class SeededCoordination:
    requests: dict[str, CoordinationRequest] = field(default_factory=dict)
    created: int = 0

    @property
    def summary(self) -> str:
        return (f"Demo requests to embassies: {len(self.requests)} ({self.created} new).")


def _person(spec: DemoPerson, actor: User) -> Person:
    found = Person.objects.filter(
        given_name_latin=spec.fields["given_name_latin"],
        family_name_latin=spec.fields["family_name_latin"],
        date_of_birth=spec.fields["date_of_birth"], nationality=spec.fields["nationality"],
    ).first()
    if found is not None:
        return found
    assert actor.organization is not None
    identifiers = ([{"type": "passport", "value": spec.passport, "issuing_country": "NP"}]
                   if spec.passport else [])
    return people_services.person_register(
        actor=actor, organization=actor.organization, identifiers=identifiers,  # type: ignore[arg-type]
        **spec.fields,
    )


def _case(spec: DemoPerson, person: Person, actor: User) -> Case:
    center = Organization.objects.get(code=PROTECTION)
    case_type = CaseType.objects.get(domain="protection", code=spec.case_type)
    found = Case.objects.filter(center=center, person=person, case_type=case_type).first()
    if found is not None:
        return found
    return case_services.case_open(actor=actor, center=center, person=person,
                                   case_type=case_type, risk_level="high",
                                   summary=spec.summary)


def _consent(person: Person, actor: User, embassy: Organization,
             categories: tuple[str, ...]) -> Any:
    existing = person.consents.filter(purpose=ConsentPurpose.COORDINATION_WITH_EMBASSY,
                                      recipients=embassy, withdrawn_at__isnull=True).first()
    if existing is not None:
        return existing
    now = timezone.now()
    return people_services.consent_record(
        actor=actor, person=person, purpose=ConsentPurpose.COORDINATION_WITH_EMBASSY,
        recipients=[embassy], data_categories=categories,
        granted_at=now - dt.timedelta(days=40), expires_at=now + dt.timedelta(days=180),
    )


def _shift(request: CoordinationRequest, days: int) -> None:
    """Move a demo request's clock back by `days`, as if it had happened then."""
    delta = dt.timedelta(days=days)
    request.refresh_from_db()
    moved = {name: F(name) - delta for name in (
        "sent_at", "due_at", "remind_at", "acknowledged_at", "started_at", "fulfilled_at",
        "withdrawn_at") if getattr(request, name) is not None}
    CoordinationRequest.objects.filter(pk=request.pk).update(**moved)
    RequestEvent.objects.filter(request=request).update(at=F("at") - delta)
    Disclosure.objects.filter(object_id=str(request.pk)).update(
        disclosed_at=F("disclosed_at") - delta)


def seed_coordination() -> SeededCoordination:
    users = {u.username: u for u in User.objects.filter(
        username__in=["protection.manager", "protection.director", "embassy.np"])}
    manager, director, consul = (users["protection.manager"], users["protection.director"],
                                 users["embassy.np"])
    embassy = Organization.objects.get(code=EMBASSY)
    seeded = SeededCoordination()
    persons = {spec.key: _person(spec, manager) for spec in DEMO_PERSONS}
    cases = {spec.key: _case(spec, persons[spec.key], manager) for spec in DEMO_PERSONS}

    def existing(key: str, request_type: str) -> CoordinationRequest | None:
        found = CoordinationRequest.objects.filter(person=persons[key],
                                                   request_type=request_type).first()
        if found is not None:
            seeded.requests[key] = found
        return found

    # Sunita: family tracing, in progress, with the embassy's reply.
    if existing("sunita", RequestType.FAMILY_TRACING) is None:
        consent = _consent(persons["sunita"], manager, embassy, ("identity", "family"))
        request = services.request_create(
            actor=manager, case=cases["sunita"], request_type=RequestType.FAMILY_TRACING,
            embassy=embassy, urgency="routine", consent=consent,
            home_town="Pokhara, Kaski district",
            message="Sunita wishes to contact her mother and her elder brother, last known "
                    "in Pokhara. Could the embassy help locate them?",
        )
        services.request_acknowledge(actor=consul, request=request)
        services.request_start(actor=consul, request=request)
        services.message_add(
            actor=consul, request=request,
            text="We have asked the district administration office in Kaski to trace the "
                 "family; we expect an answer within two weeks.",
        )
        _shift(request, 6)
        seeded.requests["sunita"] = request
        seeded.created += 1

    # Pemba: a child with no guardian to consent; the director approved the legal ground.
    if existing("pemba", RequestType.TRAVEL_DOCUMENT) is None:
        request = services.request_create(
            actor=manager, case=cases["pemba"], request_type=RequestType.TRAVEL_DOCUMENT,
            embassy=embassy, urgency="urgent",
            legal_ground="Unaccompanied child in the center's care under the child protection "
                         "law; no parent or guardian in the country can consent. A travel "
                         "document is needed to reunite him with his family.",
            message="The child's passport is held by a former employer. Please issue an "
                    "emergency travel document.",
        )
        request = services.request_approve(actor=director, request=request)
        services.request_fulfil(actor=consul, request=request,
                                note="Emergency travel document issued; it may be collected "
                                     "at the consular section.")
        _shift(request, 12)
        seeded.requests["pemba"] = request
        seeded.created += 1

    # Maya: return travel, overdue, escalated to the liaison officers.
    if existing("maya", RequestType.RETURN_TRAVEL) is None:
        consent = _consent(persons["maya"], manager, embassy, ("identity",))
        request = services.request_create(
            actor=manager, case=cases["maya"], request_type=RequestType.RETURN_TRAVEL,
            embassy=embassy, urgency="routine", consent=consent,
            message="Maya wishes to return home. Please arrange her return travel.",
        )
        _shift(request, 30)
        escalate_overdue_requests.call()
        seeded.requests["maya"] = request
        seeded.created += 1

    # Kamala: a request was sent, then she was flagged: it was withdrawn.
    if existing("kamala", RequestType.IDENTITY_VERIFICATION) is None:
        consent = _consent(persons["kamala"], manager, embassy, ("identity",))
        request = services.request_create(
            actor=manager, case=cases["kamala"],
            request_type=RequestType.IDENTITY_VERIFICATION, embassy=embassy,
            urgency="routine", consent=consent,
            message="Please confirm the identity of the holder of this passport.",
        )
        seeded.requests["kamala"] = request
        seeded.created += 1
    if not SafetyFlag.objects.filter(person=persons["kamala"], cleared_at__isnull=True,
                                     kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY).exists():
        people_services.safety_flag_set(
            actor=manager, person=persons["kamala"],
            kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY,
            note="Fears the relatives who brought her here would be told where she is.",
        )
    return seeded
