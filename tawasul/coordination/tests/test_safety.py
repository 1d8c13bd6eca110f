"""*No contact with home country* and the withdrawal of a consent (DESIGN rule 5, consent)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from tawasul.cases.models import Case, Notification
from tawasul.common.errors import DomainError
from tawasul.common.testing import World
from tawasul.coordination import selectors, services
from tawasul.coordination.models import (
    CoordinationRequest,
    Disclosure,
    RequestEvent,
    RequestStatus,
    RetractionNotice,
)
from tawasul.coordination.tests.conftest import MESSAGE, ask, give_consent
from tawasul.jobs.tests.helpers import run_ready
from tawasul.people import services as people_services
from tawasul.people.models import Consent, Person, SafetyFlagKind

pytestmark = pytest.mark.django_db

FLAG_NOTE = "Fled her employer; her family must not learn where she is"
# Words that would tell the embassy why a request went away.
TELLTALE = ("flag", "contact", "safety", "consent", "risk", "fled", "علم", "اتصال")


def _flag(world: World, person: Person, actor: str = "protection_manager") -> None:
    people_services.safety_flag_set(actor=world.users[actor], person=person,
                                    kind=SafetyFlagKind.NO_CONTACT_HOME_COUNTRY, note=FLAG_NOTE)


def test_no_request_can_be_created_for_a_flagged_person(
    world: World, case: Case, person: Person, consent: Consent
) -> None:
    _flag(world, person)
    with pytest.raises(DomainError) as excinfo:
        ask(world, case, consent=consent)
    assert (excinfo.value.code, excinfo.value.field) == ("no_contact", "embassy")
    with translation.override("en"):
        assert "no contact with home country" in str(excinfo.value.message)
    with translation.override("ar"):
        assert "عدم التواصل مع البلد الأم" in str(excinfo.value.message)
    # Nor on a legal ground, and no consent is offered for it.
    with pytest.raises(DomainError) as excinfo:
        ask(world, case, legal_ground="Court order")
    assert excinfo.value.code == "no_contact"
    assert selectors.consents_allowing(world.protection_manager, person=person,
                                       embassy=world.embassy_ph,
                                       request_type="family_tracing") == []
    assert not CoordinationRequest.objects.exists() and not Disclosure.objects.exists()


def test_another_flag_does_not_block(world: World, case: Case, person: Person,
                                     consent: Consent) -> None:
    people_services.safety_flag_set(actor=world.protection_manager, person=person,
                                    kind=SafetyFlagKind.VIOLENCE_RISK)
    assert ask(world, case, consent=consent).status == RequestStatus.SENT


def test_setting_the_flag_withdraws_open_requests_with_a_neutral_notice(
    world: World, case: Case, person: Person, request_sent: CoordinationRequest,
    django_capture_on_commit_callbacks: object,
) -> None:
    give_consent(world, person, categories=("identity",))
    pending = ask(world, case, request_type="travel_document",
                  legal_ground="Court order 7/2026")
    services.message_add(actor=world.protection_manager, request=request_sent,
                         text="Her mother's name is Rosa")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _flag(world, person, actor="protection_director")
    run_ready()
    request_sent.refresh_from_db()
    pending.refresh_from_db()
    assert request_sent.status == pending.status == RequestStatus.WITHDRAWN
    assert request_sent.withdrawal_cause == "no_contact_flag"

    # What the embassy now sees: that the foundation withdrew it, and nothing else.
    consul = world.consul_ph
    fields = selectors.request_fields_for(consul, request_sent)
    assert not fields & {"disclosed", "message", "foundation_messages"}
    shown = list(selectors.request_events_visible_to(consul, request_sent))
    assert "Her mother's name is Rosa" not in [e.text for e in shown]
    withdrawal = [e for e in shown if e.to_status == RequestStatus.WITHDRAWN]
    assert len(withdrawal) == 1 and withdrawal[0].text == ""
    # The pending one was never sent: the embassy never learns it existed.
    assert not selectors.requests_visible_to(consul).filter(pk=pending.pk).exists()
    [notice] = Notification.objects.filter(recipient=consul, kind="coordination_withdrawn")
    assert request_sent.reference in notice.text
    embassy_mail = [m for m in mail.outbox if consul.email in m.to or
                    world.viewer_ph.email in m.to]
    for text in [notice.text, *(f"{m.subject} {m.body}" for m in embassy_mail)]:
        lowered = text.lower()
        assert not any(word in lowered for word in TELLTALE), text
        assert FLAG_NOTE not in text and "Liza" not in text
    # The center is told why.
    assert Notification.objects.filter(recipient=world.protection_manager,
                                       kind="coordination_stopped").exists()


def test_the_page_of_a_withdrawn_request_leaks_nothing_to_the_embassy(
    client: object, world: World, person: Person, request_sent: CoordinationRequest
) -> None:
    from django.urls import reverse

    from tawasul.home.tests.helpers import log_in

    _flag(world, person)
    log_in(client, world.consul_ph)  # type: ignore[arg-type]
    url = reverse("coordination:detail", args=[request_sent.pk])
    for language in ("en", "ar"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # type: ignore[attr-defined]
        with translation.override(language):
            withdrawn = translation.gettext("This request was withdrawn by the foundation.")
        html = client.get(url).content.decode()  # type: ignore[attr-defined]
        assert withdrawn in html, language
        for secret in ("Liza", "ليزا", "1995", "Iloilo", MESSAGE, FLAG_NOTE, "no contact",
                       "No contact", "عدم التواصل", "التواصل مع البلد"):
            assert secret not in html, (language, secret)


def test_withdrawing_the_consent_stops_sharing_and_tells_each_recipient(
    world: World, case: Case, person: Person, django_capture_on_commit_callbacks: object
) -> None:
    consent = give_consent(world, person, recipient=world.embassy_ph)
    consent.recipients.add(world.unesco)
    request = ask(world, case, consent=consent)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        people_services.consent_withdraw(actor=world.protection_manager, consent=consent,
                                         reason="She no longer wants her family traced")
    run_ready()
    request.refresh_from_db()
    assert (request.status, request.withdrawal_cause) == (RequestStatus.WITHDRAWN,
                                                          "consent_withdrawn")
    # Nothing more goes out on it.
    with pytest.raises(Exception):  # noqa: B017 -- refused by access or by the service
        services.message_add(actor=world.protection_manager, request=request, text="More")
    assert not selectors.is_shared_with_embassy(request)
    # Each recipient organization is told once, neutrally.
    notices = RetractionNotice.objects.filter(consent=consent)
    assert {n.organization for n in notices} == {world.embassy_ph, world.unesco}
    retractions = Notification.objects.filter(kind="consent_retraction")
    assert {n.recipient for n in retractions} >= {world.consul_ph, world.viewer_ph,
                                                  world.unesco_fp}
    letters = [m for m in mail.outbox if "consent" in m.subject.lower()
               or "موافقة" in m.subject]
    assert letters
    for message in letters:
        assert "Liza" not in message.body and "family traced" not in message.body
    embassy_letter = next(m for m in letters if world.consul_ph.email in m.to)
    assert request.reference in embassy_letter.body
    # Once only, even if called again.
    assert services.consent_withdrawn(actor=world.protection_manager, consent=consent) == []


def test_a_lapsed_consent_stops_messages_from_the_center(
    world: World, request_sent: CoordinationRequest
) -> None:
    consent = request_sent.consent
    assert consent is not None
    consent.expires_at = request_sent.sent_at
    consent.save()
    request_sent.refresh_from_db()
    with pytest.raises(DomainError) as excinfo:
        services.message_add(actor=world.protection_manager, request=request_sent,
                             text="Her father's name")
    assert excinfo.value.code == "sharing_stopped"
    # The embassy may still answer.
    services.message_add(actor=world.consul_ph, request=request_sent, text="Still searching")
    assert Disclosure.objects.count() == 1


def test_the_home_embassy_of_a_flagged_person_is_told_nothing_of_a_withdrawn_consent(
    world: World, person: Person
) -> None:
    consent = give_consent(world, person)
    _flag(world, person)
    people_services.consent_withdraw(actor=world.protection_manager, consent=consent,
                                     reason="Withdrawn")
    assert not RetractionNotice.objects.filter(organization=world.embassy_ph).exists()
    assert not Notification.objects.filter(recipient=world.consul_ph).exists()
    assert RequestEvent.objects.count() == 0


def _same_woman_again(world: World) -> Person:
    """A second record of the person of the fixtures, registered without her passport."""
    return people_services.person_register(
        actor=world.protection_manager, organization=world.protection,
        given_name_latin="Liza", family_name_latin="Mendoza", nationality="PH", sex="female",
    )


def test_merging_into_a_flagged_record_withdraws_the_duplicates_open_requests(
    world: World, case: Case, person: Person, request_sent: CoordinationRequest,
) -> None:
    from tawasul.people.merge import person_merge, person_unmerge

    flagged = _same_woman_again(world)
    _flag(world, flagged)
    # The duplicate's request to the home embassy was open before the merge ...
    assert request_sent.status == RequestStatus.SENT
    merge = person_merge(actor=world.admin, survivor=flagged, duplicate=person,
                         reason="Same passport")
    request_sent.refresh_from_db()
    # ... and is withdrawn by it, neutrally, like setting the flag would.
    assert request_sent.person_id == flagged.pk
    assert request_sent.status == RequestStatus.WITHDRAWN
    assert request_sent.withdrawal_cause == "no_contact_flag"
    # Undoing the merge does not reopen it.
    person_unmerge(actor=world.admin, merge=merge)
    request_sent.refresh_from_db()
    assert request_sent.status == RequestStatus.WITHDRAWN


def test_merging_without_a_flag_leaves_requests_open(
    world: World, case: Case, person: Person, request_sent: CoordinationRequest,
) -> None:
    from tawasul.people.merge import person_merge

    other = _same_woman_again(world)
    person_merge(actor=world.admin, survivor=other, duplicate=person, reason="Same passport")
    request_sent.refresh_from_db()
    assert request_sent.status == RequestStatus.SENT
