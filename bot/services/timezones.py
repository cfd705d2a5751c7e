"""The time zones a learner may choose: the zones offered as buttons (by index), the fixed
offsets some place keeps, a zone as the learner types it (a city, a country, an IANA name, an
offset) and as they read it."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.services.errors import SeveralTimezones, UnknownTimezone
from bot.services.localtime import fixed_offset_minutes, fixed_offset_name, zone_named
from bot.services.zone_names import PLACES, SEVERAL_ZONES, Place

UTC = "UTC"
# The zones most learners live by, offered as buttons; anyone else types theirs or picks an offset.
COMMON_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Kyiv",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
)
HOUR = 60
# Every offset from UTC some place keeps, in minutes: the whole hours from UTC-12 to UTC+14,
# and the half and three-quarter hours (Marquesas, Newfoundland summer and winter, Iran,
# Afghanistan, India, Nepal, Myanmar, Eucla, central Australia and Lord Howe, Chatham summer
# and winter).
WHOLE_OFFSETS = tuple(hours * HOUR for hours in range(-12, 15))
PART_OFFSETS = (-570, -210, -150, 210, 270, 330, 345, 390, 525, 570, 630, 765, 825)
OFFSETS = tuple(sorted(WHOLE_OFFSETS + PART_OFFSETS))
# Longer names do not fit users.timezone (no IANA name comes close).
ZONE_NAME_LIMIT = 64
_OFFSET = re.compile(r"(?:utc|gmt)?\s*([+\-−])\s*(\d{1,2})(?:[:.]?(\d{2}))?", re.IGNORECASE)
# The areas of the zone database's own names; the others (Etc, US, Canada...) are old aliases,
# and Etc/GMT+3 ("three hours behind") would be misread as UTC+3 if matched by its last part.
_AREAS = frozenset(
    [
        "Africa",
        "America",
        "Antarctica",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    ]
)


def offset_zone(minutes: int) -> str:
    """The zone of a fixed offset: a whole hour as its IANA zone (Etc/GMT names carry the POSIX
    sign, so Etc/GMT-3 is +3), a part of an hour as `UTC+05:30`, which the zone database lacks."""
    if minutes == 0:
        return UTC
    if minutes % HOUR == 0:
        return f"Etc/GMT{-minutes // HOUR:+d}"
    return fixed_offset_name(minutes)


def zone_offset(zone: str) -> int | None:
    """The offset in minutes of a zone `offset_zone` names; None for any other zone."""
    if zone == UTC:
        return 0
    match = re.fullmatch(r"Etc/GMT([+-]\d{1,2})", zone)
    if match:
        return -int(match.group(1)) * HOUR
    return fixed_offset_minutes(zone)


# Every zone a button offers, by index: callback data carries the index, never a name. New
# zones go at the end, so a button on an old message still means what it said.
ZONES = (
    UTC,
    *COMMON_ZONES,
    *(offset_zone(m) for m in WHOLE_OFFSETS if m),
    *(offset_zone(m) for m in PART_OFFSETS),
)


def _key(name: str) -> str:
    """A place's name as it is compared: case, spaces, underscores, hyphens, apostrophes and dots
    aside, ё as е (`new york` = `New_York`, `санкт петербург` = `Санкт-Петербург`)."""
    return re.sub(r"[\s_\-'’.]+", "", name.casefold()).replace("ё", "е")


@cache
def _known_zones() -> dict[str, str]:
    # Read from the zone database the first time a name is typed, not at import.
    return {
        name.lower(): name for name in available_timezones() if name not in {"localtime", "Factory"}
    }


@cache
def _places() -> dict[str, str]:
    """Place names (the table's, then each zone by the last part of its name) to zones."""
    found: dict[str, str] = {}
    # Sorted: where two names share a last part (Asia/Istanbul, Europe/Istanbul) they are one
    # zone under two names, and the first is taken every time.
    for zone in sorted(_known_zones().values()):
        area, _, rest = zone.partition("/")
        if area in _AREAS and rest:
            found.setdefault(_key(rest.rsplit("/", 1)[-1]), zone)
    for place in PLACES:
        for name in (*place.en, *place.ru):
            found[_key(name)] = place.zone
    return found


@cache
def _several_zones() -> frozenset[str]:
    return frozenset(_key(name) for name in SEVERAL_ZONES)


def _parse_offset(match: re.Match[str]) -> str:
    part = int(match.group(3) or 0)
    minutes = int(match.group(2)) * HOUR + part
    minutes = -minutes if match.group(1) != "+" else minutes
    if part >= HOUR or minutes not in OFFSETS:
        raise UnknownTimezone  # an offset no place keeps (UTC+15, UTC+5:15)
    return offset_zone(minutes)


def parse_timezone(text: str) -> str:
    """The zone a learner typed: an IANA name in any case (`europe/berlin`), a city or country
    in English or Russian (`Berlin`, `Москва`, `India`), the last part of an IANA name
    (`kolkata`), `UTC`, or an offset in use (`UTC+3`, `-5`, `UTC+5:30`, `+05:45`).
    SeveralTimezones for a country that spans zones far apart; UnknownTimezone otherwise."""
    text = text.strip()
    if len(text) > ZONE_NAME_LIMIT:
        raise UnknownTimezone
    if text.lower() in {"utc", "gmt", "z"}:
        return UTC
    match = _OFFSET.fullmatch(text)
    if match:
        return _parse_offset(match)
    # Places first: `Japan` is also an old alias in the zone database, but Asia/Tokyo it is.
    zone = _places().get(_key(text))
    if zone is None and _key(text) in _several_zones():
        raise SeveralTimezones
    zone = zone or _known_zones().get(text.replace(" ", "_").lower())
    if zone is None:
        raise UnknownTimezone
    ZoneInfo(zone)  # a name the database lists but cannot load would fail every later day
    return zone


def place_name(zone: str, language: str) -> str:
    """A zone as the learner reads it: a place's name in their language where the table has one
    (`Берлин`), an offset as people write it (`UTC+5:30`, `UTC−3`), else the last part of its
    name (`Buenos Aires`)."""
    minutes = zone_offset(zone)
    if minutes is not None:
        if minutes == 0:
            return UTC
        hours, rest = divmod(abs(minutes), HOUR)
        sign = "−" if minutes < 0 else "+"
        return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    place = _place_of_zone().get(zone)
    if place is not None:
        return place.ru[0] if language == "ru" else place.en[0]
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@cache
def _place_of_zone() -> dict[str, Place]:
    return {place.zone: place for place in PLACES}


def local_time(zone: str, default_zone: str, now: datetime) -> str:
    """The clock in `zone` at `now` (in the deployment's default when `zone` cannot be loaded)."""
    return now.astimezone(zone_named(zone, default_zone)).strftime("%H:%M")
