"""English texts: every word the bot says. Values interpolated into HTML go through `esc`.

Texts are whole sentences with placeholders, and a count always picks its plural form through
`plural`, so a translator can write each sentence as their language wants it.
"""

from __future__ import annotations

from html import escape

from db.enums import ProgressStatus


def esc(value: object) -> str:
    return escape(str(value), quote=False)


def plural(n: int, one: str, other: str) -> str:
    """English has two forms: `one` for 1, `other` for everything else (0 included)."""
    return (one if n == 1 else other).format(n=n)


# Main menu
MENU_CONTINUE = "▶️ Continue"
MENU_COURSES = "📚 Courses"
MENU_PROGRESS = "📊 My progress"
MENU_ACHIEVEMENTS = "🏆 Achievements"
MENU_LEADERBOARD = "🥇 Leaderboard"
MENU_SETTINGS = "⚙️ Settings"
BACK_TO_MENU = "🏠 Menu"
BACK_TO_COURSES = "⬅️ Courses"
BACK_TO_MODULE = "⬅️ Back to module"
PREVIOUS = "◀️ Previous"
NEXT = "Next ▶️"
START_EXERCISES = "✍️ Start exercises"
RESUME_EXERCISES = "✍️ Continue exercises"
MARK_DONE = "✅ Mark as done"
RESET = "🔄 Reset lesson"
RESET_CONFIRM = "Yes, reset"
RESET_CANCEL = "No, keep it"
TRY_AGAIN = "🔁 Try again"
NEXT_LESSON = "⏭ Next lesson"
STOP_EXERCISES = "✖️ Stop"

COMMAND_DESCRIPTIONS = {
    "start": "Main menu",
    "continue": "Continue where you left off",
    "courses": "Browse the courses",
    "progress": "My progress",
    "cancel": "Stop typing an answer",
    "help": "How this bot works",
}


def welcome(first_name: str | None) -> str:
    name = esc(first_name) if first_name else "there"
    return (
        f"👋 Hi, {name}! Learn a little every day: read short lessons, answer their exercises "
        "and watch your progress grow.\n\nWhat would you like to do?"
    )


MAIN_MENU = "🏠 <b>Main menu</b>\nWhat would you like to do?"
HELP = (
    "<b>How it works</b>\n"
    "• <b>Courses</b> lists the modules and their lessons.\n"
    "• <b>Continue</b> opens the first lesson you have not completed.\n"
    "• Read a lesson, then answer its exercises: tap a button, or type the answer when asked.\n"
    "• <b>My progress</b> shows what you have done so far.\n\n"
    "Commands: /start /continue /courses /progress /cancel /help"
)
UNKNOWN_COMMAND = "🤔 I don't know that command. Try /start for the menu or /help."
PRIVATE_ONLY = "Let's learn in private: open a chat with me and send /start there."
STRAY_TEXT = "I only understand buttons and commands here. Tap /start for the menu."
THROTTLED = "⏳ Easy there! You're sending messages faster than I can read. Give me a moment."
ERROR = "😕 Something went wrong on my side. Please try again in a moment."
STALE_BUTTON = "This button is out of date. Here is the menu."
BUTTON_NOT_UNDERSTOOD = "I don't understand that button anymore."
LESSON_UNAVAILABLE = "This lesson is no longer available."
MODULE_UNAVAILABLE = "This module is no longer available."
LESSON_NOT_FOUND = "I couldn't find that lesson. Here is the menu instead."
QUESTION_STALE = "That question is no longer open."
ANSWER_WITH_BUTTONS = "Please answer this one with the buttons."
NO_EXERCISES = "This lesson has no exercises."
COMING_SOON = "🚧 Coming soon."
NO_COURSES = "📚 There are no courses yet. Please come back later."
ALL_DONE = "🎉 You have completed every lesson. Well done!"
ALREADY_DONE = "You've already completed this lesson."
EXERCISES_STOPPED = "Okay, stopped. Your answers so far are kept: come back any time."
NOTHING_TO_CANCEL = "There's nothing to cancel. Tap /start for the menu."
RESET_DONE = "🔄 The lesson is reset. Its XP stays yours."
TYPE_ANSWER = "✍️ Type your answer."
SETTINGS_LABEL = "Settings"


def reset_question(title: str) -> str:
    return (
        f"Reset <b>{esc(title)}</b>? Its status, score and time go back to zero; "
        "XP you have earned stays."
    )


COURSES_TITLE = "📚 <b>Courses</b>"
PROGRESS_TITLE = "📊 <b>My progress</b>"
NO_SCORES_YET = "no scores yet"
CORRECT_MARK = "✅"
WRONG_MARK = "❌"
MODULE_COMPLETED = "🎓 Module completed!"


def module_heading(title: str) -> str:
    return f"📘 <b>{esc(title)}</b>"


def lessons_completed_bar(bar: str, done: int, total: int) -> str:
    counted = plural(total, f"{done}/{{n}} lesson completed", f"{done}/{{n}} lessons completed")
    return f"{bar} {counted}"


def lesson_heading(title: str) -> str:
    return f"📖 <b>{esc(title)}</b>"


def minutes(n: int) -> str:
    return f"⏱ {n} min"


def exercise_count(n: int) -> str:
    return "✍️ " + plural(n, "{n} exercise", "{n} exercises")


def lesson_xp(xp: int) -> str:
    return f"⭐ {xp} XP"


def page_of(page: int, pages: int) -> str:
    return f"page {page}/{pages}"


def module_button(title: str, percent_done: int) -> str:
    return f"{title} · {percent_done}%"


def lesson_button(mark: str, number: int, title: str) -> str:
    return f"{mark} {number}. {title}"


def question_heading(lesson_title: str, number: int, total: int) -> str:
    return f"✍️ <b>{esc(lesson_title)}</b> · question {number} of {total}"


def lessons_completed_of(done: int, total: int) -> str:
    return f"✅ Lessons completed: <b>{done}</b> of {total}"


def average_score(score: str) -> str:
    return f"🎯 Average score: <b>{score}</b>"


def score_percent(score: float) -> str:
    return f"{score:.0f}%"


def time_spent(duration_text: str) -> str:
    return f"⏱ Time spent: <b>{duration_text}</b>"


def total_xp(xp: int) -> str:
    return f"⭐ XP: <b>{xp}</b>"


def xp_gained(xp: int) -> str:
    return f"⭐ +{xp} XP"


def progress_bar(done: int, total: int, width: int = 10) -> str:
    filled = round(width * done / total) if total else 0
    return "▓" * filled + "░" * (width - filled)


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


def module_progress(title: str, done: int, total: int) -> str:
    """A module's title over its progress bar, as Courses and My progress both show it."""
    bar = progress_bar(done, total)
    lessons = plural(total, f"{done}/{{n}} lesson", f"{done}/{{n}} lessons")
    return f"<b>{esc(title)}</b>\n{bar} {percent(done, total)}% · {lessons}"


def status_mark(status: ProgressStatus, score: int | None) -> str:
    if status is ProgressStatus.COMPLETED:
        return f"✅ {score}%" if score is not None else "✅"
    if status is ProgressStatus.IN_PROGRESS:
        return "🟡"
    return "⚪"


def duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    mins = rest // 60
    if hours:
        return f"{hours} h {mins} min"
    if mins:
        return f"{mins} min"
    return "under a minute" if seconds else "none yet"


def your_answer(given: str) -> str:
    return f"Your answer: <b>{esc(given)}</b>"


def answer_feedback(correct: bool, correct_answer: str, explanation: str | None) -> str:
    head = (
        "✅ <b>Correct!</b>"
        if correct
        else f"❌ <b>Not quite.</b> The answer: {esc(correct_answer)}"
    )
    return head + (f"\n\n💡 {esc(explanation)}" if explanation else "")


def run_result(
    correct: int, total: int, score: int | None, best: int | None, pass_score: int, passed: bool
) -> str:
    lines = [f"🏁 <b>Finished!</b> {correct} of {total} correct."]
    if score is not None:
        lines.append(f"Score: <b>{score}%</b> (pass mark {pass_score}%)")
    if best is not None and best != score:
        lines.append(f"Your best: {best}%")
    lines.append("🎉 Passed!" if passed else "Not passed yet: read the lesson again and retry.")
    return "\n".join(lines)


LESSON_COMPLETED = "✅ Lesson completed!"


# Serving under faults (texts added with the operations work, to move to the catalogues)
DATABASE_UNAVAILABLE = "⏳ I can't reach my notes right now. Please try again in a minute."
