"""A learner's own calendar: the zone they live in and the day it is there."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_ZONE = "UTC"


@cache
def _load(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    # OSError: a tzdata directory ("Europe") or an over-long name is not a zone either.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def zone_named(name: str | None, default: str = UTC_ZONE) -> ZoneInfo:
    """The learner's zone, or the deployment's default when they have none or theirs cannot be
    loaded (a name stored before tzdata dropped it): a bad name must not stop them learning."""
    found = _load(name) if name else None
    if found is not None:
        return found
    return _load(default) or ZoneInfo(UTC_ZONE)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The learner's calendar day at a UTC instant."""
    return instant.astimezone(zone).date()
