"""A learner's own calendar: the zone they live in and the day it is there."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
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


def known_zone(name: str) -> bool:
    """Whether the zone database can load `name`."""
    return _load(name) is not None


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


def local_instant(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of `hour`:00 on the learner's `day`. A wall time the zone skips (spring
    forward) or repeats (fall back) resolves as zoneinfo's fold=0 does: a skipped 02:00 in
    Berlin is read with the offset before the change (01:00 UTC, i.e. 03:00 CEST), a repeated
    02:00 is its first occurrence (00:00 UTC)."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)
