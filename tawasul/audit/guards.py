"""Database triggers that make the audit trail append-only below the application.

Deleting an entry, or changing a sealed one, is refused by the database itself; only the
sealer may fill in `seq`, `prev_hash` and `hash` of an unsealed entry. The test suite
runs without them (Django's test flush deletes every row) and installs them in the
tests that check them.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditentry"
CONTENT_COLUMNS = (
    "entry_id", "occurred_at", "actor_id", "actor_username", "actor_role", "organization_id",
    "organization_code", "action", "object_type", "object_id", "fields", "reason",
    "ip_address", "user_agent", "request_id",
)


def _sqlite() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT_COLUMNS)
    return [
        f"""CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON {TABLE}
            BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS audit_entry_sealed BEFORE UPDATE ON {TABLE}
            WHEN OLD.hash != '' OR {changed}
            BEGIN SELECT RAISE(ABORT, 'audit entries cannot change'); END""",
    ]


def _postgresql() -> list[str]:
    new = ", ".join(f"NEW.{c}" for c in CONTENT_COLUMNS)
    old = ", ".join(f"OLD.{c}" for c in CONTENT_COLUMNS)
    return [
        f"""CREATE OR REPLACE FUNCTION audit_entry_guard() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
                RAISE EXCEPTION 'audit trail is append-only';
            END IF;
            IF OLD.hash <> '' OR ROW({new}) IS DISTINCT FROM ROW({old}) THEN
                RAISE EXCEPTION 'audit entries cannot change';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS audit_entry_guard ON {TABLE}",
        f"""CREATE TRIGGER audit_entry_guard BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION audit_entry_guard()""",
        f"DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {TABLE}",
        f"""CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON {TABLE}
            FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_guard()""",
    ]


def install(connection: BaseDatabaseWrapper) -> None:
    statements = {"sqlite": _sqlite, "postgresql": _postgresql}.get(connection.vendor)
    if statements is None:
        return
    with connection.cursor() as cursor:
        for sql in statements():
            cursor.execute(sql)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_sealed")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS audit_entry_guard ON {TABLE}")
            cursor.execute(f"DROP TRIGGER IF EXISTS audit_entry_no_truncate ON {TABLE}")
