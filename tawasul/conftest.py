import os

import pytest

# Django's test flush deletes every row, which the audit triggers would refuse; the
# tests that check the triggers install them themselves.
os.environ.setdefault("AUDIT_DB_GUARDS", "false")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db):
    from tawasul.common.testing import world as build

    return build()
