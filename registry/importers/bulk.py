"""Write many rows with one statement per batch, linear in the number of rows.

Django's bulk_create compiles every value through the SQL compiler (about 5 µs each: a 30,000-account file has
570,000 values) and, on SQLite, splits batches at 999 parameters; bulk_update builds one CASE branch per row and
field, which the database evaluates for every row, quadratic in the batch (about 1,700 rows/s here). These helpers
build the statement once per batch and only prepare each value for the database. PostgreSQL (inserts by COPY) and
SQLite (3.35+: RETURNING, UPDATE ... FROM) take the fast path; any other database gets Django's bulk_create /
bulk_update.

The rows bypass save(), signals and auto_now/auto_now_add: callers pass every value, timestamps included.
"""

from __future__ import annotations

import datetime
import io
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

BATCH = 1000


def _connection():
    # The connection itself, not django.db.connection: that proxy costs a lookup per attribute, per value.
    return connections[DEFAULT_DB_ALIAS]


def _fast_path() -> bool:
    vendor = _connection().vendor
    return vendor == "postgresql" or (vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35))


# Field types whose values of these exact Python types go to the database unchanged: get_db_prep_save would
# return them as they are, at about 2 µs a value (a 30,000-account file has 600,000 values).
_UNCHANGED = {
    "CharField": str, "TextField": str, "SlugField": str, "EmailField": str, "URLField": str,
    "BooleanField": bool,
    "IntegerField": int, "BigIntegerField": int, "SmallIntegerField": int, "PositiveIntegerField": int,
    "PositiveBigIntegerField": int, "PositiveSmallIntegerField": int, "AutoField": int, "BigAutoField": int,
    "SmallAutoField": int,
}


def _preparer(field, connection) -> Callable[[Any], Any]:
    """A function giving the database value of a Python value of `field` (a foreign key: of its target's type)."""
    prepare = field.get_db_prep_save
    target = field.target_field if field.is_relation else field
    unchanged = _UNCHANGED.get(target.get_internal_type())
    if unchanged is None:
        return lambda value: None if value is None else prepare(value, connection)
    # type() rather than isinstance(): True is an int, but not a value for an integer column.
    return lambda value: value if value is None or type(value) is unchanged else prepare(value, connection)


def _batches(rows: list, size: int) -> Iterator[list]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _batch_size(columns: int) -> int:
    connection = _connection()
    if connection.vendor == "sqlite":
        # SQLite binds at most SQLITE_LIMIT_VARIABLE_NUMBER parameters (32,766 since 3.32; Django assumes 999).
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if connection.connection else 999
        return max(1, min(BATCH, limit // columns))
    return BATCH


def bulk_insert(model: type[Model], rows: list[dict[str, Any]], *, returning: tuple[str, ...] = ()) -> list[tuple]:
    """Insert `rows` (attname -> value; a missing field takes its default); return the `returning` fields of each.

    The returned tuples come in no promised order: carry a unique field in `returning` to match them to the rows.
    """
    if not rows:
        return []
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.db_returning]  # all but the auto primary key
    if not _fast_path():
        objects = model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        if returning and any(obj.pk is None for obj in objects):
            raise NotImplementedError("This database does not return the keys of bulk inserts; use PostgreSQL or SQLite.")
        return [tuple(getattr(obj, name) for name in returning) for obj in objects]
    connection = _connection()
    returned = [meta.get_field(name) for name in returning]
    if _can_copy(connection, fields, returned):
        return _copy_insert(model, fields, rows, returned)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    template = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {{rows}}"
    if returned:
        template += " RETURNING " + ", ".join(quote(field.column) for field in returned)
    result: list[tuple] = []
    prepared = [(field.attname, field, _preparer(field, connection)) for field in fields]
    connection.ensure_connection()
    with connection.cursor() as cursor:
        for batch in _batches(rows, _batch_size(len(fields))):
            params: list[Any] = []
            for row in batch:
                for attname, field, prepare in prepared:
                    params.append(prepare(row[attname] if attname in row else field.get_default()))
            cursor.execute(template.format(rows=", ".join([placeholder] * len(batch))), params)
            if returned:
                result.extend(tuple(row) for row in cursor.fetchall())
    return result


# Field types whose database values _copy_text writes as PostgreSQL reads them (JSON, arrays and others need
# psycopg2's adapters: those models go through INSERT).
_COPYABLE = {*_UNCHANGED, "DateField", "DateTimeField", "TimeField", "DecimalField", "UUIDField"}
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _unique_key(returned: list) -> Any:
    """The first returned field that identifies a row on its own (not the primary key, which COPY cannot return)."""
    return next((field for field in returned if field.unique and not field.primary_key), None)


def _can_copy(connection, fields: list, returned: list) -> bool:
    if connection.vendor != "postgresql":
        return False
    if returned and _unique_key(returned) is None:
        return False
    return all((field.target_field if field.is_relation else field).get_internal_type() in _COPYABLE for field in fields)


def _copy_text(value: Any) -> str:
    """A database value in the text format of PostgreSQL's COPY (the commonest types first: this runs per value)."""
    kind = type(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES)
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, (datetime.date, datetime.time)):  # datetimes too; aware ones keep their offset
        return value.isoformat()
    if isinstance(value, str):  # a str subclass (an Enum member, say) is stored by its text, as INSERT stores it
        return str.__str__(value).translate(_COPY_ESCAPES)
    return str(value).translate(_COPY_ESCAPES)


def _copy_insert(model: type[Model], fields: list, rows: list[dict[str, Any]], returned: list) -> list[tuple]:
    """bulk_insert on PostgreSQL: COPY ... FROM STDIN, about twice as fast as multi-row INSERTs for the 30,000
    accounts of a national file. COPY returns nothing, so the `returned` fields are then read back by the unique one.
    """
    connection = _connection()
    quote = connection.ops.quote_name
    prepared = [(field.attname, field, _preparer(field, connection)) for field in fields]
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(
            _copy_text(prepare(row[attname] if attname in row else field.get_default()))
            for attname, field, prepare in prepared
        ))
        buffer.write("\n")
    buffer.seek(0)
    table = quote(model._meta.db_table)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        with connection.wrap_database_errors:  # IntegrityError and the like as Django's, as for execute()
            cursor.cursor.copy_expert(
                f"COPY {table} ({', '.join(quote(field.column) for field in fields)}) FROM STDIN", buffer
            )
        if not returned:
            return []
        key = _unique_key(returned)
        cursor.execute(
            f"SELECT {', '.join(quote(field.column) for field in returned)} FROM {table} "
            f"WHERE {quote(key.column)} = ANY(%s)",
            [[row[key.attname] for row in rows]],
        )
        return [tuple(row) for row in cursor.fetchall()]


def bulk_update_by_pk(model: type[Model], rows: list[tuple[int, dict[str, Any]]], field_names: list[str]) -> None:
    """Set `field_names` of each (pk, values) row by UPDATE ... FROM (VALUES ...). Each row gives every field."""
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    if not _fast_path():
        model.objects.bulk_update([model(pk=pk, **values) for pk, values in rows], field_names, batch_size=BATCH)
        return
    connection = _connection()
    quote = connection.ops.quote_name
    table, pk_column = quote(meta.db_table), quote(meta.pk.column)
    if connection.vendor == "postgresql":
        # Typed placeholders: a VALUES list of bare parameters would be text, which PostgreSQL will not assign.
        types = [meta.pk.rel_db_type(connection), *(field.db_type(connection) for field in fields)]
        placeholder = "(" + ", ".join(f"%s::{db_type}" for db_type in types) + ")"
        columns = ", ".join([pk_column, *(quote(field.column) for field in fields)])
        assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in fields)
        template = (f"UPDATE {table} SET {assignments} FROM (VALUES {{rows}}) AS v({columns}) "
                    f"WHERE {table}.{pk_column} = v.{pk_column}")
    else:
        # SQLite names the columns of a VALUES list column1, column2, ...
        placeholder = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
        assignments = ", ".join(f"{quote(field.column)} = v.column{index + 2}" for index, field in enumerate(fields))
        template = f"UPDATE {table} SET {assignments} FROM (VALUES {{rows}}) AS v WHERE {table}.{pk_column} = v.column1"
    prepared = [(field.attname, _preparer(field, connection)) for field in fields]
    connection.ensure_connection()
    with connection.cursor() as cursor:
        for batch in _batches(rows, _batch_size(len(fields) + 1)):
            params: list[Any] = []
            for pk, values in batch:
                params.append(pk)
                params.extend(prepare(values[attname]) for attname, prepare in prepared)
            cursor.execute(template.format(rows=", ".join([placeholder] * len(batch))), params)
