from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Quiz(StatesGroup):
    # Waiting for a typed answer; the data holds lesson_id, run and exercise_id.
    short_answer = State()
    # A question answered with buttons is on screen; the data holds lesson_id, run,
    # exercise_id and message_id, so typed text can be told to use them.
    choice = State()


class SettingsInput(StatesGroup):
    # Waiting for the learner to type a time zone's name.
    timezone = State()


class Review(StatesGroup):
    # Waiting for a typed answer to a review card; the data holds card_id, seen, done, right.
    short_answer = State()
