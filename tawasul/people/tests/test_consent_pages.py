"""Consent pages: the consents section of the person page, recording a consent with its
evidence, withdrawing it, downloading the evidence; who may and who gets 404; the bad
input each form refuses, with what was typed kept; the audit trail of each step."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import World
from tawasul.home.tests.helpers import log_in
from tawasul.people import services
from tawasul.people.models import Consent, Person
from tawasul.people.tests.conftest import register

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 64
# Outside the registry altogether, or in it but shown only identity of this person.
OUTSIDERS = ["family_manager", "family_director", "consul_ph", "viewer_ph", "supervisor",
             "liaison", "analyst", "unesco_fp"]
THE_CENTER = ["protection_director", "protection_manager", "protection_staff"]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def as_user(client: Client, world: World, username: str, language: str = "ar") -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return log_in(client, world.users[username])


def pdf(name: str = "نموذج موافقة فاطمة.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "purpose": "referral", "purpose_text": "", "recipients": [str(world.family.pk)],
        "data_categories": ["identity", "case_summary"], "granted_by": "person",
        "granted_by_person": "", "granted_by_name": "", "granted_by_relationship": "",
        "granted_on": timezone.localdate().isoformat(), "expires_on": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def record_url(person: Person) -> str:
    return reverse("people:consent_record", args=[person.pk])


def withdraw_url(consent: Consent) -> str:
    return reverse("people:consent_withdraw", args=[consent.pk])


def evidence_url(consent: Consent) -> str:
    return reverse("people:consent_evidence", args=[consent.pk])


def recorded(world: World, person: Person, **extra: Any) -> Consent:
    kwargs: dict[str, Any] = {
        "actor": world.protection_manager, "person": person, "purpose": "referral",
        "recipients": [world.family], "data_categories": ["identity", "case_summary"],
    }
    kwargs.update(extra)
    return services.consent_record(**kwargs)


@pytest.fixture
def consent(world: World, person: Person) -> Consent:
    """Recorded by the protection center, which registered the person, with evidence."""
    return recorded(world, person, evidence=pdf(), purpose_text="Referral to family center",
                    expires_at=timezone.now() + dt.timedelta(days=180))


@pytest.fixture
def child_with_mother(world: World) -> tuple[Person, Person]:
    child = register(world, given_name_ar="يوسف", given_name_latin="Yousef",
                     date_of_birth=dt.date(2016, 1, 1))
    mother = register(world, given_name_ar="مريم", given_name_latin="Maryam", sex="female")
    services.relationship_add(actor=world.protection_manager, from_person=mother,
                              to_person=child, kind="parent", is_legal_guardian=True)
    return child, mother


def in_ar(message: str) -> str:
    with translation.override("ar"):
        return gettext(message)


# --- Recording ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["protection_manager", "protection_staff"])
def test_the_centers_staff_record_a_consent_with_its_evidence(
    client: Client, world: World, person: Person, media: Path, username: str
) -> None:
    as_user(client, world, username)
    assert client.get(record_url(person)).status_code == 200
    response = client.post(record_url(person), form_data(
        world, recipients=[str(world.family.pk), str(world.embassy_ph.pk)],
        data_categories=["identity", "health"], expires_on="2099-12-31",
        evidence=pdf(),
    ))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk]) + "#consents"
    consent = Consent.objects.get()
    assert set(consent.recipients.all()) == {world.family, world.embassy_ph}
    assert consent.data_categories == ["identity", "health"]
    assert consent.granted_by_person is None and consent.granted_by_name == ""
    assert consent.recorded_by == world.users[username]
    assert timezone.localtime(consent.expires_at).date() == dt.date(2099, 12, 31)
    # Stored under MEDIA_ROOT (no URL serves it), under a random name: the user's file
    # name, here the person's own, is kept nowhere.
    stored = media / consent.evidence.name
    assert stored.read_bytes() == PDF_BYTES
    assert consent.evidence.name.startswith("consents/") and consent.evidence.name.endswith(".pdf")
    assert "فاطمة" not in consent.evidence.name
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(consent.pk))
    assert entry.actor == world.users[username]
    assert {"person", "recipients", "data_categories", "evidence"} <= set(entry.fields)


def test_a_child_consents_through_a_guardian_chosen_from_their_guardians(
    client: Client, world: World, child_with_mother: tuple[Person, Person]
) -> None:
    child, mother = child_with_mother
    as_user(client, world, "protection_manager")
    response = client.get(record_url(child))
    assert mother.reference in response.content.decode()
    response = client.post(record_url(child), form_data(
        world, granted_by="guardian", granted_by_person=str(mother.pk),
        granted_by_relationship="الأم",
    ))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.granted_by_person == mother
    assert consent.granted_by_relationship == "الأم"
    page = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert mother.display_name in page or "مريم" in page
    assert "الأم" in page


def test_a_guardian_who_is_not_registered_is_named(
    client: Client, world: World, child_with_mother: tuple[Person, Person]
) -> None:
    child, _mother = child_with_mother
    as_user(client, world, "protection_manager")
    response = client.post(record_url(child), form_data(
        world, granted_by="named", granted_by_name="Layla Haddad",
        granted_by_relationship="aunt, appointed by the court",
    ))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.granted_by_person, consent.granted_by_name) == (None, "Layla Haddad")


def test_another_center_records_without_learning_the_family(
    client: Client, world: World, child_with_mother: tuple[Person, Person]
) -> None:
    """consent_record lets any registry member who finds the person record a consent
    (access.can_record_consent: often the center about to share takes it). The form
    offers another center no registered guardian, since family relations stay with the
    registering center, and that center's consents stay out of its sight."""
    child, mother = child_with_mother
    theirs = recorded(world, child, granted_by_person=mother, purpose_text="protection only")
    as_user(client, world, "family_manager")
    html = client.get(record_url(child)).content.decode()
    assert mother.reference not in html and "مريم" not in html
    response = client.post(record_url(child), form_data(
        world, granted_by="guardian", granted_by_person=str(mother.pk)))
    assert response.status_code == 400
    assert "granted_by_person" in response.context["form"].errors
    response = client.post(record_url(child), form_data(
        world, recipients=[str(world.protection.pk)], granted_by="named",
        granted_by_name="Maryam"))
    assert response.status_code == 302
    own = Consent.objects.exclude(pk=theirs.pk).get()
    assert own.recorded_by_organization == world.family
    page = client.get(reverse("people:detail", args=[child.pk]))
    assert [row["consent"] for row in page.context["rows"]] == [own]
    assert "protection only" not in page.content.decode()


@pytest.mark.parametrize("username", ["consul_ph", "viewer_ph", "supervisor", "liaison",
                                      "analyst", "unesco_fp"])
def test_outside_the_registry_there_is_no_record_page(
    client: Client, world: World, person: Person, username: str
) -> None:
    as_user(client, world, username)
    assert client.get(record_url(person)).status_code == 404
    assert client.post(record_url(person), form_data(world, evidence=pdf())).status_code == 404
    assert not Consent.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor=world.users[username]).exists()


# --- The person page ---------------------------------------------------------------------


@pytest.mark.parametrize("username", THE_CENTER)
def test_the_person_page_shows_each_consent_to_the_center(
    client: Client, world: World, person: Person, consent: Consent, username: str
) -> None:
    expired = recorded(world, person, purpose="service_delivery",
                       granted_at=timezone.now() - dt.timedelta(days=60),
                       expires_at=timezone.now() - dt.timedelta(days=1))
    withdrawn = recorded(world, person, purpose="coordination_with_embassy",
                         recipients=[world.embassy_ph], data_categories=["contact"])
    services.consent_withdraw(actor=world.protection_director, consent=withdrawn,
                              reason="The person asked on the phone")
    as_user(client, world, username, language="en")
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    states = {row["consent"].pk: row["state"] for row in response.context["rows"]}
    assert states == {consent.pk: "active", expired.pk: "expired", withdrawn.pk: "withdrawn"}
    html = response.content.decode()
    assert "Referral to family center" in html
    assert "Organization center-family" in html  # a recipient
    assert "Case summary" in html  # a category
    assert "The person themselves" in html
    assert evidence_url(consent) in html
    assert withdraw_url(consent) in html
    assert withdraw_url(withdrawn) not in html and withdraw_url(expired) not in html
    assert "The person asked on the phone" in html
    assert world.protection_director.display_name in html
    assert reverse("people:consent_record", args=[person.pk]) in html


def test_the_person_page_reads_consents_in_a_fixed_number_of_queries(
    client: Client, world: World, person: Person, django_assert_max_num_queries: Any
) -> None:
    recorded(world, person)
    as_user(client, world, "protection_manager")
    url = reverse("people:detail", args=[person.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for purpose in ("service_delivery", "coordination_with_embassy", "other"):
        recorded(world, person, purpose=purpose, purpose_text="details",
                 recipients=[world.family, world.unesco])
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


def test_a_center_that_sees_only_identity_sees_no_consent(
    client: Client, world: World, person: Person, consent: Consent
) -> None:
    as_user(client, world, "family_manager", language="en")
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    assert response.context["rows"] == []
    html = response.content.decode()
    assert "Referral to family center" not in html
    assert evidence_url(consent) not in html and withdraw_url(consent) not in html


def test_the_foundation_registrars_see_consents_as_the_registry_says(
    client: Client, world: World, person: Person, consent: Consent
) -> None:
    """selectors.consents_visible_to gives the foundation's administrators and intake
    officers every consent (they route referrals that depend on it); the pages follow."""
    for username in ("intake", "admin"):
        as_user(client, world, username)
        assert client.get(evidence_url(consent)).status_code == 200
        assert client.get(withdraw_url(consent)).status_code == 200


# --- Withdrawal --------------------------------------------------------------------------


@pytest.mark.parametrize("username", THE_CENTER)
def test_the_center_withdraws_with_a_reason_and_a_confirmation(
    client: Client, world: World, consent: Consent, username: str
) -> None:
    as_user(client, world, username)
    response = client.get(withdraw_url(consent))
    assert response.status_code == 200
    read = AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(consent.pk),
                                     actor=world.users[username]).get()
    assert "recipients" in read.fields
    response = client.post(withdraw_url(consent), {"reason": "", "confirm": "on"})
    assert response.status_code == 400
    assert in_ar("Give a reason.") in response.content.decode()
    response = client.post(withdraw_url(consent), {"reason": "طلبت ذلك بنفسها"})
    assert response.status_code == 400
    assert "confirm" in response.context["form"].errors
    assert response.context["form"]["reason"].value() == "طلبت ذلك بنفسها"
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    response = client.post(withdraw_url(consent),
                           {"reason": "طلبت ذلك بنفسها", "confirm": "on"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by == world.users[username]
    assert consent.withdrawal_reason == "طلبت ذلك بنفسها"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(consent.pk))
    assert entry.actor == world.users[username]
    assert "withdrawal_reason" in entry.fields and "طلبت" not in entry.reason
    assert not services.consent_allows(person=consent.person, recipient=world.family,
                                       categories={"identity"}, purpose="referral")
    # Withdrawn once: the page sends back to the person, nothing changes.
    again = client.post(withdraw_url(consent), {"reason": "again", "confirm": "on"})
    assert again.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawal_reason == "طلبت ذلك بنفسها"


@pytest.mark.parametrize("username", OUTSIDERS)
def test_nobody_else_may_withdraw(
    client: Client, world: World, consent: Consent, username: str
) -> None:
    as_user(client, world, username)
    assert client.get(withdraw_url(consent)).status_code == 404
    response = client.post(withdraw_url(consent), {"reason": "no", "confirm": "on"})
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor=world.users[username],
                                     object_type="people.consent").exists()


# --- Evidence download -------------------------------------------------------------------


@pytest.mark.parametrize("username", THE_CENTER)
def test_the_center_downloads_the_evidence_and_each_download_is_audited(
    client: Client, world: World, consent: Consent, username: str
) -> None:
    as_user(client, world, username)
    for _ in range(2):
        response = client.get(evidence_url(consent))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert consent.person.reference in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    reads = AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(consent.pk),
                                      actor=world.users[username], fields=["evidence"])
    assert reads.count() == 2


@pytest.mark.parametrize("username", OUTSIDERS)
def test_nobody_else_downloads_the_evidence(
    client: Client, world: World, consent: Consent, username: str
) -> None:
    as_user(client, world, username)
    response = client.get(evidence_url(consent))
    assert response.status_code == 404
    assert PDF_BYTES not in response.content
    assert not AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(consent.pk),
                                         actor=world.users[username]).exists()
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED,
                                     actor=world.users[username],
                                     object_type="people.consent").exists()


def test_no_evidence_no_download_and_no_url_serves_the_files(
    client: Client, world: World, person: Person, consent: Consent
) -> None:
    bare = recorded(world, person)
    as_user(client, world, "protection_manager")
    assert client.get(evidence_url(bare)).status_code == 404
    # The file is under MEDIA_ROOT, which no URL maps: only the view above serves it.
    for url in ("/media/" + consent.evidence.name, "/" + consent.evidence.name,
                "/static/" + consent.evidence.name):
        assert client.get(url).status_code == 404
    assert client.post(evidence_url(consent)).status_code == 405


# --- Bad input ---------------------------------------------------------------------------


def post_invalid(client: Client, world: World, person: Person, **overrides: Any) -> Any:
    response = client.post(record_url(person), form_data(world, **overrides))
    assert response.status_code == 400
    assert not Consent.objects.exists()
    return response


@pytest.fixture
def center_client(client: Client, world: World) -> Client:
    return as_user(client, world, "protection_manager")


def test_expiry_before_the_date_given_keeps_what_was_typed(
    center_client: Client, world: World, person: Person, media: Path
) -> None:
    response = post_invalid(
        center_client, world, person, purpose="other", purpose_text="Housing support",
        recipients=[str(world.family.pk), str(world.unesco.pk)],
        data_categories=["identity", "disability"], granted_on="2024-05-10",
        expires_on="2024-05-01", evidence=pdf(),
    )
    form = response.context["form"]
    assert list(form.errors) == ["expires_on"]
    html = response.content.decode()
    assert in_ar("The consent cannot end before the date it was given.") in html
    assert "Housing support" in html and 'value="2024-05-10"' in html
    for org in (world.family, world.unesco):
        assert f'value="{org.pk}" id="id_recipients_{org.pk.hex}" checked' in html
    assert re.search(r'<input[^>]*value="disability"[^>]*checked', html)
    assert not re.search(r'<input[^>]*value="health"[^>]*checked', html)
    # The chosen file is not kept by the browser: the page says to choose it again.
    assert response.context["evidence_not_kept"]
    assert in_ar("The file you chose was not kept because the form has errors: choose it "
                 "again before saving.") in html
    assert not any(media.rglob("*.pdf"))


def test_no_recipient_and_no_category(
    center_client: Client, world: World, person: Person
) -> None:
    response = post_invalid(center_client, world, person, recipients=[], data_categories=[])
    errors = response.context["form"].errors
    assert set(errors) == {"recipients", "data_categories"}
    html = response.content.decode()
    # In the user's language (Arabic, the default).
    assert "اختر جهة متلقية واحدة على الأقل." in html
    assert "اختر فئات البيانات التي تشملها الموافقة." in html


def test_errors_come_in_english_for_an_english_page(
    client: Client, world: World, person: Person
) -> None:
    as_user(client, world, "protection_manager", language="en")
    response = post_invalid(client, world, person, recipients=[])
    assert "Choose at least one recipient organization." in response.content.decode()


def test_a_recipient_outside_the_directory_is_refused(
    center_client: Client, world: World, person: Person
) -> None:
    response = post_invalid(center_client, world, person,
                            recipients=[str(world.ministry.pk)])
    assert "recipients" in response.context["form"].errors


def test_a_grantor_who_is_not_the_persons_guardian(
    center_client: Client, world: World, child_with_mother: tuple[Person, Person]
) -> None:
    child, _mother = child_with_mother
    stranger = register(world, given_name_ar="خالد",
                        given_name_latin="Khaled")
    response = post_invalid(center_client, world, child, granted_by="guardian",
                            granted_by_person=str(stranger.pk))
    assert list(response.context["form"].errors) == ["granted_by_person"]
    assert in_ar("The grantor is not recorded as this person's guardian or parent.") in \
        response.content.decode()


def test_a_child_cannot_consent_alone(
    center_client: Client, world: World, child_with_mother: tuple[Person, Person]
) -> None:
    child, _mother = child_with_mother
    response = post_invalid(center_client, world, child, granted_by="person")
    assert list(response.context["form"].errors) == ["granted_by"]
    response = post_invalid(center_client, world, child, granted_by="guardian")
    assert list(response.context["form"].errors) == ["granted_by_person"]
    response = post_invalid(center_client, world, child, granted_by="named")
    assert list(response.context["form"].errors) == ["granted_by_name"]


def test_a_date_given_in_the_future(
    center_client: Client, world: World, person: Person
) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = post_invalid(center_client, world, person, granted_on=tomorrow.isoformat())
    assert list(response.context["form"].errors) == ["granted_on"]


@pytest.mark.parametrize("name, data, expected", [
    ("setup.pdf", EXECUTABLE,
     "This file is a program, not a document; it is refused whatever its name."),
    ("form.pdf", "نص عادي، ليس نموذجاً موقعاً".encode(), "Upload the evidence as PDF, PNG or JPEG."),
    ("form.docx", b"PK\x03\x04" + b"\0" * 40, "Upload the evidence as PDF, PNG or JPEG."),
    ("empty.pdf", b"", "The file is empty."),
])
def test_disguised_evidence_is_refused_by_its_content(
    center_client: Client, world: World, person: Person, media: Path,
    name: str, data: bytes, expected: str
) -> None:
    response = post_invalid(center_client, world, person, purpose_text="kept",
                            evidence=pdf(name, data))
    errors = response.context["form"].errors
    assert list(errors) == ["evidence"]
    html = response.content.decode()
    assert in_ar(expected) in html
    assert in_ar("Choose the file again.") in html
    assert not response.context["evidence_not_kept"]  # the field error already says so
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_oversized_evidence_is_refused(
    center_client: Client, world: World, person: Person, settings: Any
) -> None:
    settings.DOCUMENT_MAX_BYTES = 1024
    response = post_invalid(center_client, world, person,
                            evidence=pdf("scan.pdf", PDF_BYTES + b"\0" * 2048))
    message = response.context["form"].errors["evidence"][0]
    assert in_ar("Choose the file again.") in message


def test_a_png_named_pdf_is_stored_as_what_it_is(
    center_client: Client, world: World, person: Person, media: Path
) -> None:
    response = center_client.post(record_url(person),
                                  form_data(world, evidence=pdf("scan.pdf", PNG_BYTES)))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.evidence.name.endswith(".png")
    download = center_client.get(evidence_url(consent))
    assert download["Content-Type"] == "image/png"


def test_evidence_larger_than_an_ordinary_request_is_taken_by_this_page(
    center_client: Client, world: World, person: Person, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    scan = PDF_BYTES + b"%" * 6000
    response = center_client.post(record_url(person),
                                  form_data(world, evidence=pdf("scan.pdf", scan)))
    assert response.status_code == 302
    assert Consent.objects.get().evidence.size == len(scan)


def test_a_body_too_large_for_the_evidence_is_answered_on_the_form(
    center_client: Client, world: World, person: Person, settings: Any, media: Path
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    settings.DOCUMENT_MAX_BYTES = 4096
    response = post_invalid(center_client, world, person, purpose_text="kept",
                            evidence=pdf("scan.pdf", PDF_BYTES + b"%" * 20000))
    assert list(response.context["form"].errors) == ["evidence"]
    assert in_ar("Choose the file again.") in response.context["form"].errors["evidence"][0]
    assert response.context["form"]["purpose_text"].value() == "kept"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
