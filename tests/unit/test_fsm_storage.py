"""In-memory FSM records exist only while a chat has state or data."""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey

from bot.handlers.states import Quiz
from bot.serving.fsm_storage import CompactMemoryStorage

KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)


async def test_reading_an_unknown_chat_stores_nothing() -> None:
    storage = CompactMemoryStorage()
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    assert await storage.get_value(KEY, "run") is None
    assert storage.storage == {}


async def test_a_cleared_chat_leaves_no_record() -> None:
    storage = CompactMemoryStorage()
    await storage.set_data(KEY, {"run": 1})
    await storage.set_state(KEY, Quiz.short_answer)
    assert await storage.get_state(KEY) == Quiz.short_answer.state
    assert await storage.get_value(KEY, "run") == 1

    # What FSMContext.clear() does.
    await storage.set_state(KEY, None)
    assert await storage.get_data(KEY) == {"run": 1}
    await storage.set_data(KEY, {})

    assert storage.storage == {}
