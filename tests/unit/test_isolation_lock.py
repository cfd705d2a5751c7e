"""The learner's isolation lock: an update that outlives it is not a Redis outage."""

from __future__ import annotations

import logging

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.serving.redis_support import TolerantRedisEventIsolation, TolerantRedisStorage
from tests.support.redis import REDIS_URL, require_redis


async def test_an_update_that_outlived_its_lock_leaves_redis_in_use(
    caplog: pytest.LogCaptureFixture,
) -> None:
    require_redis()
    storage = TolerantRedisStorage.connect(REDIS_URL)
    isolation = TolerantRedisEventIsolation(storage)
    key = StorageKey(bot_id=987654, chat_id=4242, user_id=4242)
    lock_name = storage.key_builder.build(key, "lock")
    try:
        with caplog.at_level(logging.INFO, logger="bot.serving.redis_support"):
            async with isolation.lock(key):
                assert await storage.redis.exists(lock_name)
                # As if the lock's time ran out while the update waited or worked.
                await storage.redis.delete(lock_name)
        assert storage.health.down_since is None
        assert storage.health.should_try()
        assert "outlived its isolation lock" in caplog.text
    finally:
        await storage.redis.delete(lock_name)
        await storage.close()
