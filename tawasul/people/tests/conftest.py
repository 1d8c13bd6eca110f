from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tawasul.common.testing import World
from tawasul.people import services
from tawasul.people.models import Person


def register(world: World, user: str = "protection_manager", **fields: Any) -> Person:
    actor = world.users[user]
    defaults: dict[str, Any] = {
        "given_name_ar": "محمد", "father_name_ar": "عبد الرحمن", "family_name_ar": "الكواري",
        "given_name_latin": "Mohammed", "family_name_latin": "Al-Kuwari",
        "date_of_birth": dt.date(1987, 5, 1), "sex": "male", "nationality": "QA",
    }
    defaults.update(fields)
    return services.person_register(actor=actor, organization=actor.organization,  # type: ignore[arg-type]
                                   **defaults)


@pytest.fixture
def person(world: World) -> Person:
    """Registered by the protection center, with a Qatar ID."""
    return register(world, identifiers=[{"type": "qid", "value": "287 634 00001"}])
