"""Write many rows with one statement per batch, linear in the number of rows.

Django's bulk_create compiles every value through the SQL compiler (about 5 µs each: a 30,000-account file has
570,000 values) and, on SQLite, splits batches at 999 parameters; bulk_update builds one CASE branch per row and
field, which the database evaluates for every row, quadratic in the batch (about 1,700 rows/s here). These helpers
build the statement once per batch and only prepare each value for the database. PostgreSQL and SQLite (3.35+:
RETURNING, UPDATE ... FROM) take the fast path; any other database gets Django's bulk_create / bulk_update.

The rows bypass save(), signals and auto_now/auto_now_add: callers pass every value, timestamps included.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
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


def _prepare(field, value, connection):
    return None if value is None else field.get_db_prep_save(value, connection)


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
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returned = [meta.get_field(name) for name in returning]
    template = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {{rows}}"
    if returned:
        template += " RETURNING " + ", ".join(quote(field.column) for field in returned)
    result: list[tuple] = []
    connection.ensure_connection()
    with connection.cursor() as cursor:
        for batch in _batches(rows, _batch_size(len(fields))):
            params: list[Any] = []
            for row in batch:
                for field in fields:
                    value = row[field.attname] if field.attname in row else field.get_default()
                    params.append(_prepare(field, value, connection))
            cursor.execute(template.format(rows=", ".join([placeholder] * len(batch))), params)
            if returned:
                result.extend(tuple(row) for row in cursor.fetchall())
    return result


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
    connection.ensure_connection()
    with connection.cursor() as cursor:
        for batch in _batches(rows, _batch_size(len(fields) + 1)):
            params: list[Any] = []
            for pk, values in batch:
                params.append(pk)
                params.extend(_prepare(field, values[field.attname], connection) for field in fields)
            cursor.execute(template.format(rows=", ".join([placeholder] * len(batch))), params)
