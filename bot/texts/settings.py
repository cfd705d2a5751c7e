"""The Settings screens' texts: time zone, language, daily reminder, deleting one's data."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

from bot.texts import _, esc

TITLE = __("⚙️ <b>Settings</b>")
TIMEZONE_BUTTON = __("🌍 Time zone")
LANGUAGE_BUTTON = __("🗣 Language")
REMINDER_BUTTON = __("🔔 Daily reminder")
DELETE_BUTTON = __("🗑 Delete my data")
BACK_TO_SETTINGS = __("⬅️ Settings")
CANCEL = __("✖️ Cancel")

TIMEZONE_TITLE = __("🌍 <b>Time zone</b>")
TIMEZONE_HELP = __(
    "Your days, streak and reminder follow your time zone. "
    "Pick yours, choose an offset from UTC, or type its name."
)
OFFSETS_BUTTON = __("🕐 UTC offsets")
TYPE_ZONE_BUTTON = __("⌨️ Type a name")
BACK_TO_ZONES = __("⬅️ Time zones")
TYPE_ZONE = __(
    "⌨️ Type your city or country (<code>Berlin</code>, <code>Москва</code>, <code>India</code>), "
    "a zone name (<code>Europe/Berlin</code>) or an offset from UTC (<code>UTC+3</code>, "
    "<code>UTC+5:30</code>)."
)
UNKNOWN_TIMEZONE = __(
    "🤔 I don't know that time zone. Type a city or country like Berlin, Москва or India, "
    "a zone name like Europe/Berlin, or an offset like UTC+3, UTC+5:30 or -3:30; "
    "or send /cancel."
)
SEVERAL_TIMEZONES = __(
    "🤔 That country has several time zones. Type your city, like Novosibirsk or Chicago, "
    "or an offset like UTC+7; or send /cancel."
)
TIMEZONE_KEPT = __("Okay, your time zone stays as it was.")

LANGUAGE_TITLE = __("🗣 <b>Language</b>\nWhich language shall I speak?")
# TRANSLATORS: said in the language just chosen, right after the learner chose it.
LANGUAGE_SET = __("🗣 Done: from now on I speak English.")

REMINDER_TITLE = __("🔔 <b>Daily reminder</b>")
REMINDER_HELP = __("Once a day, at the hour you pick in your time zone, a nudge to keep learning.")
TURN_ON = __("🔔 Turn on")
TURN_OFF = __("🔕 Turn off")
REMINDER_ON = __("🔔 The reminder is on.")
REMINDER_OFF = __("🔕 The reminder is off.")
STATUS_OFF = __("off")
STATUS_NO_HOUR = __("on, pick an hour")

DELETE_QUESTION = __(
    "⚠️ <b>Delete all your data?</b>\n"
    "Your progress, answers, XP, achievements, streak, settings and place on the leaderboard "
    "are deleted for good. This cannot be undone."
)
DELETE_CONFIRM = __("🗑 Yes, delete everything")
DELETE_CANCEL = __("⬅️ No, keep it")
DATA_DELETED = __("🗑 Your data is deleted. Whenever you want to start again, send /start.")


def clock_time(hour: int) -> str:
    return f"{hour:02d}:00"


def timezone_line(zone: str, *, default: bool) -> str:
    if default:
        return _("🌍 Time zone: <b>{zone}</b> (default)").format(zone=esc(zone))
    return _("🌍 Time zone: <b>{zone}</b>").format(zone=esc(zone))


def local_time_line(clock: str) -> str:
    return _("🕐 Your time now: <b>{time}</b>").format(time=clock)


def zone_button(place: str, clock: str) -> str:
    """A zone to pick, with the time it is there now: `Berlin · 09:12`."""
    return f"{place} · {clock}"


def language_line(name: str) -> str:
    return _("🗣 Language: <b>{language}</b>").format(language=name)


def reminder_line(status: str) -> str:
    return _("🔔 Daily reminder: <b>{status}</b>").format(status=status)


def status_at(hour: int) -> str:
    return _("on, at {time}").format(time=clock_time(hour))


def timezone_set(zone: str) -> str:
    return _("🌍 Time zone set: {zone}").format(zone=zone)


def reminder_at(hour: int) -> str:
    return _("🔔 Reminder at {time} every day.").format(time=clock_time(hour))
