"""The admin menu's texts and the command menu admins get on top of the learner's."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

MENU = __(
    "🛠 <b>Admin</b>\n\nWrite and publish lessons, load a course file, push messages to "
    "learners and see how the course is doing."
)
SECTION_COURSE = __("📚 Modules and lessons")
SECTION_COURSE_FILE = __("📄 Course file")
SECTION_BROADCASTS = __("📣 Broadcasts")
SECTION_STATS = __("📈 Statistics")
BACK_TO_ADMIN = __("🛠 Admin menu")

ADMIN_COMMAND_DESCRIPTIONS = {
    "admin": __("Admin menu: write and publish lessons"),
    "stats": __("Course statistics"),
    "broadcast": __("Reply to a message to send it to every learner"),
    "broadcasts": __("Recent broadcasts"),
    "export": __("The course as a file"),
}
