from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.cases import services as case_services
from tawasul.cases.case_types import load_case_types
from tawasul.cases.models import CaseType
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.people.matching_reasons import reason_message
from tawasul.people.models import Consent, Person
from tawasul.people.services import consent_record, safety_flag_set
from tawasul.people.tests.conftest import register

pytestmark = pytest.mark.django_db


def intake(**overrides: str) -> dict[str, str]:
    data = {
        "given_name_ar": "", "father_name_ar": "", "grandfather_name_ar": "",
        "family_name_ar": "", "full_name_ar": "", "given_name_latin": "Maria",
        "father_name_latin": "", "grandfather_name_latin": "", "family_name_latin": "Santos",
        "full_name_latin": "", "date_of_birth": "1990-02-03", "sex": "female",
        "nationality": "PH", "qid": "", "passport_number": "", "passport_country": "",
        "phone": "5555 1234", "languages": "tl, en", "area": "Al Sadd",
    }
    data.update(overrides)
    return data


@pytest.fixture
def arabic_record(world: World) -> Person:
    """Registered by the protection center in Arabic script only."""
    return register(world, given_name_ar="محمد", father_name_ar="عبد الرحمن",
                    family_name_ar="الكواري", given_name_latin="", family_name_latin="",
                    date_of_birth=dt.date(1987, 5, 1), phone="+97455550000")


# --- Intake -------------------------------------------------------------------------


def test_center_staff_registers_a_person(client: Client, world: World) -> None:
    log_in(client, world.family_manager)
    url = reverse("people:register")
    assert client.get(url).status_code == 200
    response = client.post(url, intake(passport_number="P 123 4567", passport_country="PH"))
    person = Person.objects.get(given_name_latin="Maria")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.phone == "+97455551234"
    assert person.languages == ["tl", "en"]
    assert person.registered_by_organization == world.family
    identifier = person.identifiers.get()
    assert (identifier.type, identifier.value, str(identifier.issuing_country)) == (
        "passport", "P1234567", "PH")


@pytest.mark.parametrize("username", ["consul_ph", "supervisor", "unesco_fp", "analyst"])
def test_outsiders_have_no_intake(client: Client, world: World, username: str) -> None:
    log_in(client, world.users[username])
    assert client.get(reverse("people:register")).status_code == 404
    assert client.post(reverse("people:register"), intake()).status_code == 404
    assert client.post(reverse("people:suggestions"), intake()).status_code == 404
    assert not Person.objects.exists()


def test_form_error_keeps_what_was_typed(client: Client, world: World) -> None:
    log_in(client, world.family_manager)
    response = client.post(reverse("people:register"),
                           intake(qid="12345", date_of_birth="2999-01-01"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "qid" in form.errors
    assert "date_of_birth" in form.errors
    html = response.content.decode()
    assert 'value="Santos"' in html and 'value="12345"' in html and 'value="Al Sadd"' in html
    assert not Person.objects.exists()


def test_a_passport_needs_its_country(client: Client, world: World) -> None:
    log_in(client, world.family_manager)
    response = client.post(reverse("people:register"), intake(passport_number="P1234567"))
    assert "passport_country" in response.context["form"].errors
    assert not Person.objects.exists()


def test_a_taken_identifier_is_shown_on_its_field(client: Client, world: World) -> None:
    register(world, identifiers=[{"type": "passport", "value": "P1234567",
                                  "issuing_country": "PH"}])
    log_in(client, world.family_manager)
    response = client.post(reverse("people:register"),
                           intake(passport_number="P1234567", passport_country="PH"))
    assert response.status_code == 200
    assert "passport_number" in response.context["form"].errors
    assert Person.objects.count() == 1


def test_suggestions_show_the_arabic_record_for_a_latin_name(
    client: Client, world: World, arabic_record: Person
) -> None:
    log_in(client, world.family_manager)
    response = client.post(reverse("people:suggestions"), intake(
        given_name_latin="Muhammad", father_name_latin="Abdul Rahman",
        family_name_latin="Alkuwari", date_of_birth="1987-05-01", sex="male",
        nationality="QA", phone="", area=""), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "محمد عبد الرحمن الكواري" in html
    assert arabic_record.reference in html
    with translation.override("ar"):
        reason = reason_message("arabic_matches_latin_same_birth_year")
    assert reason in html
    # "Use this person" leads to opening a case for the existing person.
    assert reverse("cases:open", args=[arabic_record.pk]) in html
    # Identity only: nothing the registering center keeps for itself.
    assert "55550000" not in html
    entry = AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(arabic_record.pk),
                                      actor=world.family_manager).get()
    assert "given_name_ar" in entry.fields and "phone" not in entry.fields


def test_the_suggestions_panel_reads_the_same_queries_for_one_person_as_for_many(
    client: Client, world: World, arabic_record: Person, django_assert_max_num_queries: object
) -> None:
    """The persons shown are made from the rows they were scored from: no query per person
    (their names, date, sex and nationality, the links, the audit entries in one insert)."""
    log_in(client, world.family_manager)
    draft = intake(given_name_latin="Muhammad", father_name_latin="Abdul Rahman",
                   family_name_latin="Alkuwari", date_of_birth="1987-05-01", sex="male",
                   nationality="QA", phone="", area="")
    url = reverse("people:suggestions")
    client.post(url, draft, HTTP_HX_REQUEST="true")  # the session and the engine, warm
    with CaptureQueriesContext(connection) as one:
        html = client.post(url, draft, HTTP_HX_REQUEST="true").content.decode()
    assert html.count(' suggestion">') == 1
    for day in range(2, 7):
        register(world, date_of_birth=dt.date(1987, 5, day))
    with django_assert_max_num_queries(len(one.captured_queries)):  # type: ignore[operator]
        html = client.post(url, draft, HTTP_HX_REQUEST="true").content.decode()
    assert html.count(' suggestion">') == 6
    assert html.count(reverse("people:detail", args=[arabic_record.pk])) == 1
    assert AuditEntry.objects.filter(action=AuditAction.READ, actor=world.family_manager,
                                     object_type="people.person").count() == 1 + 1 + 6


def test_suggestions_are_empty_for_a_new_name(
    client: Client, world: World, arabic_record: Person
) -> None:
    log_in(client, world.family_manager)
    response = client.post(reverse("people:suggestions"), intake())
    assert response.status_code == 200
    assert arabic_record.reference not in response.content.decode()


# --- Person page --------------------------------------------------------------------


@pytest.fixture
def protection_case(world: World, arabic_record: Person) -> object:
    load_case_types()
    return case_services.case_open(
        actor=world.protection_manager, center=world.protection, person=arabic_record,
        case_type=CaseType.objects.get(domain="protection", code="child-abuse"),
        risk_level="high",
    )


def test_registering_center_sees_identity_cases_flags_and_consents(
    client: Client, world: World, arabic_record: Person, protection_case: object
) -> None:
    safety_flag_set(actor=world.protection_manager, person=arabic_record,
                    kind="asylum_seeker")
    consent_record(actor=world.protection_manager, person=arabic_record, purpose="referral",
                   recipients=[world.family], data_categories=["identity"])
    log_in(client, world.protection_manager)
    response = client.get(reverse("people:detail", args=[arabic_record.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "محمد عبد الرحمن الكواري" in html
    assert protection_case.reference in html  # type: ignore[attr-defined]
    assert response.context["flags"] and response.context["consents"]
    assert 'class="hijri-date' in html
    entry = AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(arabic_record.pk),
                                      actor=world.protection_manager).latest("id")
    assert {"given_name_ar", "cases", "consents", "safety_flags"} <= set(entry.fields)


def test_other_center_sees_identity_only(
    client: Client, world: World, arabic_record: Person, protection_case: object
) -> None:
    safety_flag_set(actor=world.protection_manager, person=arabic_record,
                    kind="asylum_seeker")
    consent_record(actor=world.protection_manager, person=arabic_record, purpose="referral",
                   recipients=[world.family], data_categories=["identity"])
    assert Consent.objects.exists()
    log_in(client, world.family_manager)
    response = client.get(reverse("people:detail", args=[arabic_record.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "محمد عبد الرحمن الكواري" in html
    assert protection_case.reference not in html  # type: ignore[attr-defined]
    assert response.context["cases"] == []
    assert response.context["flags"] == [] and response.context["consents"] == []
    entry = AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(arabic_record.pk),
                                      actor=world.family_manager).latest("id")
    assert "cases" not in entry.fields and "phone" not in entry.fields


@pytest.mark.parametrize("username", ["consul_ph", "viewer_ph", "supervisor", "unesco_fp",
                                      "liaison", "analyst"])
def test_person_page_is_404_outside_the_registry(
    client: Client, world: World, arabic_record: Person, username: str
) -> None:
    log_in(client, world.users[username])
    response = client.get(reverse("people:detail", args=[arabic_record.pk]))
    assert response.status_code == 404
    assert "الكواري" not in response.content.decode()
