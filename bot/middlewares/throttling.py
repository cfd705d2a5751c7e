from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

from bot import texts
from bot.middlewares.update_log import note_outcome

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """At most `limit` updates per learner in any `window` seconds."""

    limit: int = 20
    window: float = 10.0


DEFAULT_THROTTLE = ThrottlePolicy()


class ThrottlingMiddleware(BaseMiddleware):
    """Drops a learner's updates beyond the policy. The first dropped message of a flood gets one
    polite reply; dropped button presses are answered silently so the spinner stops.

    Counts are per process: with several instances each applies the policy on its own share.
    """

    def __init__(self, policy: ThrottlePolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self.clock = clock
        self.recent: dict[int, deque[float]] = {}
        self.warned: set[int] = set()
        # Learners whose current flood was logged: one line per flood, not one per update.
        self.logged: set[int] = set()

    def allow(self, user_id: int) -> bool:
        now = self.clock()
        stamps = self.recent.setdefault(user_id, deque())
        while stamps and now - stamps[0] >= self.policy.window:
            stamps.popleft()
        if len(stamps) >= self.policy.limit:
            return False
        stamps.append(now)
        self.warned.discard(user_id)
        self.logged.discard(user_id)
        if len(self.recent) > 10_000:
            self._forget_idle(now)
        return True

    def _forget_idle(self, now: float) -> None:
        idle = [uid for uid, s in self.recent.items() if not s or now - s[-1] >= self.policy.window]
        for uid in idle:
            del self.recent[uid]
            self.warned.discard(uid)
            self.logged.discard(uid)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or not isinstance(event, Update) or self.allow(user.id):
            return await handler(event, data)
        note_outcome(data, "throttled")
        if user.id not in self.logged:
            self.logged.add(user.id)
            log.info(
                "learner %s throttled: more than %d updates in %g s",
                user.id,
                self.policy.limit,
                self.policy.window,
                extra={"user_id": user.id},
            )
        if event.callback_query is not None:
            await event.callback_query.answer()
        elif event.message is not None and user.id not in self.warned:
            self.warned.add(user.id)
            await event.message.answer(str(texts.THROTTLED))
        return None
