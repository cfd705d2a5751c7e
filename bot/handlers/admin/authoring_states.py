"""The authoring dialogs' steps, one nested group per dialog so `Authoring` matches any of them.

Plain aiogram FSM states rather than aiogram-dialog or scenes: no extra dependency, each
dialog's state is a plain JSON dict in the FSM storage (so it survives a restart with Redis),
and each step is one small handler that tests drive directly by sending text or pressing
buttons.

What a dialog stores: the ids it writes to (module_id, lesson_id), the values given so far,
and the step's question (`prompt`) with the message that asked it (`prompt_id`), so a bad
value is answered with the question again and an answered question loses its buttons.
"""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Authoring(StatesGroup):
    class NewModule(StatesGroup):
        slug = State()
        title = State()
        description = State()

    class NewLesson(StatesGroup):
        title = State()
        content = State()
        minutes = State()
        xp = State()
        pass_score = State()

    class EditLesson(StatesGroup):
        title = State()
        content = State()

    class NewExercise(StatesGroup):
        prompt = State()
        options = State()
        pick = State()
        answers = State()
        explanation = State()
