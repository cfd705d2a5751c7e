"""What a service says when the learner's input cannot be acted on.

Handlers do not check for these case by case: the errors router answers each kind in one place
(bot/handlers/errors.py). Raising one rolls the unit of work back, so nothing is written.
"""

from __future__ import annotations


class DomainError(Exception):
    """The learner's request cannot be carried out as asked; nothing was changed."""


class Gone(DomainError):
    """What the button or link points at is no longer available to learners."""


class LessonGone(Gone):
    pass


class ModuleGone(Gone):
    pass


class UnknownLesson(Gone):
    """A link names a lesson that learners cannot find."""


class NotUnderstood(DomainError):
    """The input does not fit what it claims to be (an option a question does not have, a
    "done" button of a lesson that has exercises)."""


class ChoicesOnly(NotUnderstood):
    """A typed answer to a question that is answered with buttons."""


class UnknownTimezone(NotUnderstood):
    """A typed time zone that is no IANA name, known place or UTC offset in use."""


class SeveralTimezones(UnknownTimezone):
    """A typed country that spans several time zones: its name alone does not say which."""


class Stale(DomainError):
    """The question is not the one being asked now (an old run, a later question)."""


class AlreadyAnswered(DomainError):
    """This exercise already has an answer in this run: a double tap. The first press got its
    feedback; this one gets none."""


class AlreadyDone(DomainError):
    """The lesson is already completed."""


class NoExercises(DomainError):
    """The lesson has no exercises to start."""


class AuthoringGone(DomainError):
    """An admin's button or dialog points at a module or lesson that is deleted (or never
    was). Answered by the authoring routers, which offer the modules list in its place."""


class AuthoredModuleGone(AuthoringGone):
    pass


class AuthoredLessonGone(AuthoringGone):
    pass
