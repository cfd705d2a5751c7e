"""The settings' rules that need no database: the zones offered, typed zones, languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import get_args

import pytest

from bot.callbacks.learner import LanguageCode
from bot.services.errors import SeveralTimezones, UnknownTimezone
from bot.services.learners import LANGUAGES
from bot.services.localtime import known_zone, zone_named
from bot.services.timezones import (
    OFFSETS,
    ZONES,
    local_time,
    offset_zone,
    parse_timezone,
    place_name,
    zone_offset,
)
from bot.services.zone_names import PLACES


def test_every_offered_zone_loads_and_is_offered_once() -> None:
    assert len(set(ZONES)) == len(ZONES)
    for zone in ZONES:
        assert known_zone(zone), zone
        assert parse_timezone(zone) == zone
    assert {offset_zone(m) for m in OFFSETS} <= set(ZONES)


def test_every_place_in_the_table_is_a_zone_that_loads() -> None:
    for place in PLACES:
        assert known_zone(place.zone), place.zone
        for name in (*place.en, *place.ru):
            assert parse_timezone(name) == place.zone, name


def test_offset_zones_are_labelled_the_way_people_write_them() -> None:
    assert zone_offset("Etc/GMT-3") == 180
    assert zone_offset("UTC-03:30") == -210
    assert place_name("Etc/GMT-3", "en") == "UTC+3"
    assert place_name("Etc/GMT+12", "ru") == "UTC−12"
    assert place_name("UTC+05:45", "en") == "UTC+5:45"
    assert place_name("UTC-09:30", "en") == "UTC−9:30"
    assert place_name("UTC", "ru") == "UTC"


def test_places_are_named_in_the_learners_language() -> None:
    assert place_name("Europe/Berlin", "en") == "Berlin"
    assert place_name("Europe/Berlin", "ru") == "Берлин"
    assert place_name("Europe/Moscow", "ru") == "Москва"
    # Not in the table: the last part of its name, in either language.
    assert place_name("America/Argentina/Ushuaia", "ru") == "Ushuaia"
    assert place_name("America/Port_of_Spain", "en") == "Port of Spain"


def test_a_fixed_offset_keeps_its_clock_all_year() -> None:
    zone = zone_named("UTC+05:30")
    for month in (1, 7):
        instant = datetime(2026, month, 1, 0, 0, tzinfo=UTC)
        assert instant.astimezone(zone).utcoffset() == timedelta(hours=5, minutes=30)
    assert local_time("UTC+05:45", "UTC", datetime(2026, 3, 2, 8, 12, tzinfo=UTC)) == "13:57"
    # A name that no longer loads falls back to the default: never a stopped learner.
    assert local_time("UTC+99:00", "Europe/Berlin", datetime(2026, 3, 2, 8, 12, tzinfo=UTC)) == (
        "09:12"
    )


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
        ("UTC+03:00", "Etc/GMT-3"),
        # The offsets of half and three-quarter hours, each as a fixed offset.
        ("UTC+5:30", "UTC+05:30"),
        ("UTC+05:45", "UTC+05:45"),
        ("+5:30", "UTC+05:30"),
        ("+530", "UTC+05:30"),
        ("-3:30", "UTC-03:30"),
        ("UTC−9:30", "UTC-09:30"),
        ("GMT+9:30", "UTC+09:30"),
        ("utc+12:45", "UTC+12:45"),
        ("+3:30", "UTC+03:30"),
        # Cities and countries, in English and Russian, and zones by their last part.
        ("berlin", "Europe/Berlin"),
        ("Берлин", "Europe/Berlin"),
        ("Москва", "Europe/Moscow"),
        ("САНКТ ПЕТЕРБУРГ", "Europe/Moscow"),
        ("Кишинев", "Europe/Chisinau"),
        ("kolkata", "Asia/Kolkata"),
        ("India", "Asia/Kolkata"),
        ("Japan", "Asia/Tokyo"),
        ("new york", "America/New_York"),
        ("NEW_YORK", "America/New_York"),
        ("newyork", "America/New_York"),
        ("st johns", "America/St_Johns"),
        ("ushuaia", "America/Argentina/Ushuaia"),
        ("Buenos Aires", "America/Argentina/Buenos_Aires"),
    ],
)
def test_typed_zones(typed: str, zone: str) -> None:
    assert parse_timezone(typed) == zone


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "Mars/Olympus",
        "Europe",
        "localtime",
        "UTC+15",
        "UTC-13",
        "UTC+5:15",
        "+3:60",
        "-12:30",
        "берлинн",
        "x" * 65,
    ],
)
def test_typed_non_zones(typed: str) -> None:
    with pytest.raises(UnknownTimezone):
        parse_timezone(typed)


@pytest.mark.parametrize("typed", ["Russia", "россия", "USA", "Canada", "Австралия"])
def test_a_country_of_several_zones_asks_for_the_city(typed: str) -> None:
    with pytest.raises(SeveralTimezones):
        parse_timezone(typed)


def test_the_language_buttons_offer_the_languages_the_bot_speaks() -> None:
    assert get_args(LanguageCode) == LANGUAGES
