"""The disclosure log: one writer, who reads a person's log, and its export for a
data-subject access request."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tawasul.audit.models import AuditAction, AuditEntry
from tawasul.common.testing import World
from tawasul.coordination import selectors, services
from tawasul.coordination.models import CoordinationRequest, Disclosure, LegalGround
from tawasul.home.tests.helpers import log_in
from tawasul.people.models import Person

pytestmark = pytest.mark.django_db


def _log(person: Person) -> str:
    return reverse("coordination:person_disclosures", args=[person.pk])


def test_record_disclosure_needs_one_basis_and_an_approved_ground(
    world: World, request_sent: CoordinationRequest
) -> None:
    common = {"actor": world.protection_manager, "person": request_sent.person,
              "recipient": world.embassy_ph, "fields": ["name_latin"],
              "categories": ["identity"], "purpose": "coordination_with_embassy",
              "obj": request_sent}
    with pytest.raises(ValueError):
        services.record_disclosure(**common)  # type: ignore[arg-type]
    pending = LegalGround.objects.create(organization=world.protection, text="Order",
                                         requested_by=world.protection_manager,
                                         requested_at=timezone.now())
    with pytest.raises(ValueError):
        services.record_disclosure(**common, legal_ground=pending)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        services.record_disclosure(**{**common, "fields": []},  # type: ignore[arg-type]
                                   consent=request_sent.consent)
    assert Disclosure.objects.count() == 1  # the request's own


@pytest.mark.parametrize("name", ["protection_manager", "protection_director", "admin"])
def test_those_who_see_the_case_data_read_the_log(
    client: Client, world: World, request_sent: CoordinationRequest, name: str
) -> None:
    person = request_sent.person
    log_in(client, world.users[name])
    html = client.get(_log(person)).content.decode()
    assert request_sent.reference in html
    assert world.embassy_ph.name in html
    assert "Liza" not in html.split('id="disclosures"')[1]  # names of fields, not values
    reads = AuditEntry.objects.filter(action=AuditAction.READ, actor=world.users[name],
                                      object_id=str(person.pk))
    assert any("disclosures" in entry.fields for entry in reads)


@pytest.mark.parametrize("name", ["protection_staff", "family_manager", "intake", "liaison",
                                  "consul_ph", "supervisor", "unesco_fp"])
def test_others_get_404(client: Client, world: World, request_sent: CoordinationRequest,
                        name: str) -> None:
    log_in(client, world.users[name])
    for url in (_log(request_sent.person),
                reverse("coordination:person_disclosures_csv", args=[request_sent.person.pk])):
        assert client.get(url).status_code == 404, url
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_center_sees_its_own_disclosures_only(world: World,
                                                request_sent: CoordinationRequest) -> None:
    other = Disclosure.objects.create(
        person=request_sent.person, recipient=world.embassy_ph, fields=["name_latin"],
        categories=["identity"], purpose="coordination_with_embassy",
        consent=request_sent.consent, disclosed_at=timezone.now(),
        disclosed_by_organization=world.family, object_type="x", object_id="1",
    )
    mine = selectors.disclosures_visible_to(world.protection_manager)
    assert other not in mine and mine.count() == 1
    assert other in selectors.disclosures_visible_to(world.admin)


def test_the_person_page_links_to_the_log_for_those_who_may_read_it(
    client: Client, world: World, request_sent: CoordinationRequest
) -> None:
    url = reverse("people:detail", args=[request_sent.person.pk])
    log_in(client, world.protection_manager)
    assert _log(request_sent.person) in client.get(url).content.decode()
    log_in(client, world.family_manager)
    assert _log(request_sent.person) not in client.get(url).content.decode()


def test_csv_export_has_a_bom_escaped_formulas_and_is_audited(
    client: Client, world: World, request_sent: CoordinationRequest
) -> None:
    Disclosure.objects.update(object_reference="=HYPERLINK(\"http://x\")")
    log_in(client, world.admin)
    response = client.get(reverse("coordination:person_disclosures_csv",
                                  args=[request_sent.person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
    assert world.embassy_ph.name in text
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, actor=world.admin)
    assert entry.object_id == str(request_sent.person.pk)
    assert "rows: 1" in entry.reason and "fields" in entry.fields


def test_xlsx_export(client: Client, world: World, request_sent: CoordinationRequest) -> None:
    from openpyxl import load_workbook

    Disclosure.objects.update(object_reference="=1+1")
    log_in(client, world.protection_manager)
    response = client.get(reverse("coordination:person_disclosures_xlsx",
                                  args=[request_sent.person.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][-1] == "'=1+1"
    assert sheet.cell(row=2, column=len(rows[0])).data_type == "s"
