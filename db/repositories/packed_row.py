"""A many-column row read as one JSON array, for the hot path's one read.

The MySQL driver (aiomysql, on PyMySQL's protocol code) parses the description of every column
of a result, packet by packet, in Python: the lesson state's 31 columns were about a quarter of
the CPU of an answer's database work (bench/driver_floor.py). `JSON_ARRAY` (MariaDB, MySQL) and
`json_array` (SQLite) return the same row as one text column, which `json.loads` reads in C;
each value is then decoded by its column's type, as SQLAlchemy would have.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Enum, Select, func

from db.base import UTCDateTime

Decode = Callable[[Any], Any]


def _utc(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _decoder(column: Any) -> Decode | None:
    """How a column's JSON value becomes what SQLAlchemy would have returned; None: as it is
    (numbers, and the texts of group_concat)."""
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return _utc
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Boolean):
        return bool
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return kind.enum_class
    return None


@dataclass(frozen=True, slots=True)
class PackedRow:
    """`statement` selects one column, the JSON array of `names`' values in order."""

    statement: Select[Any]
    names: tuple[str, ...]
    decoders: tuple[Decode | None, ...]

    def decode(self, packed: str) -> dict[str, Any]:
        values = json.loads(packed)
        return {
            name: value if decode is None or value is None else decode(value)
            for name, decode, value in zip(self.names, self.decoders, values, strict=True)
        }


def packed(statement: Select[Any], columns: list[Any]) -> PackedRow:
    """`statement` selecting `columns` (labelled, or with names of their own) as one JSON array;
    its FROM must be explicit (select_from), as the array's columns do not name it."""
    return PackedRow(
        statement.with_only_columns(func.json_array(*columns)),
        tuple(column.key for column in columns),
        tuple(_decoder(column) for column in columns),
    )
