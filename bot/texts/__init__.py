"""Every text the bot sends, looked up in the gettext catalogues of bot/locales.

Texts are looked up in the language of the update being handled (the I18n context that
bot/middlewares/i18n.py sets), so nothing here is translated at import time: fixed texts are
lazy strings (`__`), which views turn into `str` when they render, and texts with values are
functions. Each is a whole sentence with named placeholders, so a translator can order it as
their language wants; a count picks its plural form through `ngettext`; numbers and
percentages are formatted for the language. Values interpolated into HTML go through `esc`.

This module holds the learning loop's texts and the helpers every text module uses; a
feature with many texts of its own keeps them in a module of this package beside it.

After changing a text here, `make i18n` updates the catalogues, whose new entries then need
translating: tests/unit/test_catalogues.py fails until every one is.
"""

from __future__ import annotations

from functools import cache, lru_cache
from html import escape

from aiogram.utils.i18n import get_i18n, gettext, ngettext
from aiogram.utils.i18n import lazy_gettext as __
from babel import Locale
from babel.numbers import format_decimal, format_percent

from db.enums import ProgressStatus

_ = gettext


def esc(value: object) -> str:
    return escape(str(value), quote=False)


@cache
def _babel_locale(language: str) -> Locale:
    return Locale.parse(language)


def _locale() -> Locale:
    return _babel_locale(get_i18n().current_locale)


def _decimal(n: int) -> str:
    """An integer as the language writes it (1,000 in English, 1 000 in Russian)."""
    return _formatted_decimal(n, get_i18n().current_locale)


def _percent(value: float) -> str:
    """A percentage (0..100) rounded to a whole one, as the language writes it: 75%, 75 %."""
    return _formatted_percent(value, get_i18n().current_locale)


# Babel formats a number in tens of microseconds, and every question and result screen shows a
# few of the same small ones (question numbers, XP, scores): formatted once per language.
@lru_cache(maxsize=4096)
def _formatted_decimal(n: int, language: str) -> str:
    return format_decimal(n, locale=_babel_locale(language))


@lru_cache(maxsize=4096)
def _formatted_percent(value: float, language: str) -> str:
    return format_percent(value / 100, locale=_babel_locale(language))


# Main menu
MENU_CONTINUE = __("▶️ Continue")
MENU_COURSES = __("📚 Courses")
MENU_PROGRESS = __("📊 My progress")
MENU_ACHIEVEMENTS = __("🏆 Achievements")
MENU_LEADERBOARD = __("🥇 Leaderboard")
MENU_SETTINGS = __("⚙️ Settings")
BACK_TO_MENU = __("🏠 Menu")
BACK_TO_COURSES = __("⬅️ Courses")
BACK_TO_MODULE = __("⬅️ Back to module")
PREVIOUS = __("◀️ Previous")
NEXT = __("Next ▶️")
START_EXERCISES = __("✍️ Start exercises")
RESUME_EXERCISES = __("✍️ Continue exercises")
MARK_DONE = __("✅ Mark as done")
RESET = __("🔄 Reset lesson")
RESET_CONFIRM = __("Yes, reset")
RESET_CANCEL = __("No, keep it")
TRY_AGAIN = __("🔁 Try again")
READ_AGAIN = __("📖 Read again")
REVIEW_MISTAKES = __("🧠 Review mistakes")
NEXT_LESSON = __("⏭ Next lesson")
STOP_EXERCISES = __("✖️ Stop")
# TRANSLATORS: the two buttons of a true-or-false question, and the answer they give.
TRUE = __("True")
FALSE = __("False")

# The command menu Telegram shows beside the message field.


def welcome(first_name: str | None) -> str:
    greeting = _("👋 Hi, {name}!").format(name=esc(first_name)) if first_name else _("👋 Hi there!")
    return (
        greeting
        + " "
        + _(
            "Learn a little every day: read short lessons, answer their exercises "
            "and watch your progress grow.\n\nWhat would you like to do?"
        )
    )


MAIN_MENU = __("🏠 <b>Main menu</b>\nWhat would you like to do?")
HELP = __(
    "<b>How it works</b>\n"
    "• <b>Courses</b> lists the modules and their lessons.\n"
    "• <b>Continue</b> opens the first lesson you have not completed.\n"
    "• Read a lesson, then answer its exercises: tap a button, or type the answer when asked.\n"
    "• <b>My progress</b> shows what you have done so far, <b>Achievements</b> the badges "
    "you have earned, <b>Leaderboard</b> where you stand.\n"
    "• <b>Settings</b>: your time zone, language and daily reminder, or deleting your data.\n\n"
    "Commands: /start /continue /courses /progress /achievements /leaderboard /settings "
    "/cancel /help"
)
UNKNOWN_COMMAND = __("🤔 I don't know that command. Try /start for the menu or /help.")
PRIVATE_ONLY = __("Let's learn in private: open a chat with me and send /start there.")
STRAY_TEXT = __("I only understand buttons and commands here. Tap /start for the menu.")
THROTTLED = __("⏳ Easy there! You're sending messages faster than I can read. Give me a moment.")
ERROR = __("😕 Something went wrong on my side. Please try again in a moment.")
BUTTON_NOT_UNDERSTOOD = __("I don't understand that button anymore.")
LESSON_UNAVAILABLE = __("This lesson is no longer available.")
MODULE_UNAVAILABLE = __("This module is no longer available.")
LESSON_NOT_FOUND = __("I couldn't find that lesson. Here is the menu instead.")
QUESTION_STALE = __("That question is no longer open.")
ANSWER_WITH_BUTTONS = __("Please answer this one with the buttons.")
# Above a button question asked again after the learner typed something instead.
TAP_AN_ANSWER = __("👇 Tap one of the answers below: this question takes a button.")
NO_EXERCISES = __("This lesson has no exercises.")
NO_COURSES = __("📚 There are no courses yet. Please come back later.")
ALL_DONE = __("🎉 You have completed every lesson. Well done!")
ALREADY_DONE = __("You've already completed this lesson.")
EXERCISES_STOPPED = __("Okay, stopped. Your answers so far are kept: come back any time.")
NOTHING_TO_CANCEL = __("There's nothing to cancel. Tap /start for the menu.")
RESET_DONE = __("🔄 The lesson is reset. Its XP stays yours.")
TYPE_ANSWER = __("✍️ Type your answer.")


def reset_question(title: str) -> str:
    return _(
        "Reset <b>{title}</b>? Its status, score and time go back to zero; "
        "XP you have earned stays."
    ).format(title=esc(title))


COURSES_TITLE = __("📚 <b>Courses</b>")
# Marks, not words: the same in every language.
CORRECT_MARK = "✅"
WRONG_MARK = "❌"
COURSE_COMPLETED = __(
    "🏁 <b>You have finished the course!</b> Every lesson is completed.\n"
    "Keep what you learned fresh with /review, and see where you stand on the leaderboard."
)


def module_completed(title: str) -> str:
    return _("🎓 Module completed: <b>{title}</b>!").format(title=esc(title))


LESSON_COMPLETED = __("✅ Lesson completed!")


def module_heading(title: str) -> str:
    return f"📘 <b>{esc(title)}</b>"


def lessons_completed_bar(bar: str, done: int, total: int) -> str:
    return ngettext(
        "{bar} {done}/{total} lesson completed", "{bar} {done}/{total} lessons completed", total
    ).format(bar=bar, done=_decimal(done), total=_decimal(total))


def lesson_heading(title: str) -> str:
    return f"📖 <b>{esc(title)}</b>"


def minutes(n: int) -> str:
    return "⏱ " + _("{minutes} min").format(minutes=_decimal(n))


def exercise_count(n: int) -> str:
    return "✍️ " + ngettext("{n} exercise", "{n} exercises", n).format(n=_decimal(n))


def lesson_xp(xp: int) -> str:
    return _("⭐ {xp} XP").format(xp=_decimal(xp))


def page_of(page: int, pages: int) -> str:
    return _("page {page}/{pages}").format(page=_decimal(page), pages=_decimal(pages))


def and_more(count: int) -> str:
    # TRANSLATORS: the last line of a list too long for one message, saying how many of its
    # lines (modules, lessons, exercises) were left out.
    return _("…and {count} more.").format(count=_decimal(count))


def module_button(title: str, percent_done: int) -> str:
    return f"{title} · {_percent(percent_done)}"


def lesson_button(mark: str, number: int, title: str) -> str:
    return f"{mark} {number}. {title}"


def question_heading(lesson_title: str, number: int, total: int) -> str:
    return _("✍️ <b>{title}</b> · question {number} of {total}").format(
        title=esc(lesson_title), number=_decimal(number), total=_decimal(total)
    )


def xp_gained(xp: int) -> str:
    return _("⭐ +{xp} XP").format(xp=_decimal(xp))


def progress_bar(done: int, total: int, width: int = 10) -> str:
    filled = round(width * done / total) if total else 0
    return "▓" * filled + "░" * (width - filled)


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


def module_progress(title: str, done: int, total: int) -> str:
    """A module's title over its progress bar, as Courses and My progress both show it."""
    line = ngettext(
        "{bar} {percent} · {done}/{total} lesson", "{bar} {percent} · {done}/{total} lessons", total
    ).format(
        bar=progress_bar(done, total),
        percent=_percent(percent(done, total)),
        done=_decimal(done),
        total=_decimal(total),
    )
    return f"<b>{esc(title)}</b>\n{line}"


def status_mark(status: ProgressStatus, score: int | None) -> str:
    if status is ProgressStatus.COMPLETED:
        return f"✅ {_percent(score)}" if score is not None else "✅"
    if status is ProgressStatus.IN_PROGRESS:
        return "🟡"
    return "⚪"


def duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    mins = rest // 60
    if hours:
        return _("{hours} h {minutes} min").format(hours=_decimal(hours), minutes=_decimal(mins))
    if mins:
        return _("{minutes} min").format(minutes=_decimal(mins))
    return _("under a minute") if seconds else _("none yet")


def your_answer(given: str) -> str:
    return _("Your answer: <b>{answer}</b>").format(answer=esc(given))


def answer_feedback(correct: bool, correct_answer: str, explanation: str | None) -> str:
    head = (
        _("✅ <b>Correct!</b>")
        if correct
        else _("❌ <b>Not quite.</b> The answer: {answer}").format(answer=esc(correct_answer))
    )
    return head + (f"\n\n💡 {esc(explanation)}" if explanation else "")


def run_result(
    correct: int, total: int, score: int | None, best: int | None, pass_score: int, passed: bool
) -> str:
    lines = [
        _("🏁 <b>Finished!</b> {correct} of {total} correct.").format(
            correct=_decimal(correct), total=_decimal(total)
        )
    ]
    if score is not None:
        lines.append(
            _("Score: <b>{score}</b> (pass mark {pass_score})").format(
                score=_percent(score), pass_score=_percent(pass_score)
            )
        )
    if best is not None and best != score:
        lines.append(_("Your best: {best}").format(best=_percent(best)))
    lines.append(
        _("🎉 Passed!") if passed else _("Not passed yet: read the lesson again and retry.")
    )
    return "\n".join(lines)
