"""The demo world's persons: who they are, their identifiers, families, safety flags and
consents; `seed_people` writes them through the registry's services (audited, as a
center's worker would) and is idempotent.

Each demo person is found again by their first identifier (a stable key: identifiers are
unique per type and country), so a second seed_demo run registers nobody twice and
changes nothing. The persons are invented; any likeness to a real person is accidental.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tawasul.accounts.models import User
from tawasul.organizations.models import Organization
from tawasul.people import services
from tawasul.people.models import (
    Consent,
    ConsentPurpose,
    IdentifierType,
    Person,
    PersonIdentifier,
    Relationship,
    RelationshipKind,
    SafetyFlag,
    SafetyFlagKind,
)

QID, PASSPORT = IdentifierType.QID, IdentifierType.PASSPORT
D = dt.date


@dataclass(frozen=True)
class DemoPerson:
    key: str  # the handle demo_cases uses
    center: str  # code of the registering center
    fields: dict[str, Any]
    identifiers: tuple[dict[str, str], ...]
    flags: tuple[tuple[str, str], ...] = field(default=())


def _qid(value: str) -> dict[str, str]:
    return {"type": QID, "value": value}


def _passport(value: str, country: str) -> dict[str, str]:
    return {"type": PASSPORT, "value": value, "issuing_country": country}


def _arab(given: tuple[str, str], father: tuple[str, str], grandfather: tuple[str, str],
          family: tuple[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "given_name_ar": given[0], "given_name_latin": given[1],
        "father_name_ar": father[0], "father_name_latin": father[1],
        "grandfather_name_ar": grandfather[0], "grandfather_name_latin": grandfather[1],
        "family_name_ar": family[0], "family_name_latin": family[1], **extra,
    }


def _other(latin: str, arabic: str = "", **extra: Any) -> dict[str, Any]:
    return {"full_name_latin": latin, "full_name_ar": arabic, **extra}


P = "center-protection"
F = "center-family"
O_ = "center-orphans"
Y = "center-youth"
DI = "center-disability"
E = "center-elderly"
B = "center-behavioral"

DEMO_PERSONS: tuple[DemoPerson, ...] = (
    # --- Protection ----------------------------------------------------------------
    DemoPerson("rosalie", P, _other(
        "Rosalie Mae Dela Cruz", "روزالي ماي ديلا كروز", date_of_birth=D(1994, 2, 17),
        sex="female", nationality="PH", languages=["tl", "en"], phone="+97466123401",
        area="Al Sadd"), (_passport("P4817265A", "PH"),),
        flags=((SafetyFlagKind.NO_CONTACT_HOME_COUNTRY,
                "Fled her employer; fears her family would be told where she is."),
               (SafetyFlagKind.TRAFFICKING_RISK, ""))),
    DemoPerson("hessa", P, _arab(("حصة", "Hessa"), ("علي", "Ali"), ("حمد", "Hamad"),
                                 ("الكواري", "Al-Kuwari"), date_of_birth=D(1985, 9, 3),
                                 sex="female", nationality="QA", languages=["ar"],
                                 phone="+97455123402", area="Al Rayyan"),
               (_qid("28563400456"),)),
    DemoPerson("noora", P, _arab(("نورة", "Noora"), ("سعيد", "Saeed"), ("مبارك", "Mubarak"),
                                 ("المري", "Al-Marri"), date_of_birth=D(2014, 6, 21),
                                 sex="female", nationality="QA", languages=["ar"],
                                 area="Al Rayyan"), (_qid("31463400123"),)),
    DemoPerson("grace", P, _other("Grace Achieng Otieno", "غريس أتشينغ أوتينو",
                                  date_of_birth=D(1997, 11, 5), sex="female", nationality="KE",
                                  languages=["sw", "en"], phone="+97470123403",
                                  area="Industrial Area"), (_passport("AK0392817", "KE"),),
               flags=((SafetyFlagKind.VIOLENCE_RISK, ""),)),
    DemoPerson("suresh", P, _other("Suresh Kumar", "سوريش كومار", date_of_birth=D(1982, 4, 9),
                                   sex="male", nationality="IN", languages=["ml", "en"],
                                   phone="+97433123404", area="Industrial Area"),
               (_passport("N7723410", "IN"), _qid("28235600917"))),
    DemoPerson("arjun", P, _other("Arjun Suresh Kumar", "أرجون سوريش كومار",
                                  date_of_birth=D(2011, 1, 30), sex="male", nationality="IN",
                                  languages=["ml", "en"]), (_passport("N8812345", "IN"),)),
    DemoPerson("dewi", P, _other("Dewi Susanti", "ديوي سوسانتي", date_of_birth=D(1992, 8, 14),
                                 sex="female", nationality="ID", languages=["id"]),
               (_passport("X1234567", "ID"),)),
    DemoPerson("meron", P, _other("Meron Bekele", "ميرون بيكيلي", date_of_birth=D(1998, 1, 1),
                                  dob_is_estimated=True, sex="female", nationality="ET",
                                  languages=["am"]), (_passport("EP1234567", "ET"),)),
    # --- Family --------------------------------------------------------------------
    DemoPerson("ahmed", F, _arab(("أحمد", "Ahmed"), ("محمد", "Mohamed"), ("حسن", "Hassan"),
                                 ("السيد", "El-Sayed"), date_of_birth=D(1980, 3, 12),
                                 sex="male", nationality="EG", languages=["ar", "en"],
                                 phone="+97455123405", area="Bin Mahmoud"),
               (_passport("A21938475", "EG"), _qid("28081800321"))),
    DemoPerson("mona", F, _arab(("منى", "Mona"), ("حسن", "Hassan"), ("إبراهيم", "Ibrahim"),
                                ("الشريف", "El-Sherif"), date_of_birth=D(1986, 12, 2),
                                sex="female", nationality="EG", languages=["ar"],
                                phone="+97455123406", area="Bin Mahmoud"),
               (_passport("A23847561", "EG"),)),
    DemoPerson("khalid", F, _arab(("خالد", "Khalid"), ("راشد", "Rashid"), ("سالم", "Salem"),
                                  ("النعيمي", "Al-Naimi"), date_of_birth=D(1979, 7, 25),
                                  sex="male", nationality="QA", languages=["ar", "en"],
                                  phone="+97433123407"), (_qid("27963400789"),)),
    DemoPerson("dilani", F, _other("Dilani Perera", "ديلاني بيريرا",
                                   date_of_birth=D(1990, 5, 18), sex="female",
                                   nationality="LK", languages=["si", "en"]),
               (_passport("N5521987", "LK"),)),
    # The duplicate pair: the same man, registered in Arabic script by the family
    # center and in Latin script (from his passport) by the behavioral health center.
    DemoPerson("dup-ar", F, {
        "given_name_ar": "محمد", "father_name_ar": "عبد الرحمن", "grandfather_name_ar": "علي",
        "family_name_ar": "الكواري", "date_of_birth": D(1990, 4, 12), "sex": "male",
        "nationality": "QA", "languages": ["ar"], "area": "Al Wakrah",
    }, (_qid("29063400888"),)),
    # --- Orphans -------------------------------------------------------------------
    DemoPerson("latifa", O_, _arab(("لطيفة", "Latifa"), ("محمد", "Mohammed"), ("جاسم", "Jassim"),
                                   ("السليطي", "Al-Sulaiti"), date_of_birth=D(1975, 10, 10),
                                   sex="female", nationality="QA", languages=["ar"],
                                   phone="+97455123408"), (_qid("27563400977"),)),
    DemoPerson("yousef", O_, {
        "given_name_ar": "يوسف", "father_name_ar": "عبد الله", "given_name_latin": "Yousef",
        "father_name_latin": "Abdullah", "date_of_birth": D(2016, 3, 3), "sex": "male",
        "nationality": "QA", "languages": ["ar"],
    }, (_qid("31663400812"),)),
    DemoPerson("salem", O_, _arab(("سالم", "Salem"), ("ناصر", "Nasser"), ("سعد", "Saad"),
                                  ("المناعي", "Al-Mannai"), date_of_birth=D(2006, 9, 9),
                                  sex="male", nationality="QA", languages=["ar", "en"],
                                  phone="+97430123409"), (_qid("30663400555"),)),
    # --- Youth ---------------------------------------------------------------------
    DemoPerson("khaled-haddad", Y, _arab(("خالد", "Khaled"), ("يوسف", "Yousef"),
                                         ("عيسى", "Issa"), ("حداد", "Haddad"),
                                         date_of_birth=D(1975, 2, 2), sex="male",
                                         nationality="JO", languages=["ar"],
                                         phone="+97455123410"),
               (_passport("R7654321", "JO"),)),
    DemoPerson("omar", Y, _arab(("عمر", "Omar"), ("خالد", "Khaled"), ("يوسف", "Yousef"),
                                ("حداد", "Haddad"), date_of_birth=D(2009, 5, 10), sex="male",
                                nationality="JO", languages=["ar", "en"]),
               (_passport("R1234567", "JO"),)),
    DemoPerson("bishnu", Y, _other("Bishnu Bahadur Thapa", "بيشنو بهادور ثابا",
                                   date_of_birth=D(2003, 12, 1), sex="male", nationality="NP",
                                   languages=["ne", "en"], phone="+97470123411"),
               (_passport("PA0998877", "NP"),)),
    DemoPerson("jocelyn", Y, _other("Jocelyn Reyes", "جوسلين رييس", date_of_birth=D(1984, 6, 6),
                                    sex="female", nationality="PH", languages=["tl", "en"],
                                    phone="+97466123412"), (_passport("P1234567B", "PH"),)),
    DemoPerson("mark", Y, _other("Mark Anthony Reyes", "مارك أنتوني رييس",
                                 date_of_birth=D(2011, 10, 20), sex="male", nationality="PH",
                                 languages=["tl", "en"]), (_passport("P7654321B", "PH"),)),
    # --- Disability ----------------------------------------------------------------
    DemoPerson("ali-hajri", DI, _arab(("علي", "Ali"), ("حمد", "Hamad"), ("سيف", "Saif"),
                                      ("الهاجري", "Al-Hajri"), date_of_birth=D(1978, 1, 15),
                                      sex="male", nationality="QA", languages=["ar"],
                                      phone="+97455123413"), (_qid("27863400222"),)),
    DemoPerson("fatima", DI, _arab(("فاطمة", "Fatima"), ("علي", "Ali"), ("حمد", "Hamad"),
                                   ("الهاجري", "Al-Hajri"), date_of_birth=D(2012, 11, 11),
                                   sex="female", nationality="QA", languages=["ar"]),
               (_qid("31263400444"),)),
    DemoPerson("rafiq", DI, _other("Md Rafiqul Islam", "محمد رفيق الإسلام",
                                   date_of_birth=D(1988, 3, 3), sex="male", nationality="BD",
                                   languages=["bn"], phone="+97433123414"),
               (_passport("BE0234567", "BD"),)),
    # --- Elderly -------------------------------------------------------------------
    DemoPerson("aisha", E, _arab(("عائشة", "Aisha"), ("سالم", "Salem"), ("راشد", "Rashid"),
                                 ("الكعبي", "Al-Kaabi"), date_of_birth=D(1941, 5, 5),
                                 sex="female", nationality="QA", languages=["ar"],
                                 phone="+97444123415", area="Al Khor"),
               (_qid("24163400111"),)),
    DemoPerson("hamad", E, _arab(("حمد", "Hamad"), ("عبد الله", "Abdullah"), ("محمد", "Mohammed"),
                                 ("المهندي", "Al-Mohannadi"), date_of_birth=D(1946, 8, 8),
                                 sex="male", nationality="QA", languages=["ar"]),
               (_qid("24663400333"),)),
    DemoPerson("osman", E, _arab(("عثمان", "Osman"), ("الطيب", "Eltayeb"), ("أحمد", "Ahmed"),
                                 ("عبد العزيز", "Abdelaziz"), date_of_birth=D(1950, 1, 1),
                                 dob_is_estimated=True, sex="male", nationality="SD",
                                 languages=["ar"]), (_passport("P0123456", "SD"),)),
    # --- Behavioral health ---------------------------------------------------------
    DemoPerson("faisal", B, _arab(("فيصل", "Faisal"), ("ناصر", "Nasser"), ("فهد", "Fahad"),
                                  ("الدوسري", "Al-Dosari"), date_of_birth=D(1999, 7, 7),
                                  sex="male", nationality="QA", languages=["ar", "en"],
                                  phone="+97455123416"), (_qid("29963400666"),)),
    DemoPerson("imran", B, _other("Imran Ali Qureshi", "عمران علي قريشي",
                                  date_of_birth=D(1993, 9, 19), sex="male", nationality="PK",
                                  languages=["ur", "en"]), (_passport("AB1234567", "PK"),)),
    DemoPerson("sara", B, _arab(("سارة", "Sara"), ("أحمد", "Ahmed"), ("محمد", "Mohamed"),
                                ("السيد", "El-Sayed"), date_of_birth=D(2010, 10, 1),
                                sex="female", nationality="EG", languages=["ar", "en"]),
               (_passport("A29384756", "EG"),)),
    DemoPerson("dup-latin", B, {
        "given_name_latin": "Muhammad", "father_name_latin": "Abdulrahman",
        "family_name_latin": "Alkuwari", "date_of_birth": D(1990, 4, 12), "sex": "male",
        "nationality": "QA", "languages": ["ar", "en"], "phone": "+97466123417",
    }, (_passport("Q01234567", "QA"),)),
)

# (from, to, kind, legal guardian): "from is the <kind> of to".
RELATIONSHIPS: tuple[tuple[str, str, str, bool], ...] = (
    ("hessa", "noora", RelationshipKind.PARENT, True),
    ("suresh", "arjun", RelationshipKind.PARENT, True),
    ("ahmed", "mona", RelationshipKind.SPOUSE, False),
    ("ahmed", "sara", RelationshipKind.PARENT, True),
    ("mona", "sara", RelationshipKind.PARENT, False),
    ("latifa", "yousef", RelationshipKind.GUARDIAN, True),
    ("khaled-haddad", "omar", RelationshipKind.PARENT, True),
    ("jocelyn", "mark", RelationshipKind.PARENT, True),
    ("ali-hajri", "fatima", RelationshipKind.PARENT, True),
)

ID, CONTACT, SUMMARY, FAMILY_DATA, HEALTH, DISABILITY_DATA, VIOLENCE = (
    "identity", "contact", "case_summary", "family", "health", "disability", "violence"
)
# (person, purpose, recipient codes, categories, granted by (guardian key) or None,
#  days until expiry or None)
CONSENTS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], str | None, int | None],
                ...] = (
    ("rosalie", ConsentPurpose.REFERRAL, (F, "iom"), (ID, SUMMARY, VIOLENCE), None, 180),
    ("noora", ConsentPurpose.REFERRAL, (F, DI), (ID, SUMMARY, FAMILY_DATA), "hessa", 365),
    ("grace", ConsentPurpose.REFERRAL, (F,), (ID, SUMMARY), None, 180),
    ("ahmed", ConsentPurpose.COORDINATION_WITH_EMBASSY, ("embassy-eg",), (ID, CONTACT), None,
     None),
    ("bishnu", ConsentPurpose.COORDINATION_WITH_EMBASSY, ("embassy-np",), (ID, CONTACT),
     None, 90),
    ("sara", ConsentPurpose.REFERRAL, (F,), (ID, SUMMARY, HEALTH), "ahmed", 365),
    ("rafiq", ConsentPurpose.SERVICE_DELIVERY, ("ministry-health",), (ID, DISABILITY_DATA),
     None, None),
)


def _existing(spec: DemoPerson) -> Person | None:
    first = spec.identifiers[0]
    country = "QA" if first["type"] == QID else first.get("issuing_country", "")
    found = PersonIdentifier.objects.select_related("person").filter(
        type=first["type"], issuing_country=country, value=first["value"]
    ).first()
    return found.person if found is not None else None


def seed_people(*, actors: Mapping[str, User]) -> dict[str, Person]:
    """Register what is missing of the demo persons, families, flags and consents.
    `actors` maps a center's code to the demo user who registers for it."""
    persons: dict[str, Person] = {}
    for spec in DEMO_PERSONS:
        person = _existing(spec)
        actor = actors[spec.center]
        if person is None:
            assert actor.organization is not None
            person = services.person_register(
                actor=actor, organization=actor.organization,
                identifiers=spec.identifiers,  # type: ignore[arg-type]
                **spec.fields,
            )
        persons[spec.key] = person
        for kind, note in spec.flags:
            if not SafetyFlag.objects.filter(person=person, kind=kind,
                                             cleared_at__isnull=True).exists():
                services.safety_flag_set(actor=actor, person=person, kind=kind, note=note)
    by_key = {spec.key: spec for spec in DEMO_PERSONS}
    for from_key, to_key, kind, legal in RELATIONSHIPS:
        a, b = persons[from_key], persons[to_key]
        if not Relationship.objects.filter(from_person=a, to_person=b, kind=kind).exists():
            services.relationship_add(actor=actors[by_key[from_key].center], from_person=a,
                                      to_person=b, kind=kind, is_legal_guardian=legal)
    for key, purpose, recipients, categories, grantor, days in CONSENTS:
        person = persons[key]
        if Consent.objects.filter(person=person, purpose=purpose).exists():
            continue
        now = timezone.now()
        services.consent_record(
            actor=actors[by_key[key].center], person=person, purpose=purpose,
            recipients=list(Organization.objects.filter(code__in=recipients)),
            data_categories=categories, granted_at=now - dt.timedelta(days=3),
            expires_at=now + dt.timedelta(days=days) if days else None,
            granted_by_person=persons[grantor] if grantor else None,
        )
    return persons
