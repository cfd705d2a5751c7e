"""Redis that fails soft: with Redis cut, learners are still answered, without their half-typed
answers or per-learner isolation, instead of getting an error or silence.

Redis holds conveniences (FSM state, event isolation, update de-duplication across instances),
not the learners' progress, which is in the database. So every Redis call here has a short
timeout, a failure is logged once per outage, and the update goes on as if the state were
empty and isolation off. A lock lives a few seconds at most, so one whose release was lost in
a cut does not block its learner for long afterwards.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any, Literal

from aiogram.fsm.storage.base import DEFAULT_DESTINY, DefaultKeyBuilder, StateType, StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.exceptions import LockNotOwnedError, RedisError

log = logging.getLogger(__name__)

# A Redis that takes longer than this to answer counts as down.
REDIS_TIMEOUT_SECONDS = 2.0
# An isolation lock expires this long after it was taken, released or not: longer than an
# update takes, short enough that a lock whose release was lost in a cut is soon gone.
LOCK_SECONDS = 5.0
# A learner's update waits this long for the lock of their previous one, then runs anyway:
# the database keeps what matters consistent (as it does without Redis).
LOCK_WAIT_SECONDS = 3.0
# While Redis is down, one call in this many seconds tries it; the others do without at once,
# so a Redis that swallows packets does not cost every update a timeout.
PROBE_SECONDS = 5.0
CONNECTION_KWARGS: dict[str, Any] = {
    "socket_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
}


class RedisHealth:
    """Whether to try Redis at all, and one WARNING when it starts failing, one INFO when it
    answers again."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.down_since: float | None = None
        self.last_probe = 0.0
        self.failures = 0

    def should_try(self) -> bool:
        if self.down_since is None:
            return True
        now = self.clock()
        if now - self.last_probe < PROBE_SECONDS:
            return False
        self.last_probe = now
        return True

    def failed(self, error: BaseException) -> None:
        self.failures += 1
        if self.down_since is None:
            self.down_since = self.last_probe = self.clock()
            log.warning(
                "Redis unavailable (%s: %s): answering without FSM state and isolation "
                "until it is back",
                type(error).__name__,
                error,
            )

    def ok(self) -> None:
        if self.down_since is not None:
            log.info(
                "Redis reachable again after %.1f s; %d failed calls meanwhile",
                self.clock() - self.down_since,
                self.failures,
            )
            self.down_since, self.failures = None, 0


class SceneKeyBuilder(DefaultKeyBuilder):
    """The default builder's keys for the chat's own state, so states written before are still
    found; another destiny (aiogram Scenes keep their history under one) gets a key of its own
    instead of the default builder's refusal."""

    def build(self, key: StorageKey, part: Literal["data", "state", "lock"] | None = None) -> str:
        if key.destiny == DEFAULT_DESTINY:
            return super().build(key, part)
        built = super().build(replace(key, destiny=DEFAULT_DESTINY), part)
        return f"{built}{self.separator}{key.destiny}"


class TolerantRedisStorage(RedisStorage):
    """RedisStorage whose failures read as an empty state and drop writes."""

    health: RedisHealth

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.health = RedisHealth()

    @classmethod
    def connect(cls, url: str) -> TolerantRedisStorage:
        storage = cls.from_url(
            url, connection_kwargs=CONNECTION_KWARGS, key_builder=SceneKeyBuilder()
        )
        assert isinstance(storage, TolerantRedisStorage)
        return storage

    async def get_state(self, key: StorageKey) -> str | None:
        if not self.health.should_try():
            return None
        try:
            state = await super().get_state(key)
        except RedisError as exc:
            self.health.failed(exc)
            return None
        self.health.ok()
        return state

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        if not self.health.should_try():
            return
        try:
            await super().set_state(key, state)
        except RedisError as exc:
            self.health.failed(exc)
            return
        self.health.ok()

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        if not self.health.should_try():
            return {}
        try:
            data = await super().get_data(key)
        except RedisError as exc:
            self.health.failed(exc)
            return {}
        self.health.ok()
        return data

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not self.health.should_try():
            return
        try:
            await super().set_data(key, data)
        except RedisError as exc:
            self.health.failed(exc)
            return
        self.health.ok()


class TolerantRedisEventIsolation(RedisEventIsolation):
    """Per-learner isolation whose lock is short-lived and optional: when it cannot be taken
    (Redis down, or a stale lock from a cut), the update runs without it."""

    def __init__(self, storage: TolerantRedisStorage) -> None:
        super().__init__(
            redis=storage.redis,
            key_builder=storage.key_builder,
            lock_kwargs={"timeout": LOCK_SECONDS, "blocking_timeout": LOCK_WAIT_SECONDS},
        )
        self.health = storage.health

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        if not self.health.should_try():
            yield
            return
        lock = self.redis.lock(name=self.key_builder.build(key, "lock"), **self.lock_kwargs)
        try:
            acquired = await lock.acquire()
        except RedisError as exc:
            self.health.failed(exc)
            acquired = False
        else:
            self.health.ok()
            if not acquired:
                log.info("learner's previous update still holds its lock: going on without it")
        try:
            yield
        finally:
            if acquired:
                try:
                    await lock.release()
                except LockNotOwnedError:
                    # Redis answered: the update outlived the lock (a long wait for a turn, a
                    # slow handler), which is no outage and must not switch Redis off for all.
                    log.info("learner's update outlived its isolation lock (%g s)", LOCK_SECONDS)
                except RedisError as exc:
                    # It expires by itself within LOCK_SECONDS.
                    self.health.failed(exc)
