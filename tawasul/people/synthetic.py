"""Synthetic national data: persons, families, identifiers, blocking keys, planted
duplicates, cases with timelines and tasks, and referrals when that app is installed.

For load tests, benchmarks and demonstrations, never for a live registry. Everything is
drawn from a seeded random generator, so a run with the same --seed on the same database
state produces the same people.

Speed: rows are built in memory and written with bulk_create, a batch per transaction
(--batch persons and everything that belongs to them), so a million persons needs a
thousand-odd INSERT statements per table instead of millions, and memory stays bounded by
the batch. Blocking keys are computed by the matching engine from the generated values
(no query per person), exactly as refresh_match_keys would compute them.

Audit: ONE summary entry per run (who ran it, seed, counts), not one per row. The rows
are fabricated, describe no real person and are written by no user; a per-row entry
would double the rows written, make the audit trail's hash chain grow by millions of
meaningless links, and bury the entries that matter. What the trail must answer — who put
this data here, when, and how to reproduce it — the summary answers.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from django_countries.fields import CountryField

from tawasul.accounts.models import User
from tawasul.accounts.roles import Role
from tawasul.audit.models import AuditAction
from tawasul.audit.services import audit_record
from tawasul.cases.case_types import load_case_types
from tawasul.cases.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseNameKey,
    CaseReferenceCounter,
    CaseStatus,
    CaseType,
    ClosureReason,
    RiskLevel,
    Sensitivity,
    Task,
)
from tawasul.cases.name_keys import name_key_rows
from tawasul.organizations.models import Organization, OrganizationKind, Service
from tawasul.people import duplicates
from tawasul.people.matching import names_data
from tawasul.people.matching import records as engine
from tawasul.people.models import (
    RECIPROCAL_KIND,
    IdentifierType,
    Person,
    PersonIdentifier,
    PersonMatchKey,
    PersonReferenceCounter,
    Relationship,
    RelationshipKind,
    Sex,
)

DUPLICATE_RATE = 0.02
CASE_RATE = 0.30  # cases per person (the default; --cases-per-person)
REFERRAL_RATE = 0.10  # of cases
# Of the persons with a case whose country has an embassy here: referred by that embassy.
EMBASSY_REFERRAL_RATE = 0.15
# What became of embassy referrals (status, held by a center): most are triaged and taken
# on; a few wait in the intake desk's queue (new, or handed back by a center).
EMBASSY_OUTCOMES: tuple[tuple[str, bool, float], ...] = (
    ("submitted", False, 0.03), ("under_review", False, 0.01), ("under_review", True, 0.06),
    ("accepted", True, 0.15), ("in_progress", True, 0.30), ("completed", True, 0.25),
    ("declined", False, 0.15), ("withdrawn", False, 0.05),
)
INSERT_BATCH = 1000  # rows per executemany call / multi-row INSERT

# --- Name banks ----------------------------------------------------------------------
# Arab names come from the matcher's dictionary of common names, with every spelling it
# lists: a Latin spelling is drawn among them, as passports and forms really differ.


def _bank(block: str) -> list[tuple[str, list[str]]]:
    return [(arabic[0], latin) for arabic, latin in names_data._rows(block)]


ARAB_MALE = _bank(names_data.GIVEN_MALE)
ARAB_FEMALE = _bank(names_data.GIVEN_FEMALE)
GULF_FAMILY = _bank(names_data.FAMILY)
# Family names of the Levant, Egypt and Sudan (Arabic, Latin spellings).
ARAB_FAMILY: list[tuple[str, list[str]]] = [
    ("المصري", ["El-Masry", "Al-Masri", "Elmasry"]), ("الشريف", ["El-Sherif", "Al-Sharif"]),
    ("عبد العزيز", ["Abdelaziz", "Abdulaziz", "Abdel Aziz"]),
    ("حداد", ["Haddad", "Hadad"]), ("النجار", ["El-Naggar", "Al-Najjar", "Najjar"]),
    ("السيد", ["El-Sayed", "Elsayed", "Al-Sayed"]), ("إبراهيم", ["Ibrahim", "Ebrahim"]),
    ("عثمان", ["Osman", "Othman"]), ("الطيب", ["El-Tayeb", "Al-Tayeb", "Eltayeb"]),
    ("الخطيب", ["Al-Khatib", "El-Khatib", "Khatib"]), ("منصور", ["Mansour", "Mansur"]),
]

# Non-Arab nationalities: (Latin given names by sex, family names), each with the Arabic
# transliteration an Arabic-speaking registrar would write.
Pair = tuple[str, str]
OTHER_NAMES: dict[str, dict[str, list[Pair]]] = {
    "IN": {
        "male": [("Rajesh", "راجيش"), ("Suresh", "سوريش"), ("Anil", "أنيل"),
                 ("Mohammed", "محمد"), ("Abdul", "عبدول"), ("Vijay", "فيجاي"),
                 ("Joseph", "جوزيف"), ("Arun", "أرون")],
        "female": [("Priya", "بريا"), ("Lakshmi", "لاكشمي"), ("Anjali", "أنجالي"),
                   ("Fathima", "فاطمة"), ("Mary", "ماري")],
        "family": [("Kumar", "كومار"), ("Nair", "ناير"), ("Pillai", "بيلاي"),
                   ("Sharma", "شارما"), ("Menon", "مينون"), ("Thomas", "توماس")],
    },
    "PH": {
        "male": [("Jose", "خوسيه"), ("Mark", "مارك"), ("John Paul", "جون بول"),
                 ("Ramon", "رامون"), ("Rodel", "روديل")],
        "female": [("Maria", "ماريا"), ("Maricel", "ماريسيل"), ("Rowena", "روينا"),
                   ("Jocelyn", "جوسلين"), ("Analyn", "أنالين")],
        "family": [("Santos", "سانتوس"), ("Reyes", "رييس"), ("Dela Cruz", "ديلا كروز"),
                   ("Garcia", "غارسيا"), ("Mendoza", "مندوزا"), ("Bautista", "باوتيستا")],
    },
    "NP": {
        "male": [("Ram", "رام"), ("Bishnu", "بيشنو"), ("Krishna", "كريشنا"),
                 ("Hari", "هاري")],
        "female": [("Sita", "سيتا"), ("Gita", "غيتا"), ("Sunita", "سونيتا")],
        "family": [("Sharma", "شارما"), ("Thapa", "ثابا"), ("Gurung", "غورونغ"),
                   ("Tamang", "تامانغ"), ("Rai", "راي")],
    },
    "BD": {
        "male": [("Md Rahim", "محمد رحيم"), ("Abdul Karim", "عبد الكريم"),
                 ("Shahidul", "شاهد الإسلام"), ("Rafiq", "رفيق")],
        "female": [("Nasima", "نسيمة"), ("Rokeya", "رقية"), ("Shirin", "شيرين")],
        "family": [("Hossain", "حسين"), ("Islam", "إسلام"), ("Uddin", "الدين"),
                   ("Rahman", "رحمن"), ("Miah", "مياه")],
    },
    "PK": {
        "male": [("Imran", "عمران"), ("Muhammad", "محمد"), ("Bilal", "بلال"),
                 ("Usman", "عثمان")],
        "female": [("Ayesha", "عائشة"), ("Sana", "سناء"), ("Farzana", "فرزانة")],
        "family": [("Khan", "خان"), ("Qureshi", "قريشي"), ("Butt", "بت"),
                   ("Chaudhry", "تشودري")],
    },
    "LK": {
        "male": [("Nimal", "نيمال"), ("Kamal", "كمال"), ("Saman", "سامان")],
        "female": [("Kumari", "كوماري"), ("Dilani", "ديلاني"), ("Nirosha", "نيروشا")],
        "family": [("Perera", "بيريرا"), ("Fernando", "فرناندو"), ("Silva", "سيلفا"),
                   ("Jayasinghe", "جاياسينغ")],
    },
    "KE": {
        "male": [("Joseph", "جوزيف"), ("Peter", "بيتر"), ("Kevin", "كيفن")],
        "female": [("Grace", "غريس"), ("Mercy", "ميرسي"), ("Faith", "فيث"),
                   ("Wanjiru", "وانجيرو")],
        "family": [("Otieno", "أوتينو"), ("Kamau", "كاماو"), ("Wanjiku", "وانجيكو"),
                   ("Mwangi", "موانغي"), ("Ochieng", "أوتشينغ")],
    },
    "ID": {
        "male": [("Budi", "بودي"), ("Agus", "أغوس")],
        "female": [("Siti", "سيتي"), ("Dewi", "ديوي"), ("Sri", "سري")],
        "family": [("Rahayu", "راهايو"), ("Susanti", "سوسانتي"), ("Wati", "واتي")],
    },
    "ET": {
        "male": [("Dawit", "داويت"), ("Yonas", "يوناس")],
        "female": [("Tigist", "تيغيست"), ("Meron", "ميرون"), ("Hiwot", "هيووت")],
        "family": [("Alemu", "أليمو"), ("Bekele", "بيكيلي"), ("Tesfaye", "تيسفاي")],
    },
}
ARAB_NATIONALITIES = frozenset({"QA", "EG", "SD", "JO", "SY", "YE"})
# Share of the registry by nationality: roughly the resident population of the Gulf
# that social services meet.
NATIONALITY_WEIGHTS: dict[str, int] = {
    "QA": 22, "IN": 16, "EG": 9, "PH": 10, "NP": 8, "BD": 8, "PK": 6, "LK": 4, "KE": 4,
    "SD": 4, "JO": 3, "ID": 2, "ET": 2, "SY": 1, "YE": 1,
}
# ISO 3166 numeric, for the country digits of a Qatar ID.
ISO_NUMERIC: dict[str, int] = {
    "QA": 634, "IN": 356, "EG": 818, "PH": 608, "NP": 524, "BD": 50, "PK": 586, "LK": 144,
    "KE": 404, "SD": 729, "JO": 400, "ID": 360, "ET": 231, "SY": 760, "YE": 887,
}
LANGUAGES: dict[str, list[str]] = {
    "QA": ["ar"], "EG": ["ar"], "SD": ["ar"], "JO": ["ar"], "SY": ["ar"], "YE": ["ar"],
    "IN": ["ml", "en"], "PH": ["tl", "en"], "NP": ["ne"], "BD": ["bn"], "PK": ["ur"],
    "LK": ["si", "ta"], "KE": ["sw", "en"], "ID": ["id"], "ET": ["am"],
}
# (id, from_person_id, to_person_id, kind, is_legal_guardian)
RelRow = tuple[uuid.UUID, uuid.UUID, uuid.UUID, str, bool]
REL_COLUMNS = ("id", "from_person_id", "to_person_id", "kind", "is_legal_guardian")
AREAS = ["Al Sadd", "Al Rayyan", "Al Wakrah", "Al Khor", "Umm Salal", "Al Daayen",
         "Bin Mahmoud", "Old Airport", "Muaither", "Al Gharrafa", "Madinat Khalifa",
         "Industrial Area", "Al Mansoura", "Najma"]


@dataclass
class SyntheticResult:
    persons: int = 0
    identifiers: int = 0
    relationships: int = 0
    match_keys: int = 0
    duplicates: int = 0
    cases: int = 0
    events: int = 0
    tasks: int = 0
    referrals: int = 0
    embassy_referrals: int = 0  # of the referrals
    seconds: float = 0.0
    # (original, planted duplicate) ids, the first few hundred: for tests and spot checks.
    duplicate_pairs: list[tuple[Any, Any]] = field(default_factory=list)

    @property
    def persons_per_second(self) -> float:
        return self.persons / self.seconds if self.seconds else 0.0


@dataclass
class _Draft:
    person: Person
    identifiers: list[PersonIdentifier]


# --- Spelling variants of planted duplicates ------------------------------------------


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _article_variant(rng: random.Random, name: str) -> str:
    """Al-Kuwari / Alkuwari / Al Kuwari / Kuwari."""
    for prefix in ("Al-", "El-"):
        if name.startswith(prefix):
            rest = name[len(prefix):]
            return rng.choice([prefix[:-1] + rest.lower(), prefix[:-1] + " " + rest, rest])
    return name


class _Generator:
    def __init__(self, *, seed: int, batch: int, cases_per_person: float = CASE_RATE,
                 progress: Callable[[str], None] | None = None) -> None:
        # Reproducible test data, not secrets: a seeded PRNG is what is wanted.
        self.rng = random.Random(seed)  # noqa: S311
        self.seed = seed
        self.batch = batch
        self.progress = progress or (lambda _msg: None)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.year = self.today.year
        self.result = SyntheticResult()
        self.cases_per_person = cases_per_person
        load_case_types()
        centers = list(Organization.objects.filter(kind=OrganizationKind.CENTER,
                                                   is_active=True).order_by("code"))
        if not centers:
            raise RuntimeError("no centers: run seed_demo first")
        self.centers = centers
        types: dict[str, list[CaseType]] = {}
        for case_type in CaseType.objects.filter(is_active=True).order_by("code"):
            types.setdefault(case_type.domain, []).append(case_type)
        self.types = types
        self.services: dict[Any, list[Service]] = {}
        for service in Service.objects.filter(is_active=True).order_by("code"):
            self.services.setdefault(service.center_id, []).append(service)
        self.managers: dict[Any, list[User]] = {}
        for user in User.objects.filter(
            organization__in=centers, is_active=True, role__in=(Role.CASE_MANAGER, Role.DIRECTOR)
        ).order_by("username"):
            self.managers.setdefault(user.organization_id, []).append(user)
        # Identifiers already registered are never drawn again (a second run, the demo).
        self.taken: set[tuple[str, str]] = set(
            PersonIdentifier.objects.values_list("type", "value").iterator()
        )
        self.serials: dict[tuple[str, ...], int] = {}
        self.referral_model = self._referral_model()
        self.embassies = {str(e.country): e for e in Organization.objects.filter(
            kind=OrganizationKind.EMBASSY, is_active=True).order_by("code")}
        self.foundation = Organization.objects.filter(
            kind=OrganizationKind.FOUNDATION, is_active=True).order_by("code").first()
        self.center_by_domain = {c.domain: c for c in reversed(self.centers) if c.domain}
        self.nationalities = list(NATIONALITY_WEIGHTS)
        self.weights = list(NATIONALITY_WEIGHTS.values())

    # --- Values ------------------------------------------------------------------

    def _referral_model(self) -> Any:
        """The Referral model if the referrals app defines it and its table exists."""
        try:
            model = apps.get_model("referrals", "Referral")
        except LookupError:
            return None
        if model._meta.db_table not in connection.introspection.table_names():
            return None
        return model

    def _next_serial(self, key: tuple[str, ...], start: int) -> int:
        value = self.serials.get(key, start)
        self.serials[key] = value + 1
        return value

    def _qid(self, dob: dt.date, nationality: str) -> str | None:
        century = "2" if dob.year < 2000 else "3"
        country = ISO_NUMERIC.get(nationality, 999)
        for _attempt in range(20):
            serial = self._next_serial((century, str(dob.year % 100), nationality),
                                       self.rng.randrange(1, 50_000))
            value = f"{century}{dob.year % 100:02d}{country:03d}{serial % 100_000:05d}"
            if (IdentifierType.QID, value) not in self.taken:
                self.taken.add((IdentifierType.QID, value))
                return value
        return None

    def _passport(self, nationality: str) -> str | None:
        letter = {"IN": "N", "PH": "P", "NP": "PA", "BD": "BE", "PK": "AB", "LK": "N",
                  "KE": "AK", "EG": "A", "QA": "Q"}.get(nationality, "X")
        for _attempt in range(20):
            serial = self._next_serial(("passport", nationality),
                                       self.rng.randrange(1_000_000, 5_000_000))
            value = f"{letter}{serial:07d}"
            if (IdentifierType.PASSPORT, value) not in self.taken:
                self.taken.add((IdentifierType.PASSPORT, value))
                return value
        return None

    def _dob(self, low: int, high: int) -> tuple[dt.date, bool]:
        age_days = self.rng.randrange(low * 365 + 1, high * 365 + 300)
        dob = self.today - dt.timedelta(days=age_days)
        # Migrants without papers: an estimated date, by convention 1 July.
        if self.rng.random() < 0.08 and low >= 18:
            return dt.date(dob.year, 7, 1), True
        return dob, False

    def _phone(self, nationality: str) -> str:
        if self.rng.random() < 0.85:
            return f"+974{self.rng.choice('3567')}{self.rng.randrange(10**6, 10**7):07d}"
        return ""

    # --- Persons -----------------------------------------------------------------

    def _names(self, nationality: str, sex: str, family: Any = None) -> dict[str, str]:
        rng = self.rng
        if nationality in ARAB_NATIONALITIES:
            bank = ARAB_MALE if sex == Sex.MALE else ARAB_FEMALE
            given_ar, given_lat = rng.choice(bank)
            if family is None:
                father = rng.choice(ARAB_MALE)
                grandfather = rng.choice(ARAB_MALE)
                fam = rng.choice(GULF_FAMILY if nationality == "QA" else ARAB_FAMILY)
            else:
                father, grandfather, fam = family
            return {
                "given_name_ar": given_ar, "father_name_ar": father[0],
                "grandfather_name_ar": grandfather[0], "family_name_ar": fam[0],
                "given_name_latin": rng.choice(given_lat),
                "father_name_latin": rng.choice(father[1]),
                "grandfather_name_latin": rng.choice(grandfather[1]),
                "family_name_latin": rng.choice(fam[1]),
            }
        bank_other = OTHER_NAMES.get(nationality) or OTHER_NAMES["IN"]
        given = rng.choice(bank_other["male" if sex == Sex.MALE else "female"])
        fam_o = family if family is not None else rng.choice(bank_other["family"])
        out = {"full_name_latin": f"{given[0]} {fam_o[0]}"}
        # Half of the registrars also write the name in Arabic script.
        if rng.random() < 0.5:
            out["full_name_ar"] = f"{given[1]} {fam_o[1]}"
        return out

    def _person(self, *, nationality: str, sex: str, dob: tuple[dt.date, bool],
                names: dict[str, str], center: Organization,
                with_ids: bool = True) -> _Draft:
        person = Person(
            nationality=nationality, sex=sex, date_of_birth=dob[0], dob_is_estimated=dob[1],
            languages=LANGUAGES.get(nationality, ["en"]), phone=self._phone(nationality),
            area=self.rng.choice(AREAS), registered_by_organization=center, **names,
        )
        identifiers = []
        if with_ids:
            if nationality == "QA" or self.rng.random() < 0.7:
                qid = self._qid(dob[0], nationality) if not dob[1] else None
                if qid:
                    identifiers.append(PersonIdentifier(person=person, type=IdentifierType.QID,
                                                        value=qid, issuing_country="QA"))
            if nationality != "QA" and self.rng.random() < 0.8:
                passport = self._passport(nationality)
                if passport:
                    identifiers.append(PersonIdentifier(
                        person=person, type=IdentifierType.PASSPORT, value=passport,
                        issuing_country=nationality))
        return _Draft(person, identifiers)

    def _household(self) -> tuple[list[_Draft], list[RelRow]]:
        """A family (Arab households, and some migrant families) or a single adult."""
        rng = self.rng
        nationality = rng.choices(self.nationalities, self.weights)[0]
        center = rng.choice(self.centers)
        arab = nationality in ARAB_NATIONALITIES
        if not arab and rng.random() < 0.75:
            sex = rng.choice((Sex.MALE, Sex.FEMALE))
            elderly = rng.random() < 0.05
            draft = self._person(nationality=nationality, sex=sex,
                                 dob=self._dob(65, 85) if elderly else self._dob(20, 55),
                                 names=self._names(nationality, sex), center=center)
            return [draft], []
        surname = None if arab else rng.choice(
            (OTHER_NAMES.get(nationality) or OTHER_NAMES["IN"])["family"]
        )
        father_names = self._names(nationality, Sex.MALE, surname)
        father = self._person(nationality=nationality, sex=Sex.MALE, dob=self._dob(30, 60),
                              names=father_names, center=center)
        # Arab women keep their own names; elsewhere the wife takes the family name.
        mother = self._person(nationality=nationality, sex=Sex.FEMALE, dob=self._dob(25, 50),
                              names=self._names(nationality, Sex.FEMALE, surname),
                              center=center)
        members = [father, mother]
        rels: list[RelRow] = []
        self._relate(rels, father.person, mother.person, RelationshipKind.SPOUSE)
        lineage: Any = surname
        if arab:
            lineage = (
                (father_names["given_name_ar"], [father_names["given_name_latin"]]),
                (father_names["father_name_ar"], [father_names["father_name_latin"]]),
                (father_names["family_name_ar"], [father_names["family_name_latin"]]),
            )
        children: list[_Draft] = []
        for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
            sex = rng.choice((Sex.MALE, Sex.FEMALE))
            child = self._person(nationality=nationality, sex=sex, dob=self._dob(0, 17),
                                 names=self._names(nationality, sex, lineage), center=center,
                                 with_ids=rng.random() < 0.6)
            for parent in (father, mother):
                self._relate(rels, parent.person, child.person, RelationshipKind.PARENT,
                             legal=parent is father)
            for sibling in children:
                self._relate(rels, sibling.person, child.person, RelationshipKind.SIBLING)
            children.append(child)
        members.extend(children)
        return members, rels

    def _relate(self, rels: list[RelRow], a: Person, b: Person, kind: str,
                legal: bool = False) -> None:
        """Both directions, as relationship_add records them; tuples, not instances:
        families make this the second largest table."""
        rels.append((uuid.uuid4(), a.pk, b.pk, kind, legal))
        rels.append((uuid.uuid4(), b.pk, a.pk, RECIPROCAL_KIND[kind], False))

    def _duplicate_of(self, original: Person) -> _Draft:
        """The same person registered again elsewhere: another center, a spelling that
        differs, the other script only, a missing middle name, an estimated date."""
        rng = self.rng
        names: dict[str, str] = {}
        style = rng.random()
        if original.given_name_ar and style < 0.4:
            # Latin only, as read from a passport, with another spelling.
            names["given_name_latin"] = _typo(rng, original.given_name_latin) \
                if rng.random() < 0.3 else original.given_name_latin
            if rng.random() < 0.6:
                names["father_name_latin"] = original.father_name_latin
            names["family_name_latin"] = _article_variant(rng, original.family_name_latin)
        elif original.given_name_ar and style < 0.7:
            # Arabic only, without the grandfather's name.
            names.update(given_name_ar=original.given_name_ar,
                         father_name_ar=original.father_name_ar,
                         family_name_ar=original.family_name_ar)
        elif original.given_name_ar:
            names.update(given_name_ar=original.given_name_ar,
                         family_name_ar=original.family_name_ar,
                         given_name_latin=original.given_name_latin,
                         family_name_latin=_article_variant(rng, original.family_name_latin))
        elif original.full_name_ar and style < 0.5:
            names["full_name_ar"] = original.full_name_ar
        else:
            parts = original.full_name_latin.split(" ")
            if rng.random() < 0.5 and len(parts) > 1:
                parts = [*parts[1:], parts[0]]  # family name first
            else:
                parts = [_typo(rng, p) if rng.random() < 0.5 else p for p in parts]
            names["full_name_latin"] = " ".join(parts)
        dob = original.date_of_birth
        assert dob is not None
        estimated = rng.random() < 0.3
        if estimated:
            dob = min(dt.date(dob.year + rng.choice((-1, 0, 1)), 7, 1), self.today)
        others = [c for c in self.centers if c.pk != original.registered_by_organization_id]
        return self._person(nationality=str(original.nationality), sex=original.sex,
                            dob=(dob, estimated), names=names,
                            center=rng.choice(others or self.centers), with_ids=False)

    # --- Cases -------------------------------------------------------------------

    def _case(self, person: Person, reference: str) -> tuple[Case, list[CaseEvent], list[Task]]:
        rng = self.rng
        center = person.registered_by_organization if rng.random() < 0.8 else \
            rng.choice(self.centers)
        if not self.types.get(center.domain or ""):
            center = rng.choice([c for c in self.centers if self.types.get(c.domain or "")])
        types = self.types[center.domain or ""]
        managers = self.managers.get(center.pk, [])
        case_type = rng.choice(types)
        opened = self.now - dt.timedelta(days=rng.randrange(1, 3 * 365),
                                         minutes=rng.randrange(0, 1440))
        path = [CaseStatus.INTAKE, CaseStatus.ASSESSMENT, CaseStatus.PLAN, CaseStatus.SERVICES,
                CaseStatus.REVIEW]
        steps = rng.randrange(0, len(path))
        closed = rng.random() < 0.3
        status = CaseStatus.CLOSED if closed else path[steps]
        manager = rng.choice(managers) if managers else None
        case = Case(
            reference=reference, center=center, person=person, case_type=case_type,
            status=status, risk_level=rng.choice(RiskLevel.values),
            is_restricted=case_type.default_sensitivity == Sensitivity.RESTRICTED,
            assigned_manager=manager, opened_at=opened, opened_by=manager,
            summary="Synthetic case for load testing.",
        )
        if closed:
            case.closed_at = opened + dt.timedelta(days=rng.randrange(1, 200))
            if case.closed_at > self.now:
                case.closed_at = self.now
            case.closure_reason = rng.choice((ClosureReason.GOALS_MET, ClosureReason.DECLINED,
                                              ClosureReason.LOST_CONTACT,
                                              ClosureReason.LEFT_COUNTRY))
        events: list[CaseEvent] = []
        tasks: list[Task] = []
        if manager is None:
            return case, events, tasks  # a center without staff: nobody to write a timeline
        span = max((case.closed_at or self.now) - opened, dt.timedelta(hours=1))
        moments = sorted(opened + span * rng.random() for _ in range(steps + 3))
        previous = CaseStatus.INTAKE
        for i, to_status in enumerate([*path[1:steps + 1],
                                       *([CaseStatus.CLOSED] if closed else [])]):
            events.append(CaseEvent(case=case, kind=CaseEventKind.STATUS_CHANGE, author=manager,
                                    occurred_at=moments[i], from_status=previous,
                                    to_status=to_status))
            previous = to_status
        events.append(CaseEvent(case=case, kind=CaseEventKind.NOTE, author=manager,
                                occurred_at=moments[-2], text="Home visit; family present."))
        services = self.services.get(center.pk)
        if services and steps >= 3:
            events.append(CaseEvent(case=case, kind=CaseEventKind.SERVICE_DELIVERED,
                                    author=manager, occurred_at=moments[-1],
                                    service=rng.choice(services)))
        if not closed:
            tasks.append(Task(case=case, title="Follow-up visit", assigned_to=manager,
                              created_by=manager,
                              due_at=self.now + dt.timedelta(days=rng.randrange(-10, 30))))
        return case, events, tasks

    def _referral(self, case: Case, reference: str) -> Any:
        rng = self.rng
        others = [c for c in self.centers if c.pk != case.center_id and c.domain]
        to = rng.choice(others)
        urgency = rng.choice(("routine", "routine", "urgent", "emergency"))
        from tawasul.referrals.due import referral_due_at, referral_remind_at

        sent = case.opened_at + dt.timedelta(days=rng.randrange(0, 30))
        sent = min(sent, self.now)
        status = rng.choice(("submitted", "declined", "withdrawn"))
        return self.referral_model(
            reference=reference, from_organization_id=case.center_id, to_organization=to,
            source_case=case, person_id=case.person_id, domain=to.domain, urgency=urgency,
            reason="Needs services of the receiving center.", status=status, sent_at=sent,
            due_at=referral_due_at(urgency, sent), remind_at=referral_remind_at(urgency, sent),
            decline_reason="Not eligible." if status == "declined" else "",
            decided_at=sent + dt.timedelta(hours=2) if status == "declined" else None,
            withdrawn_reason="Resolved locally." if status == "withdrawn" else "",
            withdrawn_at=sent + dt.timedelta(hours=3) if status == "withdrawn" else None,
            created_by=case.assigned_manager,
        )

    def _embassy_referral(self, case: Case, reference: str) -> tuple[Any, Any]:
        """The referral the person's embassy sent before the case, with the person as the
        embassy submitted them, in one of the states triage leaves it in."""
        from tawasul.referrals.due import triage_due_at, triage_remind_at
        from tawasul.referrals.models import SubmittedPerson

        rng = self.rng
        person = case.person
        status, held, _weight = rng.choices(EMBASSY_OUTCOMES,
                                            weights=[w for *_x, w in EMBASSY_OUTCOMES])[0]
        urgency = rng.choice(("routine", "routine", "urgent", "emergency"))
        if status == "submitted" or (status == "under_review" and not held):
            # Still with the intake desk: sent in the last weeks.
            sent = self.now - dt.timedelta(hours=rng.randrange(1, 21 * 24))
        else:
            sent = min(case.opened_at - dt.timedelta(hours=rng.randrange(1, 96)), self.now)
        decided = sent + dt.timedelta(hours=rng.randrange(2, 72))
        referral = self.referral_model(
            reference=reference, kind="embassy_to_foundation",
            from_organization=self.embassies[str(person.nationality)],
            to_organization=self.foundation,
            # A new referral is matched but may not be linked to the registry yet.
            person=person if held or status != "submitted" or rng.random() < 0.5 else None,
            assigned_center_id=case.center_id if held else None,
            domain=case.center.domain or "protection", urgency=urgency,
            reason="The embassy asks the foundation to assess the family's situation.",
            status=status, sent_at=sent,
            due_at=triage_due_at(urgency, sent), remind_at=triage_remind_at(urgency, sent),
            decided_at=decided if status not in ("submitted", "under_review", "withdrawn")
            else None,
            decline_reason="Outside the foundation's services." if status == "declined" else "",
            withdrawn_reason="The person left the country." if status == "withdrawn" else "",
            withdrawn_at=decided if status == "withdrawn" else None,
            completed_at=min(decided + dt.timedelta(days=rng.randrange(5, 90)), self.now)
            if status == "completed" else None,
        )
        submitted = SubmittedPerson(
            referral=referral, name_ar=person.name_ar, name_en=person.name_latin,
            sex=person.sex or "female", nationality=person.nationality,
            date_of_birth=person.date_of_birth or dt.date(self.year - 30, 1, 1),
            passport_number="", phone=person.phone or "", matches=[], matched_at=sent,
        )
        return referral, submitted

    # --- Writing -----------------------------------------------------------------

    def _reserve(self, counter: Any, count: int) -> int:
        """Take `count` references from the year's counter: returns the first number."""
        counter.objects.get_or_create(year=self.year)
        row = counter.objects.select_for_update().get(year=self.year)
        first = row.last + 1
        row.last += count
        row.save(update_fields=["last"])
        return first

    def _keys(self, draft: _Draft) -> list[tuple[Any, str, str]]:
        p = draft.person
        record = engine.PersonRecord(
            id=p.pk,
            names_ar=duplicates._names((p.given_name_ar, p.father_name_ar,
                                        p.grandfather_name_ar, p.family_name_ar),
                                       p.full_name_ar),
            names_latin=duplicates._names((p.given_name_latin, p.father_name_latin,
                                           p.grandfather_name_latin, p.family_name_latin),
                                          p.full_name_latin),
            date_of_birth=p.date_of_birth, dob_estimated=p.dob_is_estimated,
            sex=p.sex or None, nationality=str(p.nationality) or None,
            identifiers={duplicates._identifier_kind(i.type, str(i.issuing_country)): i.value
                         for i in draft.identifiers},
            phone=p.phone or None,
        )
        return [(p.pk, k, kind) for k, kind in duplicates._keys(record).items()]

    def run_batch(self, size: int) -> None:
        planted = round(size * DUPLICATE_RATE)
        drafts: list[_Draft] = []
        rels: list[RelRow] = []
        while len(drafts) < size - planted:
            members, household_rels = self._household()
            if len(drafts) + len(members) > size - planted:
                members, household_rels = members[:1], []  # the batch is full: one person
            drafts.extend(members)
            rels.extend(household_rels)
        pairs: list[tuple[Person, Person]] = []
        originals = len(drafts)
        for _ in range(planted):
            original = drafts[self.rng.randrange(originals)].person
            duplicate = self._duplicate_of(original)
            drafts.append(duplicate)
            pairs.append((original, duplicate.person))
        first = self._reserve_in_tx(PersonReferenceCounter, len(drafts))
        for i, draft in enumerate(drafts):
            draft.person.reference = f"P-{self.year}-{first + i:06d}"
        identifiers = [i for d in drafts for i in d.identifiers]
        keys = [k for d in drafts for k in self._keys(d)]
        cases: list[Case] = []
        events: list[CaseEvent] = []
        tasks: list[Task] = []
        whole, part = divmod(self.cases_per_person, 1)
        with_case = [d.person for d in drafts
                     for _ in range(int(whole) + (self.rng.random() < part))]
        case_first = self._reserve_in_tx(CaseReferenceCounter, len(with_case))
        for i, person in enumerate(with_case):
            reference = f"C-{self.year}-{case_first + i:06d}"
            case, case_events, case_tasks = self._case(person, reference)
            cases.append(case)
            events.extend(case_events)
            tasks.extend(case_tasks)
        referrals: list[Any] = []
        submitted: list[Any] = []
        if self.referral_model is not None:
            from tawasul.referrals.models import ReferralReferenceCounter

            # One referral of each kind at most per person (one open referral per person
            # and recipient), from the person's first case.
            firsts = list({c.person.pk: c for c in reversed(cases)}.values())
            chosen = [c for c in firsts if self.rng.random() < REFERRAL_RATE]
            by_embassy = [c for c in firsts if self.foundation is not None
                          and str(c.person.nationality) in self.embassies
                          and self.rng.random() < EMBASSY_REFERRAL_RATE]
            ref_first = self._reserve_in_tx(ReferralReferenceCounter,
                                            len(chosen) + len(by_embassy))
            referrals = [self._referral(c, f"R-{self.year}-{ref_first + i:06d}")
                         for i, c in enumerate(chosen)]
            for i, c in enumerate(by_embassy, start=ref_first + len(chosen)):
                referral, person = self._embassy_referral(c, f"TW-{self.year}-{i:06d}")
                referrals.append(referral)
                submitted.append(person)
        now = timezone.now()
        with transaction.atomic():
            _insert(Person, [d.person for d in drafts], now)
            _insert(PersonIdentifier, identifiers, now)
            _insert_rows(Relationship, REL_COLUMNS, rels, now)
            _insert_match_keys(keys)
            _insert(Case, cases, now)
            _insert_rows(CaseNameKey, CASE_NAME_KEY_COLUMNS, name_key_rows(
                ((c.pk, c.center_id, c.person_id) for c in cases), keys), now)
            _insert(CaseEvent, events, now)
            _insert(Task, tasks, now)
            if referrals:
                _insert(self.referral_model, referrals, now)
            if submitted:
                _insert(submitted[0].__class__, submitted, now)
        r = self.result
        r.persons += len(drafts)
        r.identifiers += len(identifiers)
        r.relationships += len(rels)
        r.match_keys += len(keys)
        r.duplicates += len(pairs)
        r.cases += len(cases)
        r.events += len(events)
        r.tasks += len(tasks)
        r.referrals += len(referrals)
        r.embassy_referrals += len(submitted)
        room = 500 - len(r.duplicate_pairs)
        r.duplicate_pairs.extend((o.pk, d.pk) for o, d in pairs[:max(room, 0)])

    def _reserve_in_tx(self, counter: Any, count: int) -> int:
        with transaction.atomic():
            return self._reserve(counter, count)


def _converter(field: Any) -> Callable[[Any], Any]:
    """Python value → what the database driver takes, for one column, without the ORM's
    per-value machinery (which costs more than the INSERT itself at this volume)."""
    target = field.target_field if field.is_relation else field
    internal = target.get_internal_type()
    ops = connection.ops
    if internal == "UUIDField":
        if connection.features.has_native_uuid_field:
            return lambda v: v
        return lambda v: None if v is None else v.hex
    if internal == "DateTimeField":
        return ops.adapt_datetimefield_value
    if internal == "DateField":
        return ops.adapt_datefield_value
    if internal == "JSONField":
        return lambda v: field.get_db_prep_save(v, connection)
    if isinstance(field, CountryField):
        return lambda v: str(v or "")
    return lambda v: v


def _insert_rows(model: Any, attnames: Sequence[str], rows: Sequence[tuple[Any, ...]],
                 now: dt.datetime) -> None:
    """INSERT rows (values in `attnames` order) with executemany; created_at and
    updated_at, when the model has them, are `now`."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in attnames]
    stamps = [f for f in model._meta.concrete_fields
              if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    converters = [_converter(f) for f in fields]
    stamp = tuple(_converter(f)(now) for f in stamps)
    qn = connection.ops.quote_name
    columns = [f.column for f in fields] + [f.column for f in stamps]
    # Table and column names come from the models, values go as parameters.
    sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)})"  # noqa: S608
           f" VALUES ({', '.join(['%s'] * len(columns))})")
    prepared = [
        tuple(convert(v) for convert, v in zip(converters, row, strict=True)) + stamp
        for row in rows
    ]
    _execute(sql, len(columns), prepared)


def _execute(sql: str, width: int, rows: Sequence[tuple[Any, ...]]) -> None:
    """SQLite runs executemany's loop in C over one prepared statement: fastest there.
    On PostgreSQL, COPY: no statement per row, no SQL text to build."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            for start in range(0, len(rows), INSERT_BATCH):
                cursor.executemany(sql, rows[start:start + INSERT_BATCH])
            return
        head = sql.partition(" VALUES ")[0]
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        with raw.copy(head.replace("INSERT INTO", "COPY", 1) + " FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _insert(model: Any, objs: Sequence[Any], now: dt.datetime) -> None:
    """INSERT model instances without the ORM's per-value machinery; an auto-increment
    primary key is left to the database, auto_now(_add) fields get `now`."""
    attnames = [f.attname for f in model._meta.concrete_fields
                if not (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
                and not (f.primary_key
                         and f.get_internal_type() in ("AutoField", "BigAutoField"))]
    _insert_rows(model, attnames, [tuple(getattr(o, a) for a in attnames) for o in objs], now)


CASE_NAME_KEY_COLUMNS = ("case_id", "center_id", "key")


def _insert_match_keys(keys: Sequence[tuple[Any, str, str]]) -> None:
    """(person id, key, kind) rows: the largest table, written without model instances."""
    convert = _converter(PersonMatchKey._meta.get_field("person"))
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(PersonMatchKey._meta.db_table)} "  # noqa: S608
           f"({qn('person_id')}, {qn('key')}, {qn('kind')}) VALUES (%s, %s, %s)")
    _execute(sql, 3, [(convert(pid), key, kind) for pid, key, kind in keys])


def _chunks(total: int, size: int) -> Iterator[int]:
    while total > 0:
        yield min(size, total)
        total -= size


# Tables the generator fills: their secondary indexes are rebuilt after a bulk load.
LOADED_TABLES = ("people_person", "people_personidentifier", "people_relationship",
                 "people_personmatchkey", "cases_case", "cases_casenamekey", "cases_caseevent",
                 "cases_task", "referrals_referral", "referrals_submittedperson")


def _secondary_indexes() -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the plain (non-unique, not constraint-backed)
    indexes of the loaded tables. Unique indexes stay: they keep checking every row."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            placeholders = ", ".join(["%s"] * len(LOADED_TABLES))  # values go as parameters
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"  # noqa: S608
                f" AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({placeholders})",
                LOADED_TABLES)
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i"
                " JOIN pg_class c ON c.relname = i.indexname"
                " JOIN pg_index x ON x.indexrelid = c.oid"
                " WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)"
                " AND NOT x.indisunique AND NOT x.indisprimary", [list(LOADED_TABLES)])
        else:
            return []
        return [(name, sql) for name, sql in cursor.fetchall()]


@contextmanager
def bulk_load(progress: Callable[[str], None]) -> Iterator[None]:
    """For filling an empty or benchmark database fast: durability loosened for this
    connection (a crash loses the load, not older data), and the plain indexes of the
    loaded tables dropped during the load and rebuilt at its end (one sort instead of a
    million random B-tree inserts). Never for a live registry: other sessions would run
    without those indexes meanwhile."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1000000")  # ≈1 GB of page cache
            cursor.execute("PRAGMA temp_store = MEMORY")
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '512MB'")
    indexes = _secondary_indexes()
    with connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    progress(f"bulk load: {len(indexes)} indexes dropped until the end of the load")
    try:
        yield
    finally:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)
            if connection.vendor == "postgresql":
                # VACUUM also sets the visibility map, without which PostgreSQL cannot
                # answer from an index alone (the match-key lookup) on freshly loaded rows.
                cursor.execute("VACUUM (ANALYZE)")
            elif connection.vendor == "sqlite":
                cursor.execute("ANALYZE")
        progress(f"bulk load: {len(indexes)} indexes rebuilt and statistics refreshed in "
                 f"{time.perf_counter() - started:.0f} s")


def generate(*, persons: int, seed: int = 2026, batch: int = 5000,
             cases_per_person: float = CASE_RATE,
             progress: Callable[[str], None] | None = None,
             actor_username: str = "system:generate_synthetic",
             fast_load: bool = False) -> SyntheticResult:
    """Add `persons` synthetic persons (planted duplicates included) and what belongs to
    them. Each batch is its own transaction: an interrupted run keeps whole batches.
    `fast_load`: see bulk_load (empty or benchmark databases only)."""
    started = time.perf_counter()
    gen = _Generator(seed=seed, batch=batch, cases_per_person=cases_per_person,
                     progress=progress)
    with bulk_load(gen.progress) if fast_load else nullcontext():
        for size in _chunks(persons, max(batch, 1)):
            gen.run_batch(size)
            elapsed = time.perf_counter() - started
            gen.progress(f"{gen.result.persons} persons, {gen.result.cases} cases "
                         f"({gen.result.persons / elapsed:.0f} persons/s)")
    result = gen.result
    result.seconds = time.perf_counter() - started
    audit_record(
        action=AuditAction.CREATE, actor_username=actor_username,
        object_type="people.person", object_id="generate_synthetic",
        fields=["persons", "identifiers", "relationships", "match_keys", "cases",
                "case_events", "tasks", *(["referrals"] if result.referrals else [])],
        reason=(f"synthetic data, seed {seed}: {result.persons} persons "
                f"({result.duplicates} planted duplicates), {result.identifiers} identifiers, "
                f"{result.relationships} relationships, {result.match_keys} match keys, "
                f"{result.cases} cases, {result.events} events, {result.tasks} tasks, "
                f"{result.referrals} referrals ({result.embassy_referrals} from embassies)"),
    )
    return result


__all__: Sequence[str] = ("SyntheticResult", "generate")
