"""Redis keys: the chat's own state keeps the key it always had, so a deploy does not drop the
dialogs and half-typed answers in progress; a Scene's history gets a key of its own."""

from __future__ import annotations

from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey

from bot.serving.redis_support import SceneKeyBuilder

KEY = StorageKey(bot_id=1, chat_id=2, user_id=3)


def test_the_default_destiny_keeps_its_key() -> None:
    for part in ("state", "data", "lock", None):
        assert SceneKeyBuilder().build(KEY, part) == DefaultKeyBuilder().build(KEY, part)


def test_another_destiny_gets_a_key_of_its_own() -> None:
    history = StorageKey(bot_id=1, chat_id=2, user_id=3, destiny="scenes_history")
    keys = {SceneKeyBuilder().build(history, "data"), SceneKeyBuilder().build(KEY, "data")}
    assert len(keys) == 2
    assert SceneKeyBuilder().build(history, "data").endswith(":scenes_history")
