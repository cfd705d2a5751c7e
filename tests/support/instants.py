"""Writing UTC instants briefly in tests that move through time."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
