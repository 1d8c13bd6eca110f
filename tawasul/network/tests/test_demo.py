"""The demo network: correspondence with the Philippine, Indian and Nepalese embassies,
two bulletins (one read by embassy.ph, one unread), and a public directory with published
contact points; a second run changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from tawasul.audit.models import AuditEntry
from tawasul.network.demo_network import BULLETIN_READ, BULLETIN_UNREAD, seed_network
from tawasul.network.models import Bulletin, BulletinReceipt, Correspondence
from tawasul.organizations.models import Contact, Organization, OrganizationKind


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """Seeded once for the module, rolled back afterwards (seeding takes seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        call_command("seed_demo", "--quiet-logins", "--password", "x-demo-pw-2026-long")
        yield
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()
              if m._meta.app_label in ("network", "organizations")}
    counts["audit"] = AuditEntry.objects.count()
    return counts


def test_the_demo_network(demo: None, db: None) -> None:
    missions = set(Correspondence.objects.values_list("mission__code", flat=True))
    assert missions == {"embassy-ph", "embassy-in", "embassy-np"}
    read = Bulletin.objects.get(title_en=BULLETIN_READ["title_en"])
    unread = Bulletin.objects.get(title_en=BULLETIN_UNREAD["title_en"])
    assert [r.user.username for r in BulletinReceipt.objects.filter(delivery__bulletin=read)] \
        == ["embassy.ph"]
    assert not BulletinReceipt.objects.filter(delivery__bulletin=unread).exists()
    assert unread.to_all_missions
    assert unread.deliveries.count() == Organization.objects.filter(
        kind=OrganizationKind.EMBASSY, is_active=True).count()


def test_a_second_run_changes_nothing(demo: None, db: None) -> None:
    before = _counts()
    with transaction.atomic():
        seed = seed_network()
    assert (seed.correspondence_created, seed.bulletins_created) == (0, 0)
    assert _counts() == before


def test_the_demo_public_directory_shows_published_points_only(demo: None, db: None) -> None:
    page = Client().get("/public/directory/").content.decode()
    assert "intake.protection@foundation.example" in page
    internal = Contact.objects.get(name_en="Night shelter supervisor")
    assert internal.phone not in page and internal.name_ar not in page
    assert "شبكة دعم العمال المهاجرين" in page
