"""generate_synthetic --fast-load: the plain indexes of the filled tables are dropped for
the load and rebuilt after it, exactly as they were."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from tawasul.people import synthetic
from tawasul.people.models import Person, PersonMatchKey


# Transactional: VACUUM (PostgreSQL) cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_fast_load_rebuilds_the_indexes_it_dropped(world) -> None:
    before = sorted(synthetic._secondary_indexes())
    assert any(name == "person_match_key" for name, _sql in before)
    call_command("generate_synthetic", persons=40, seed=5, fast_load=True)
    assert Person.objects.count() == 40
    assert PersonMatchKey.objects.exists()
    after = sorted(synthetic._secondary_indexes())
    assert [name for name, _sql in after] == [name for name, _sql in before]
    if connection.vendor == "sqlite":
        # PostgreSQL prints a partial index's condition back in its own normalized form
        # once it is created again; SQLite keeps the statement as written.
        assert after == before
