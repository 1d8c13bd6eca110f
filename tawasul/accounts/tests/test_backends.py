"""The session's user comes with their organization: one query for both on every page; a
disabled user is not signed in by the session."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tawasul.accounts.backends import AuthenticationBackend
from tawasul.home.tests.helpers import log_in


def test_a_page_reads_the_user_and_their_organization_in_one_query(client: Client, world):
    log_in(client, world.consul_ph)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("referrals:embassy_list")).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    user_reads = [s for s in sql if s.startswith('SELECT "accounts_user"."password"')]
    assert len(user_reads) == 1 and '"organizations_organization"' in user_reads[0]
    organization_id = world.consul_ph.organization_id.hex
    assert not [s for s in sql if s.startswith('SELECT "organizations_organization"')
                and organization_id in s.replace("-", "")]


def test_the_backend_returns_active_users_only(world):
    backend = AuthenticationBackend()
    user = backend.get_user(world.consul_ph.pk)
    assert user == world.consul_ph
    assert "organization" in user._state.fields_cache
    world.consul_ph.is_active = False
    world.consul_ph.save(update_fields=["is_active"])
    assert backend.get_user(world.consul_ph.pk) is None
    assert backend.get_user("00000000-0000-0000-0000-000000000000") is None
