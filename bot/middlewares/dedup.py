from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.middlewares.update_log import note_outcome
from bot.redis_support import RedisHealth

log = logging.getLogger(__name__)

# Telegram retries an unanswered webhook update for far less than this.
CLAIM_SECONDS = 3600


class UpdateDeduplicationMiddleware(BaseMiddleware):
    """Handles each update once across all instances sharing Redis.

    Telegram delivers an update again when a webhook answer comes late, and behind a load
    balancer the retry may reach another instance: the first to claim the update id handles it.
    """

    def __init__(self, redis: Redis, health: RedisHealth | None = None) -> None:
        self.redis = redis
        self.health = health

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        bot: Bot = data["bot"]
        key = f"learnbot:update:{bot.id}:{event.update_id}"
        if self.health is not None and not self.health.should_try():
            return await handler(event, data)
        try:
            claimed = await self.redis.set(key, 1, nx=True, ex=CLAIM_SECONDS)
        except RedisError as exc:
            # Better to risk a duplicate than to drop the learner's update.
            if self.health is not None:
                self.health.failed(exc)
            else:
                log.warning("Redis unavailable for update de-duplication: %s", exc)
            claimed = True
        else:
            if self.health is not None:
                self.health.ok()
        if not claimed:
            log.info("update %s was already handled: skipped", event.update_id)
            note_outcome(data, "duplicate")
            return None
        return await handler(event, data)
