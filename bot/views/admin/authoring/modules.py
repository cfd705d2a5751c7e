"""The modules list, a module's screen, the reorder screen, a module's deletion asked first."""

from __future__ import annotations

from bot import texts as learner_texts
from bot.callbacks.admin import (
    AdminMenuCb,
    AdminSection,
    AuthorLessonCb,
    AuthorModuleCb,
    ModuleAction,
    ModuleActionCb,
    MoveLessonCb,
    MoveTo,
    NewModuleCb,
)
from bot.services.authoring.modules import ModuleDetail, ModuleSummary
from bot.texts import authoring as texts
from bot.views.admin.menu import back_to_admin_button
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.telegram_length import MESSAGE_LIMIT, fit, list_text


def modules_screen(modules: list[ModuleSummary]) -> Screen:
    head = [str(texts.MODULES_TITLE), ""]
    if not modules:
        head.append(str(texts.NO_MODULES))
    lines = []
    kb = Keyboard()
    for m in modules:
        lines.append(
            texts.module_line(m.is_published, m.title, m.slug, m.lessons, m.published_lessons)
        )
        mark = texts.PUBLISHED_MARK if m.is_published else texts.DRAFT_MARK
        kb.button(text=f"{mark} {m.title}", callback_data=AuthorModuleCb(module_id=m.id))
    kb.button(text=str(texts.NEW_MODULE), callback_data=NewModuleCb())
    back_to_admin_button(kb)
    kb.adjust(1)
    return Screen(list_text(head, lines, [], learner_texts.and_more), kb.as_markup())


def module_screen(module: ModuleDetail) -> Screen:
    head = [
        fit(texts.module_heading(module.title, module.slug), MESSAGE_LIMIT // 4),
        str(texts.PUBLISHED if module.is_published else texts.DRAFT),
    ]
    if module.description:
        head.append(fit(learner_texts.esc(module.description), MESSAGE_LIMIT // 2))
    head.append("")
    if not module.lessons:
        head.append(str(texts.NO_LESSONS))
    lines = []
    kb = Keyboard()
    for number, lesson in enumerate(module.lessons, start=1):
        lines.append(texts.lesson_line(number, lesson.is_published, lesson.title, lesson.exercises))
        kb.button(
            text=texts.lesson_button(number, lesson.is_published, lesson.title),
            callback_data=AuthorLessonCb(lesson_id=lesson.id),
        )
    rows = [1] * len(module.lessons)

    def action(label: object, what: ModuleAction) -> None:
        kb.button(text=str(label), callback_data=ModuleActionCb(module_id=module.id, action=what))

    action(texts.ADD_LESSON, ModuleAction.ADD_LESSON)
    if module.is_published:
        action(texts.UNPUBLISH_MODULE, ModuleAction.UNPUBLISH)
    else:
        action(texts.PUBLISH_MODULE, ModuleAction.PUBLISH)
    action(texts.EDIT_TITLE, ModuleAction.EDIT_TITLE)
    action(texts.EDIT_DESCRIPTION, ModuleAction.EDIT_DESCRIPTION)
    rows += [2, 2]
    if len(module.lessons) > 1:
        action(texts.REORDER, ModuleAction.REORDER)
        rows.append(1)
    action(texts.DELETE, ModuleAction.DELETE)
    kb.button(
        text=str(texts.BACK_TO_MODULES), callback_data=AdminMenuCb(section=AdminSection.COURSE)
    )
    rows.append(2)
    kb.adjust(*rows)
    return Screen(list_text(head, lines, [], learner_texts.and_more), kb.as_markup())


def reorder_screen(module: ModuleDetail) -> Screen:
    lines = [fit(texts.reorder_heading(module.title), MESSAGE_LIMIT // 4), str(texts.REORDER_HINT)]
    kb = Keyboard()
    for number, lesson in enumerate(module.lessons, start=1):
        kb.button(
            text=texts.lesson_button(number, lesson.is_published, lesson.title),
            callback_data=AuthorLessonCb(lesson_id=lesson.id),
        )
        for up, mark in ((True, texts.UP_MARK), (False, texts.DOWN_MARK)):
            kb.button(
                text=mark,
                callback_data=MoveLessonCb(lesson_id=lesson.id, up=up, screen=MoveTo.REORDER),
            )
    kb.button(text=str(texts.BACK_TO_MODULE), callback_data=AuthorModuleCb(module_id=module.id))
    kb.adjust(*([3] * len(module.lessons)), 1)
    return Screen("\n".join(lines), kb.as_markup())


def confirm_delete_module_screen(module: ModuleDetail) -> Screen:
    kb = Keyboard()
    kb.button(
        text=str(texts.DELETE_CONFIRM),
        callback_data=ModuleActionCb(module_id=module.id, action=ModuleAction.DELETE_CONFIRMED),
    )
    kb.button(text=str(texts.DELETE_KEEP), callback_data=AuthorModuleCb(module_id=module.id))
    kb.adjust(2)
    return Screen(texts.confirm_delete_module(module.title, len(module.lessons)), kb.as_markup())


def gone_screen() -> Screen:
    kb = Keyboard()
    kb.button(
        text=str(texts.BACK_TO_MODULES), callback_data=AdminMenuCb(section=AdminSection.COURSE)
    )
    return Screen(str(texts.GONE), kb.as_markup())
