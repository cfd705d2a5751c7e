"""A learner's own calendar: the zone they live in and the day it is there.

A zone is an IANA name (`Europe/Berlin`, `Etc/GMT-3`) or a fixed offset the zone database has no
name for, stored as `UTC+05:30`: India, Nepal, Newfoundland, central Australia and a few more
keep the clock a half or three quarters of an hour off UTC. Either is read as a `tzinfo`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_ZONE = "UTC"
_FIXED_OFFSET = re.compile(r"UTC([+-])(\d{2}):(\d{2})")
# Far enough for every offset in use (UTC-12 to UTC+14), inside what `timezone` accepts.
_OFFSET_LIMIT = 15 * 60


def fixed_offset_name(minutes: int) -> str:
    """How a fixed offset is stored: `UTC+05:30`, `UTC-03:30`."""
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def fixed_offset_minutes(name: str) -> int | None:
    """The offset in minutes of a name `fixed_offset_name` made; None for any other name."""
    match = _FIXED_OFFSET.fullmatch(name)
    if match is None:
        return None
    minutes = int(match.group(2)) * 60 + int(match.group(3))
    if int(match.group(3)) >= 60 or minutes >= _OFFSET_LIMIT:
        return None
    return -minutes if match.group(1) == "-" else minutes


@cache
def _load(name: str) -> tzinfo | None:
    minutes = fixed_offset_minutes(name)
    if minutes is not None:
        return timezone(timedelta(minutes=minutes), name)
    try:
        return ZoneInfo(name)
    # OSError: a tzdata directory ("Europe") or an over-long name is not a zone either.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def known_zone(name: str) -> bool:
    """Whether the zone database can load `name`."""
    return _load(name) is not None


def zone_named(name: str | None, default: str = UTC_ZONE) -> tzinfo:
    """The learner's zone, or the deployment's default when they have none or theirs cannot be
    loaded (a name stored before tzdata dropped it): a bad name must not stop them learning."""
    found = _load(name) if name else None
    if found is not None:
        return found
    return _load(default) or ZoneInfo(UTC_ZONE)


def local_date(instant: datetime, zone: tzinfo) -> date:
    """The learner's calendar day at a UTC instant."""
    return instant.astimezone(zone).date()


def local_instant(day: date, hour: int, zone: tzinfo) -> datetime:
    """The UTC instant of `hour`:00 on the learner's `day`. A wall time the zone skips (spring
    forward) or repeats (fall back) resolves as zoneinfo's fold=0 does: a skipped 02:00 in
    Berlin is read with the offset before the change (01:00 UTC, i.e. 03:00 CEST), a repeated
    02:00 is its first occurrence (00:00 UTC)."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)
