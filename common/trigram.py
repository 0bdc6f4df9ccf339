"""Trigram indexes for the "contains" searches of the lists (common/listing.py SearchFilter).

Django's `icontains` is `UPPER(column::text) LIKE UPPER('%word%')` on PostgreSQL, which no B-tree
index can answer: every search read the whole table (the outbox's 20,000 messages, 40 MB, for one
recipient). A GIN index of the same expression with `gin_trgm_ops` (the pg_trgm extension, shipped
with PostgreSQL and trusted since 13) answers it. The indexes are PostgreSQL's own, so migrations
create them only there; SQLite (`make run` without DATABASE_URL) searches without them."""

from django.db.migrations.operations.base import Operation


class TrigramIndexes(Operation):
    """A migration operation that adds a trigram index on UPPER(column) for each (table, column), on
    PostgreSQL only, and drops them when the migration is reversed. It changes no model state (the
    indexes are not in any model's Meta, which has no vendor-conditional index)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, *columns: tuple[str, str]):
        self.columns = columns

    def deconstruct(self):
        return (self.__class__.__qualname__, self.columns, {})

    def state_forwards(self, app_label, state):
        pass

    @staticmethod
    def index_name(table: str, column: str) -> str:
        return f"{table}_{column}_upper_trgm"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column in self.columns:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{self.index_name(table, column)}" ON "{table}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column in self.columns:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{self.index_name(table, column)}"')

    def describe(self):
        return "Trigram indexes (PostgreSQL only) on " + ", ".join(f"{t}.{c}" for t, c in self.columns)
