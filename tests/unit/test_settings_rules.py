"""The settings' rules that need no database: the zones offered, typed zones, languages."""

from __future__ import annotations

from typing import get_args
from zoneinfo import ZoneInfo

import pytest

from bot.callbacks import LanguageCode
from bot.services.errors import UnknownTimezone
from bot.services.learners import LANGUAGES
from bot.services.settings import ZONES, parse_timezone, zone_offset
from bot.views.settings import zone_label


def test_every_offered_zone_loads_and_is_offered_once() -> None:
    assert len(set(ZONES)) == len(ZONES)
    for zone in ZONES:
        ZoneInfo(zone)
        assert parse_timezone(zone) == zone


def test_offset_zones_are_labelled_the_way_people_write_them() -> None:
    assert zone_offset("Etc/GMT-3") == 3
    assert zone_label("Etc/GMT-3") == "UTC+3"
    assert zone_label("Etc/GMT+12") == "UTC−12"
    assert zone_label("Asia/Tokyo") == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
        ("UTC+3", "Etc/GMT-3"),
        ("+5:00", "Etc/GMT-5"),
        ("gmt −7", "Etc/GMT+7"),
        ("UTC+14", "Etc/GMT-14"),
        ("UTC+0", "UTC"),
    ],
)
def test_typed_zones(typed: str, zone: str) -> None:
    assert parse_timezone(typed) == zone


@pytest.mark.parametrize(
    "typed", ["", "Mars/Olympus", "Europe", "localtime", "UTC+15", "UTC-13", "+3:30", "x" * 65]
)
def test_typed_non_zones(typed: str) -> None:
    with pytest.raises(UnknownTimezone):
        parse_timezone(typed)


def test_the_language_buttons_offer_the_languages_the_bot_speaks() -> None:
    assert get_args(LanguageCode) == LANGUAGES
