"""What the programme's data looks like now, as a short key that changes whenever any of it changes,
so that a page can keep figures it worked out until the data under them changes (common/fresh.py).

PostgreSQL does the noting, not Django: every table except the few listed in UNTRACKED has
statement-level triggers that, when a statement changed at least one row, record the writing
transaction in `common_datachange` (one row per transaction: its id, and a stamp from a sequence
that moves on at each such statement). Bulk updates, `bulk_create`, raw SQL and the admin are all
seen, which model signals are not. A transaction only ever writes its own row, so writers never wait
for each other.

The key is read in one statement, under one snapshot: the newest committed transaction that changed
data, the transactions still in progress below it (when one of them commits, the key changes), and
the reading transaction's own row and stamp, if it has written (its uncommitted changes are part of
what it sees; a stamp, unlike a counter, is never reused after a savepoint is rolled back). Two
readers with the same key see the same data in every tracked table. The key also names the
database and when the server started, so keys from a restored copy or another database never meet.

On other databases (SQLite for `make run`) there is no key and nothing is kept. docs/decisions.md
has why, and docs/benchmarks.md what it saves."""

from django.db import connections

TABLE = "common_datachange"
FUNCTION = "common_note_change"
# Tables whose rows no figure is made of, written on every request or sign-in: tracking them would
# only throw figures away.
UNTRACKED = frozenset(
    {
        TABLE,
        "django_session",
        "django_migrations",
        "django_content_type",
        "django_admin_log",
        "auth_permission",
        "accounts_usersession",
        "accounts_secondfactorthrottle",
        "api_apitoken",
        "audit_auditevent",
    }
)
UNTRACKED_PREFIXES = ("axes_", "otp_")
# One trigger per kind of statement: a transition table (the rows the statement changed) can only be
# named on a trigger for one event, and TRUNCATE has none.
EVENTS = {"insert": "NEW", "update": "NEW", "delete": "OLD", "truncate": None}

CREATE = f"""
CREATE SEQUENCE IF NOT EXISTS {TABLE}_stamp;
CREATE TABLE IF NOT EXISTS {TABLE} (xid bigint PRIMARY KEY, stamp bigint NOT NULL);
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'TRUNCATE' THEN
        IF NOT EXISTS (SELECT 1 FROM changed_rows) THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO {TABLE} (xid, stamp)
    VALUES (pg_current_xact_id()::text::bigint, nextval('{TABLE}_stamp'))
    ON CONFLICT (xid) DO UPDATE SET stamp = EXCLUDED.stamp;
    RETURN NULL;
END
$$;
"""  # noqa: S608  only this module's constant names are formatted in

KEY = f"""
SELECT current_database(), pg_postmaster_start_time()::text, newest.xid,
       ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(pg_current_snapshot()) AS x
             WHERE x::text::bigint < newest.xid ORDER BY 1),
       (SELECT stamp FROM {TABLE} WHERE xid = pg_current_xact_id_if_assigned()::text::bigint)
FROM (SELECT (SELECT xid FROM {TABLE} ORDER BY xid DESC LIMIT 1) AS xid) AS newest
"""  # noqa: S608  only this module's constant names are formatted in


def tracked(table: str) -> bool:
    return table not in UNTRACKED and not table.startswith(UNTRACKED_PREFIXES)


def trigger_name(event: str) -> str:
    return f"{FUNCTION}_{event}"


def install(using: str = "default") -> list[str]:
    """Create the table, the function and the triggers that are missing (idempotent; run after every
    migrate, so a table a later migration adds is tracked too). Returns the tables given triggers."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    added = []
    with connection.cursor() as cursor:
        cursor.execute(CREATE)
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE %s AND NOT t.tgisinternal",
            [f"{FUNCTION}_%"],
        )
        present = set(cursor.fetchall())
        for table in connection.introspection.table_names(cursor):
            if not tracked(table):
                continue
            missing = [event for event in EVENTS if (table, trigger_name(event)) not in present]
            for event in missing:
                rows = EVENTS[event]
                referencing = f"REFERENCING {rows} TABLE AS changed_rows" if rows else ""
                cursor.execute(
                    f'CREATE TRIGGER {trigger_name(event)} AFTER {event.upper()} ON "{table}" '
                    f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
                )
            if missing:
                added.append(table)
    return added


def uninstall(using: str = "default") -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}() CASCADE")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"DROP SEQUENCE IF EXISTS {TABLE}_stamp")


def untracked_tables(using: str = "default") -> list[str]:
    """Tables that should be tracked and are not (for the test that keeps every table tracked)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE %s AND NOT t.tgisinternal GROUP BY c.relname",
            [f"{FUNCTION}_%"],
        )
        triggers = dict(cursor.fetchall())
        tables = connection.introspection.table_names(cursor)
    return sorted(table for table in tables if tracked(table) and triggers.get(table, 0) < len(EVENTS))


def data_key(using: str = "default") -> str | None:
    """A key that is the same for two readers exactly when they see the same data; None where there
    is no tracking (not PostgreSQL, or not installed yet, or nothing written yet)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(KEY)  # the table exists once migrations have run (common 0001)
        database, started, newest, running, own = cursor.fetchone()
    if newest is None:
        return None
    return f"{database}|{started}|{newest}|{'.'.join(map(str, running))}|{own or ''}"


def prune(using: str = "default") -> int:
    """Forget every transaction but the newest: the key only reads the newest row and the reader's
    own, so older rows only take room. A row still being written is not visible here, so it stays."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE xid < (SELECT max(xid) FROM {TABLE})")  # noqa: S608  a constant
        return cursor.rowcount
