"""FSM storage in process memory that keeps a record only while a chat has state or data."""

from __future__ import annotations

from collections.abc import Mapping
from copy import copy
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import StateType, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage, MemoryStorageRecord


class CompactMemoryStorage(MemoryStorage):
    """aiogram's MemoryStorage creates a record for every chat it is merely asked about and
    never drops it, so a long-running process grows with every learner it ever saw. Here reads
    create nothing and a record goes once its state and data are both empty (state.clear())."""

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        record = self.storage.get(key) or MemoryStorageRecord()
        record.state = state.state if isinstance(state, State) else state
        self._keep(key, record)

    async def get_state(self, key: StorageKey) -> str | None:
        record = self.storage.get(key)
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        record = self.storage.get(key) or MemoryStorageRecord()
        record.data = data.copy()
        self._keep(key, record)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = self.storage.get(key)
        return record.data.copy() if record else {}

    async def get_value(
        self, storage_key: StorageKey, dict_key: str, default: Any | None = None
    ) -> Any | None:
        return copy((await self.get_data(storage_key)).get(dict_key, default))

    def _keep(self, key: StorageKey, record: MemoryStorageRecord) -> None:
        if record.state is None and not record.data:
            self.storage.pop(key, None)
        else:
            self.storage[key] = record
