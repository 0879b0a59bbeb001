"""Writing an import's new rows in bulk (issue 10, "Speed").

On PostgreSQL the rows go through `COPY ... FROM STDIN`: one stream per table, no statement
to plan per row, the fastest way in short of touching the server's files. Elsewhere (SQLite)
one executemany INSERT per table. Either way the caller has built every value, ids included,
so nothing needs reading back (no RETURNING).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Integer, String, Table, Uuid, insert
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

# The binary COPY format needs each column's PostgreSQL type; these are every type the
# imported tables use (a new one fails loudly here, not as bad data).
_BINARY_TYPES: tuple[tuple[type[Any], str], ...] = (
    (Uuid, "uuid"),
    (String, "text"),  # also Text; the server casts to the column's varchar
    (Date, "date"),
    (DateTime, "timestamptz"),
    (Boolean, "bool"),
    (Integer, "int4"),
    (JSON, "json"),
)


def _binary_type(column: Column[Any]) -> str:
    sql_type = column.type
    if isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    for python_type, name in _BINARY_TYPES:
        if isinstance(sql_type, python_type):
            return name
    raise TypeError(f"no COPY type for column {column.name}")


def table_of(model: Any) -> Table:
    """The Core table of a mapped class."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys, every column without a server default) into
    `table` in the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    # COPY bypasses SQLAlchemy's type processing: JSON is sent as its text, as the JSON type
    # would have serialised it; the other values (uuid, date, aware datetime, bool, int, str,
    # None) are psycopg's own binary adaptations of the same Python values (binary: no text
    # to format here nor to parse on the server).
    json_at = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    driver = connection.connection.driver_connection
    assert driver is not None
    names = ", ".join(f'"{name}"' for name in columns)
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            values = [row[name] for name in columns]
            for index in json_at:
                if values[index] is not None:
                    values[index] = json.dumps(values[index])
            copy.write_row(values)
