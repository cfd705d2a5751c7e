"""Importing, re-importing and exporting course files against both databases."""

from __future__ import annotations

import textwrap
from collections import Counter

import pytest
import yaml
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.content import importer
from bot.services.content.exporter import export_course
from bot.services.content.importer import import_course
from bot.services.content.parse import load_course_file, parse_course
from bot.services.content.sample import (
    has_published_content,
    sample_course_path,
    seed_sample_course,
)
from bot.services.content.spec import ImportReport, ModuleSpec
from bot.services.context import Context
from db.base import utcnow
from db.enums import ExerciseType
from db.models import Exercise, ExerciseAttempt, Lesson, Module
from db.repositories import content as content_repo
from tests.support.factories import count, create_user, insert_row

COURSE = """\
module: {slug: basics, title: Basics, description: The start., order: 3}
lessons:
  - slug: variables
    title: Variables
    estimated_minutes: 5
    content: |
      # Variables

      A name for a value.
    exercises:
      - {type: multiple_choice, prompt: Pick b, options: [a, b, c], answer: b, explanation: B.}
      - {type: true_false, prompt: Is it true, answer: true}
      - {type: short_answer, prompt: Six times seven, answers: [42, forty-two], points: 2}
  - slug: reading
    title: Reading
    content: Just read.
---
module: {slug: more, title: More, order: 4}
lessons:
  - slug: lists
    title: Lists
    xp: 20
    pass_score: 50
    content: Lists hold values.
    exercises:
      - {type: true_false, prompt: Lists change in place, answer: true}
"""


def course(text: str = COURSE) -> list[ModuleSpec]:
    return parse_course(textwrap.dedent(text))


async def rows(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[str, list[dict[str, object]]]:
    """Every module, lesson and exercise as plain dicts, read through a fresh session."""
    result: dict[str, list[dict[str, object]]] = {}
    async with sessionmaker() as session:
        for model in (Module, Lesson, Exercise):
            found = await session.scalars(select(model).order_by(model.id))
            result[model.__tablename__] = [
                {c.key: getattr(row, c.key) for c in model.__table__.columns} for row in found
            ]
    return result


async def anything_published(sessionmaker: async_sessionmaker[AsyncSession]) -> bool:
    # A session of its own: on SQLite an open read transaction holds the write lock.
    async with sessionmaker() as session:
        return await has_published_content(session)


async def lessons_by_slug(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Lesson]:
    async with sessionmaker() as session:
        return {lesson.slug: lesson for lesson in await session.scalars(select(Lesson))}


async def exercises_of(sessionmaker: async_sessionmaker[AsyncSession], slug: str) -> list[Exercise]:
    async with sessionmaker() as session:
        stmt = (
            select(Exercise)
            .join(Lesson, Lesson.id == Exercise.lesson_id)
            .where(Lesson.slug == slug)
            .order_by(Exercise.order)
        )
        return list(await session.scalars(stmt))


async def test_import_creates_the_rows(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    report = await import_course(session, context, course(), publish=False)

    assert (report.modules.created, report.lessons.created, report.exercises.created) == (2, 3, 4)
    assert report.changed
    async with sessionmaker() as check:
        modules = list(await check.scalars(select(Module).order_by(Module.order)))
        assert [(m.slug, m.title, m.description, m.order) for m in modules] == [
            ("basics", "Basics", "The start.", 3),
            ("more", "More", None, 4),
        ]
        assert not any(m.is_published or m.deleted_at for m in modules)
    lessons = await lessons_by_slug(sessionmaker)
    variables = lessons["variables"]
    assert (variables.title, variables.order, variables.estimated_minutes) == ("Variables", 1, 5)
    assert (variables.xp, variables.pass_score) == (10, 70)
    assert variables.content == "# Variables\n\nA name for a value.\n"
    assert (lessons["reading"].order, lessons["reading"].estimated_minutes) == (2, None)
    assert (lessons["lists"].xp, lessons["lists"].pass_score) == (20, 50)
    assert not any(lesson.is_published for lesson in lessons.values())

    exercises = await exercises_of(sessionmaker, "variables")
    assert [(e.order, e.type, e.options, e.answer, e.points) for e in exercises] == [
        (1, ExerciseType.MULTIPLE_CHOICE, ["a", "b", "c"], "b", 1),
        (2, ExerciseType.TRUE_FALSE, None, True, 1),
        (3, ExerciseType.SHORT_ANSWER, None, ["42", "forty-two"], 2),
    ]
    assert exercises[0].explanation == "B." and exercises[1].explanation is None
    assert await exercises_of(sessionmaker, "reading") == []


async def test_importing_twice_changes_nothing(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await import_course(session, context, course(), publish=True)
    before = await rows(sessionmaker)

    report = await import_course(session, context, course(), publish=True)

    assert not report.changed
    assert (report.modules.unchanged, report.lessons.unchanged, report.exercises.unchanged) == (
        2,
        3,
        4,
    )
    assert report.summary().splitlines() == [
        "modules: 0 created, 0 updated, 2 unchanged",
        "lessons: 0 created, 0 updated, 3 unchanged",
        "exercises: 0 created, 0 updated, 4 unchanged, 0 deleted",
        "nothing changed",
    ]
    # Not even updated_at moved.
    assert await rows(sessionmaker) == before


async def test_editing_a_lesson_updates_it_in_place(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await import_course(session, context, course(), publish=False)
    before = await lessons_by_slug(sessionmaker)

    edited = COURSE.replace("title: Variables", "title: Names and values").replace(
        "A name for a value.", "A name that points to a value."
    )
    report = await import_course(session, context, course(edited), publish=False)

    assert (report.lessons.created, report.lessons.updated, report.lessons.unchanged) == (0, 1, 2)
    assert (report.modules.updated, report.exercises.updated) == (0, 0)
    after = await lessons_by_slug(sessionmaker)
    assert {slug: lesson.id for slug, lesson in after.items()} == {
        slug: lesson.id for slug, lesson in before.items()
    }
    assert after["variables"].title == "Names and values"
    assert "points to a value" in after["variables"].content
    assert after["variables"].updated_at >= before["variables"].updated_at
    assert after["reading"].updated_at == before["reading"].updated_at


async def test_reordering_lessons_follows_the_file(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await import_course(session, context, course(), publish=False)
    specs = course()
    specs[0].lessons.reverse()
    await import_course(session, context, specs, publish=False)
    lessons = await lessons_by_slug(sessionmaker)
    assert (lessons["reading"].order, lessons["variables"].order) == (1, 2)


async def test_exercises_are_updated_in_place_by_position(
    engine: AsyncEngine,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
) -> None:
    await import_course(session, context, course(), publish=True)
    old = await exercises_of(sessionmaker, "variables")
    user_id = await create_user(engine, telegram_id=7)
    async with engine.begin() as conn:
        attempt_id = await insert_row(
            conn,
            ExerciseAttempt,
            user_id=user_id,
            lesson_id=old[0].lesson_id,
            exercise_id=old[0].id,
            run=1,
            answer="b",
            is_correct=True,
            points_earned=1,
            created_at=utcnow(),
        )

    # The first exercise is reworded, the second unchanged, the third dropped.
    specs = course()
    exercises = specs[0].lessons[0].exercises
    exercises[0].prompt = "Choose b"
    del exercises[2]
    report = await import_course(session, context, specs, publish=True)

    assert (report.exercises.updated, report.exercises.unchanged) == (1, 2)
    assert (report.exercises.created, report.exercises.deleted) == (0, 1)
    new = await exercises_of(sessionmaker, "variables")
    assert [e.id for e in new] == [old[0].id, old[1].id]
    assert new[0].prompt == "Choose b"
    assert await count(engine, Exercise, id=old[2].id) == 0
    assert await count(engine, ExerciseAttempt, id=attempt_id, exercise_id=old[0].id) == 1

    # Growing again appends a new row after the kept ones.
    report = await import_course(session, context, course(), publish=True)
    assert (report.exercises.created, report.exercises.updated) == (1, 1)
    again = await exercises_of(sessionmaker, "variables")
    assert [e.id for e in again[:2]] == [old[0].id, old[1].id]
    assert again[2].id not in {e.id for e in old}
    assert [e.order for e in again] == [1, 2, 3]


async def test_changing_an_exercise_type_in_place(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await import_course(session, context, course(), publish=False)
    [before] = await exercises_of(sessionmaker, "lists")
    edited = COURSE.replace(
        "{type: true_false, prompt: Lists change in place, answer: true}",
        "{type: multiple_choice, prompt: Lists change in place, options: ['yes', 'no'], "
        "answer: 'yes'}",
    )
    report = await import_course(session, context, course(edited), publish=False)
    assert report.exercises.updated == 1
    [after] = await exercises_of(sessionmaker, "lists")
    assert after.id == before.id
    assert (after.type, after.options, after.answer) == (
        ExerciseType.MULTIPLE_CHOICE,
        ["yes", "no"],
        "yes",
    )


async def test_publish_semantics(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    assert not await anything_published(sessionmaker)
    await import_course(session, context, course(), publish=False)
    assert not await anything_published(sessionmaker)

    # An admin publishes one lesson by hand; an unpublished re-import keeps that.
    async with sessionmaker() as other:
        await other.execute(update(Module).where(Module.slug == "basics").values(is_published=True))
        await other.execute(
            update(Lesson).where(Lesson.slug == "reading").values(is_published=True)
        )
        await other.commit()
    report = await import_course(session, context, course(), publish=False)
    assert not report.changed
    published = {
        slug: lesson.is_published for slug, lesson in (await lessons_by_slug(sessionmaker)).items()
    }
    assert published == {"variables": False, "reading": True, "lists": False}
    assert await anything_published(sessionmaker)

    report = await import_course(session, context, course(), publish=True)
    assert (report.modules.updated, report.lessons.updated) == (1, 2)
    lessons = await lessons_by_slug(sessionmaker)
    assert all(lesson.is_published for lesson in lessons.values())

    # Without --publish nothing is unpublished either.
    await import_course(session, context, course(), publish=False)
    lessons = await lessons_by_slug(sessionmaker)
    assert all(lesson.is_published for lesson in lessons.values())

    # A new lesson added by an unpublished import stays hidden.
    grown = COURSE + "  - {slug: dicts, title: Dicts, content: Pairs.}\n"
    await import_course(session, context, course(grown), publish=False)
    lessons = await lessons_by_slug(sessionmaker)
    assert not lessons["dicts"].is_published and lessons["lists"].is_published


async def test_lessons_and_modules_missing_from_the_file_are_left_alone(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await import_course(session, context, course(), publish=True)
    before = await rows(sessionmaker)
    only_variables = COURSE.split("  - slug: reading")[0]
    report = await import_course(session, context, course(only_variables), publish=True)
    assert not report.changed
    assert report.modules.unchanged == 1 and report.lessons.unchanged == 1
    assert await rows(sessionmaker) == before


async def test_soft_deleted_rows_are_restored(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await import_course(session, context, course(), publish=True)
    async with sessionmaker() as other:
        await other.execute(update(Module).where(Module.slug == "more").values(deleted_at=utcnow()))
        await other.execute(
            update(Lesson).where(Lesson.slug == "variables").values(deleted_at=utcnow())
        )
        await other.commit()
    ids = {slug: lesson.id for slug, lesson in (await lessons_by_slug(sessionmaker)).items()}

    report = await import_course(session, context, course(), publish=False)

    assert (report.modules.updated, report.lessons.updated) == (1, 1)
    data = await rows(sessionmaker)
    assert all(row["deleted_at"] is None for row in data["modules"] + data["lessons"])
    assert {
        slug: lesson.id for slug, lesson in (await lessons_by_slug(sessionmaker)).items()
    } == ids


async def test_a_failed_import_writes_nothing(
    engine: AsyncEngine, session: AsyncSession, monkeypatch: pytest.MonkeyPatch, context: Context
) -> None:
    # One module a round: the first module is written (flushed) before the second one fails.
    monkeypatch.setattr(importer, "CHUNK", 1)
    calls: list[list[int]] = []
    real = content_repo.delete_exercises

    async def second_fails(session: AsyncSession, ids: list[int]) -> None:
        calls.append(ids)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        await real(session, ids)

    monkeypatch.setattr(content_repo, "delete_exercises", second_fails)
    with pytest.raises(RuntimeError, match="disk on fire"):
        await import_course(session, context, course(), publish=True)
    for model in (Module, Lesson, Exercise):
        assert await count(engine, model) == 0


async def test_export_round_trips(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    specs = course()
    await import_course(session, context, specs, publish=False)

    exported = await export_course(session)

    assert parse_course(exported) == specs
    assert exported.startswith("---\nmodule:\n  slug: basics\n")
    assert "    content: |\n      # Variables\n\n      A name for a value.\n" in exported
    assert "options: [a, b, c]" in exported
    assert len(list(yaml.safe_load_all(exported))) == 2
    # Re-importing the export changes nothing.
    report = await import_course(session, context, parse_course(exported), publish=False)
    assert not report.changed


CASES = """\
module: {slug: cases, title: Cases}
lessons:
  - slug: strings
    title: Strings
    content: Indexing.
    exercises:
      - {type: short_answer, prompt: "'Python'[0]?", answers: [P], case_sensitive: true}
      - {type: short_answer, prompt: Len of 'ab'?, answers: ["2", two], case_sensitive: false}
      - {type: short_answer, prompt: Say hi, answers: [hi]}
"""


async def test_a_case_sensitive_short_answer_is_stored_exported_and_read_back(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    specs = course(CASES)
    assert [e.case_sensitive for e in specs[0].lessons[0].exercises] == [True, False, False]
    await import_course(session, context, specs, publish=True)

    stored = [e.answer for e in await exercises_of(sessionmaker, "strings")]
    # Only the case-sensitive one carries the flag; the others keep the list they always had.
    assert stored == [{"answers": ["P"], "case_sensitive": True}, ["2", "two"], ["hi"]]

    exported = await export_course(session, "cases")
    lines = [line.strip() for line in exported.splitlines() if "answers:" in line]
    assert lines == ["answers: [P]", "answers: ['2', two]", "answers: [hi]"]
    assert exported.count("case_sensitive: true") == 1
    assert "case_sensitive: false" not in exported
    assert parse_course(exported) == specs
    assert not (await import_course(session, context, parse_course(exported), publish=True)).changed

    # Case starting to matter asks another question: earlier answers no longer fit it.
    relaxed = course(CASES.replace("case_sensitive: true", "case_sensitive: false"))
    report = await import_course(session, context, relaxed, publish=True)
    assert report.exercises.updated == 1
    assert len(report.rewritten_exercise_ids) == 1
    assert (await exercises_of(sessionmaker, "strings"))[0].answer == ["P"]


async def test_export_of_one_module_and_unknown_slug(
    session: AsyncSession, context: Context
) -> None:
    await import_course(session, context, course(), publish=False)
    assert parse_course(await export_course(session, "more")) == course()[1:]
    with pytest.raises(LookupError, match="no module with slug 'nope'"):
        await export_course(session, "nope")


async def test_export_leaves_out_deleted_rows(
    session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await import_course(session, context, course(), publish=False)
    async with sessionmaker() as other:
        await other.execute(
            update(Lesson).where(Lesson.slug == "reading").values(deleted_at=utcnow())
        )
        await other.execute(update(Module).where(Module.slug == "more").values(deleted_at=utcnow()))
        await other.commit()

    [module] = parse_course(await export_course(session))
    assert [lesson.slug for lesson in module.lessons] == ["variables"]
    with pytest.raises(LookupError):
        await export_course(session, "more")


def test_the_sample_course_is_complete() -> None:
    modules = load_course_file(sample_course_path())
    lessons = [lesson for module in modules for lesson in module.lessons]
    exercises = [exercise for lesson in lessons for exercise in lesson.exercises]
    assert len(modules) >= 2
    assert len(lessons) >= 6
    assert len(exercises) >= 12
    kinds = Counter(exercise.type for exercise in exercises)
    assert set(kinds) == set(ExerciseType)
    assert min(kinds.values()) >= 3
    assert all(exercise.explanation for exercise in exercises)
    assert any(not lesson.exercises for lesson in lessons)
    assert all("```python" in lesson.content for lesson in lessons if lesson.exercises)

    from bot.views.markdown import render_pages

    assert len(render_pages(modules[0].lessons[0].content)) == 1
    assert any(len(render_pages(lesson.content)) > 1 for lesson in lessons)


async def test_seeding_twice_leaves_the_same_rows(
    engine: AsyncEngine,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
) -> None:
    first = await seed_sample_course(session, context)
    assert isinstance(first, ImportReport) and first.changed
    assert await anything_published(sessionmaker)
    counts = [await count(engine, model) for model in (Module, Lesson, Exercise)]
    before = await rows(sessionmaker)

    second = await seed_sample_course(session, context)

    assert not second.changed
    assert [await count(engine, model) for model in (Module, Lesson, Exercise)] == counts
    assert counts == [first.modules.created, first.lessons.created, first.exercises.created]
    assert await rows(sessionmaker) == before
