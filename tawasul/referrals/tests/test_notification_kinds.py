"""Every notification that referrals create is a kind of the notification list, with its
own text, read in the recipient's language whatever the language of whoever caused it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from tawasul.cases.models import NOTIFICATION_TEXT, Case, Notification, NotificationKind
from tawasul.common.testing import World
from tawasul.people.models import Person
from tawasul.referrals import services
from tawasul.referrals.models import Referral, Urgency
from tawasul.referrals.tasks import flag_overdue_referrals, send_referral_reminders
from tawasul.referrals.tests.conftest import case_type, send

pytestmark = pytest.mark.django_db

# Handing back exists only for assignments of embassy referrals (test_embassy_notifications).
REFERRAL_KINDS = {kind for kind in NotificationKind.values if kind.startswith("referral_")
                  } - {NotificationKind.REFERRAL_HANDED_BACK}
ARABIC = re.compile(r"[\u0600-\u06FF]")


def _age(referral: Referral, hours: float) -> None:
    delta = dt.timedelta(hours=hours)
    referral.refresh_from_db()
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=referral.sent_at - delta, due_at=referral.due_at - delta,
        remind_at=referral.remind_at - delta,
    )


def _every_referral_notification(world: World, case: Case) -> None:
    """Drive referrals through every change that notifies someone."""
    manager = world.family_manager
    first = send(world, case, urgency="urgent")
    services.referral_accept(actor=manager, referral=first,
                             case_type=case_type("family", "family-reconciliation"))
    services.referral_message_add(actor=manager, referral=first, text="When can she come?")
    services.referral_start(actor=manager, referral=first)
    services.referral_complete(actor=manager, referral=first)
    declined = send(world, case)
    services.referral_decline(actor=manager, referral=declined, reason="No places")
    withdrawn = send(world, case)
    services.referral_withdraw(actor=world.protection_manager, referral=withdrawn,
                               reason="Resolved")
    late = send(world, case, urgency="emergency")
    _age(late, 3.5)
    assert send_referral_reminders.call() == 1
    _age(late, 1)
    assert flag_overdue_referrals.call() == 1


def test_every_kind_the_referral_services_use_is_a_choice_with_a_text(
    world: World, restricted_case: Case
) -> None:
    _every_referral_notification(world, restricted_case)
    made = set(Notification.objects.values_list("kind", flat=True))
    assert made == REFERRAL_KINDS
    assert set(services.NOTIFICATION_BY_STATUS.values()) <= REFERRAL_KINDS
    for kind in REFERRAL_KINDS:
        assert kind in NOTIFICATION_TEXT, kind
    for note in Notification.objects.all():
        note.full_clean()  # the kind is one of the field's choices


def test_each_reads_in_the_recipients_language(world: World, restricted_case: Case) -> None:
    # Caused by people working in English; read by people who read Arabic, and back.
    with translation.override("en"):
        _every_referral_notification(world, restricted_case)
    notes = list(Notification.objects.all())
    assert len(notes) >= len(REFERRAL_KINDS)
    for note in notes:
        reference = note.params["referral"]
        with translation.override("ar"):
            arabic, label_ar = note.text, str(note.get_kind_display())
        with translation.override("en"):
            english, label_en = note.text, str(note.get_kind_display())
        assert reference in arabic and reference in english
        # A sentence of its own, not the label a kind without a text falls back to.
        assert arabic != label_ar and english != label_en
        assert ARABIC.search(arabic) and ARABIC.search(label_ar), arabic
        assert not ARABIC.search(english), english
        assert "Organization center-" not in arabic and "منظمة" not in english
    # The first referral sent, the urgent one.
    received = Notification.objects.filter(
        kind=NotificationKind.REFERRAL_RECEIVED).order_by("created_at").first()
    assert received is not None
    with translation.override("ar"):
        assert world.protection.name_ar in received.text
        assert str(Urgency.URGENT.label) in received.text
    with translation.override("en"):
        assert received.text == (f"{world.protection.name_en} referred a person to your "
                                 f"center ({received.params['referral']}, Urgent).")


def test_parameters_stored_as_plain_text_still_read(world: World, person: Person) -> None:
    note = Notification.objects.create(
        recipient=world.family_director, kind=NotificationKind.REFERRAL_ACCEPTED,
        params={"referral": "R-2026-000009", "to": "Family center"},
    )
    with translation.override("en"):
        assert note.text == "Family center accepted the referral R-2026-000009."
    broken = Notification.objects.create(recipient=world.family_director,
                                         kind=NotificationKind.REFERRAL_ACCEPTED, params={})
    with translation.override("en"):
        assert broken.text == "Referral accepted"
