from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tawasul.api.tests.conftest import bearer, issue
from tawasul.common.testing import World
from tawasul.network import services
from tawasul.network.models import Bulletin, Correspondence

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SUBJECT = "Request for the list of shelters"
TITLE_AR = "نشرة تجريبية"
TITLE_EN = "Test bulletin"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def pdf(name: str = "note.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def record(world: World, **extra: Any) -> Correspondence:
    kwargs: dict[str, Any] = {
        "actor": world.liaison, "mission": world.embassy_ph, "direction": "incoming",
        "channel": "note_verbale", "occurred_on": timezone.localdate() - dt.timedelta(days=3),
        "subject": SUBJECT, "summary": "Asks which shelters accept domestic workers.",
        "reference_number": "PE-2026-041",
    }
    kwargs.update(extra)
    return services.correspondence_record(**kwargs)


def send(world: World, *missions: Any, **extra: Any) -> Bulletin:
    kwargs: dict[str, Any] = {
        "actor": world.liaison, "title_ar": TITLE_AR, "title_en": TITLE_EN,
        "body_ar": "نص النشرة\nالسطر الثاني", "body_en": "Bulletin text\nSecond line",
        "missions": list(missions) or [world.embassy_ph],
    }
    kwargs.update(extra)
    return services.bulletin_send(**kwargs)


@pytest.fixture
def entry(world: World) -> Correspondence:
    """Correspondence with the Philippine embassy, with a PDF attached."""
    return record(world, attachment=pdf())


@pytest.fixture
def bulletin_ph(world: World) -> Bulletin:
    """A bulletin to the Philippine embassy only."""
    return send(world, world.embassy_ph)


@pytest.fixture
def as_user() -> Any:
    """An API client that presents a fresh token of the given user."""
    return lambda user: bearer(issue(user))
