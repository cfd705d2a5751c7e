"""Answering the sample course's questions as a learner would, right or wrong on purpose."""

from __future__ import annotations

import re

from db.enums import ExerciseType
from db.models import Exercise
from tests.support.chat import Chat

QUESTION = re.compile(r"question (\d+) of (\d+)")


def right_answer(exercise: Exercise) -> str:
    if exercise.type is ExerciseType.TRUE_FALSE:
        return "True" if exercise.answer else "False"
    if exercise.type is ExerciseType.SHORT_ANSWER:
        return f"  {str(exercise.answer[0]).upper()} "  # typed carelessly: still right
    return str(exercise.answer)


def wrong_answer(exercise: Exercise) -> str:
    if exercise.type is ExerciseType.TRUE_FALSE:
        return "False" if exercise.answer else "True"
    if exercise.type is ExerciseType.SHORT_ANSWER:
        return "no idea"
    return next(option for option in exercise.options or [] if option != exercise.answer)


async def do_run(chat: Chat, exercises: list[Exercise], right: list[bool]) -> str:
    """Answer the run's questions (the first is on screen), right or wrong as told; the result
    text."""
    for _ in exercises:
        match = QUESTION.search(chat.last_text)
        assert match is not None, chat.last_text
        number, total = int(match[1]), int(match[2])
        assert total == len(exercises)
        exercise = exercises[number - 1]
        answer = right_answer(exercise) if right[number - 1] else wrong_answer(exercise)
        await chat.answer(answer)
    assert "Finished" in chat.last_text
    return chat.last_text
