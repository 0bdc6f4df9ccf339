"""Writing many rows of one model at once, without building a model instance for each (issue 16).

`bulk_create` builds a model instance per row and prepares every field of every instance, and on
PostgreSQL it sends each column as an ARRAY[...] of one literal per row, which the server must parse
node by node: for a roster import of 1,500 officers (9,000 rows in five tables) that was more than half
of the import's time. `rows_insert` takes plain dicts of column values and sends each column as one
array literal, `INSERT ... SELECT * FROM unnest(%s::type[], ...)`: one parameter per column, whatever
the number of rows. Defaults, `auto_now_add` and `auto_now` are filled in as `save()` would (one
timestamp for the batch). On other databases (SQLite for `make run`) it falls back to `bulk_create`.

Only for rows whose values the caller has already checked: no `full_clean`, no signals, no `save()`.
The audit log (its rows may only be appended), outbox messages and enrolment history use it.
"""

import json
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import connections, models, router
from django.utils import timezone

# Fields whose Python values are already what PostgreSQL reads from text: no preparation per value.
# (Not an IP address: Django stores a blank one as NULL, which its own preparation does.)
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def _element(value) -> str:
    """One element of a PostgreSQL array literal."""
    kind = type(value)
    if kind is str:  # the common case first
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if kind is int:
        return str(value)
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            raise ValueError(f"a naive datetime cannot be stored: {value!r}")
        text = value.isoformat()
    elif isinstance(value, date | time):
        text = value.isoformat()
    elif isinstance(value, timedelta):
        text = f"{value.total_seconds()} seconds"
    else:
        text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Column:
    """How one field's values are found in a row dict, defaulted and written."""

    def __init__(self, field: models.Field, connection, now: datetime) -> None:
        self.field = field
        self.name = field.name
        self.attname = field.attname
        self.db_type = field.db_type(connection)
        self.connection = connection
        self.is_json = isinstance(field, models.JSONField)
        self.plain = field.get_internal_type() in _PLAIN
        self.relation = field.is_relation
        # As save() and bulk_create: an auto_now(_add) field is the time of writing, whatever was given.
        self.stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        self.now = now
        if self.stamped:
            self.default, self.default_each_row = now, False
        elif field.has_default() and callable(field.default):
            self.default, self.default_each_row = None, True
        else:
            self.default, self.default_each_row = field.get_default(), False

    def value(self, row: dict):
        if self.stamped:
            return self.now
        if self.attname in row:
            value = row[self.attname]
        elif self.name in row:
            value = row[self.name]
            if self.relation and value is not None:
                value = value.pk
        elif self.default_each_row:
            value = self.field.get_default()
        else:
            value = self.default
        if value is None:
            return None
        if self.is_json:
            return json.dumps(value, cls=self.field.encoder)
        if self.plain:
            return value
        return self.field.get_db_prep_save(value, self.connection)


def objects_insert(objects: list[models.Model]) -> list[models.Model]:
    """`bulk_create` for new instances of one model that the caller needs afterwards (their primary
    keys are set and they count as saved), written as rows_insert writes. `auto_now_add` and
    `auto_now` fields are set on the instances as `save()` would."""
    if not objects:
        return objects
    model = type(objects[0])
    using = router.db_for_write(model)
    if connections[using].vendor != "postgresql":
        return model._default_manager.db_manager(using).bulk_create(objects)
    now = timezone.now()
    stamped = [
        field.attname
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    fields = [field.attname for field in model._meta.concrete_fields if not _is_auto_pk(model, field)]
    for obj in objects:
        for attname in stamped:
            setattr(obj, attname, now)
    pks = rows_insert(model, ({attname: getattr(obj, attname) for attname in fields} for obj in objects), now=now)
    pk_attname = model._meta.pk.attname
    for obj, pk in zip(objects, pks, strict=True):
        setattr(obj, pk_attname, pk)
        obj._state.adding = False  # as bulk_create leaves them: saved rows
        obj._state.db = using
    return objects


def _is_auto_pk(model: type[models.Model], field: models.Field) -> bool:
    return field is model._meta.pk and isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField)


def rows_insert(
    model: type[models.Model], rows: Iterable[dict], *, ignore_conflicts: bool = False, now: datetime | None = None
) -> list:
    """Inserts `rows` (dicts keyed by field name or attname; a foreign key by instance or by id) in one
    statement and returns the new primary keys in the order of `rows` (with `ignore_conflicts`, only
    those of rows that were written). `now` is the time written into auto_now(_add) fields."""
    rows = list(rows)
    if not rows:
        return []
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        objects = model._default_manager.db_manager(using).bulk_create(
            [model(**row) for row in rows], ignore_conflicts=ignore_conflicts
        )
        return [obj.pk for obj in objects]
    pk = model._meta.pk
    now = now or timezone.now()
    columns = [
        _Column(field, connection, now) for field in model._meta.concrete_fields if not _is_auto_pk(model, field)
    ]
    arrays = ["{" + ",".join(_element(column.value(row)) for row in rows) + "}" for column in columns]
    quote = connection.ops.quote_name
    # Names from the model's meta, quoted; types from its fields; values only as parameters.
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column.field.column) for column in columns)
    arrays_sql = ", ".join(f"%s::{column.db_type}[]" for column in columns)
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays_sql}){conflict} RETURNING {quote(pk.column)}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        return [row[0] for row in cursor.fetchall()]
