"""Routing a press or a command straight to the routers that can take it.

aiogram tries a parent's routers in turn, and in each router every handler's filters, until
one matches: a press of an answer button would pass through the CallbackData filter of every
handler of every feature before the quiz's. Yet a CallbackData filter accepts only data that
starts with its prefix, and a Command filter only its own commands. `IndexedRouter` reads
those filters off its routers once, at the first update, into an index from prefix (or
command) to the routers that hold a handler for it, and sends each press or command only to
those, in their order. A router with any handler that is not keyed that way (a state's typed
text, a magic filter on the data, a Scene's handlers) takes every event of that type, so the
routing is what aiogram's would be, only without the filters that could not pass.

The index is derived from the routers, so a router included later or one that declares
its handlers differently needs nothing here. It is built when the first update arrives,
after the dispatcher is assembled; including a router into this one rebuilds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.bases import REJECTED, UNHANDLED
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import BotCommand, CallbackQuery, Message, TelegramObject

# What a handler is keyed by: a set of keys it can match, or None when it could match any.
Keys = frozenset[str] | None
KeyOfHandler = Callable[[HandlerObject], Keys]
KeyOfEvent = Callable[[TelegramObject], str | None]

_SEPARATOR = ":"


def _press_keys(handler: HandlerObject) -> Keys:
    for f in handler.filters or ():
        cb = f.callback
        if isinstance(cb, CallbackQueryFilter) and cb.callback_data.__separator__ == _SEPARATOR:
            return frozenset({cb.callback_data.__prefix__})
    return None


def _press_key(event: TelegramObject) -> str | None:
    data = event.data if isinstance(event, CallbackQuery) else None
    return data.split(_SEPARATOR, 1)[0] if data else None


def _command_keys(handler: HandlerObject) -> Keys:
    for f in handler.filters or ():
        cb = f.callback
        if not isinstance(cb, Command) or cb.prefix != "/":
            continue
        names = [c.command if isinstance(c, BotCommand) else c for c in cb.commands]
        if all(isinstance(name, str) for name in names):
            # Lower case either way: a superset of what a case-sensitive filter accepts.
            return frozenset(str(name).lower() for name in names)
    return None


def _command_key(event: TelegramObject) -> str | None:
    """The command a message starts with, as aiogram's Command filter reads it; None for any
    other message (which no keyed handler can take)."""
    if not isinstance(event, Message):
        return None
    text = event.text or event.caption
    if not text or not text.startswith("/"):
        return None
    return text.split(maxsplit=1)[0][1:].partition("@")[0].lower()


_KEYED: dict[str, tuple[KeyOfHandler, KeyOfEvent]] = {
    "callback_query": (_press_keys, _press_key),
    "message": (_command_keys, _command_key),
}


@dataclass(slots=True)
class _Reach:
    """What one router's whole subtree can take of one update type."""

    keys: set[str] = field(default_factory=set)
    anything: bool = False

    def add(self, keys: Keys) -> None:
        if keys is None:
            self.anything = True
        else:
            self.keys |= keys


def _reach(router: Router, update_type: str, key_of: KeyOfHandler) -> _Reach:
    reach = _Reach()
    for sub in router.chain_tail:
        for handler in sub.observers[update_type].handlers:
            reach.add(key_of(handler))
    return reach


@dataclass(frozen=True, slots=True)
class _Index:
    by_key: dict[str | None, tuple[Router, ...]]
    unkeyed: tuple[Router, ...]

    @classmethod
    def of(cls, routers: Iterable[Router], update_type: str, key_of: KeyOfHandler) -> _Index:
        reaches = [(r, _reach(r, update_type, key_of)) for r in routers]
        keys = set().union(*(reach.keys for _, reach in reaches))
        by_key: dict[str | None, tuple[Router, ...]] = {
            key: tuple(r for r, reach in reaches if reach.anything or key in reach.keys)
            for key in keys
        }
        unkeyed = tuple(r for r, reach in reaches if reach.anything)
        return cls(by_key, unkeyed)

    def routers_for(self, key: str | None) -> tuple[Router, ...]:
        return self.by_key.get(key, self.unkeyed)


class IndexedRouter(Router):
    """A parent router that sends a press or a command only to its routers that can take it."""

    def __init__(self, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._indexes: dict[str, _Index] = {}

    def include_router(self, router: Router) -> Router:
        self._indexes.clear()
        return super().include_router(router)

    def candidates(
        self, update_type: str, event: TelegramObject
    ) -> tuple[Router, ...] | list[Router]:
        keyed = _KEYED.get(update_type)
        if keyed is None:
            return self.sub_routers
        key_of_handler, key_of_event = keyed
        index = self._indexes.get(update_type)
        if index is None:
            index = self._indexes[update_type] = _Index.of(
                self.sub_routers, update_type, key_of_handler
            )
        return index.routers_for(key_of_event(event))

    async def _propagate_event(
        self,
        observer: TelegramEventObserver | None,
        update_type: str,
        event: TelegramObject,
        **kwargs: Any,
    ) -> Any:
        # aiogram's Router._propagate_event, with the sub-routers narrowed to the candidates.
        if observer:
            result, data = await observer.check_root_filters(event, **kwargs)
            if not result:
                return UNHANDLED
            kwargs.update(data)
            response = await observer.trigger(event, **kwargs)
            if response is REJECTED:
                return UNHANDLED
            if response is not UNHANDLED:
                return response
        for router in self.candidates(update_type, event):
            response = await router.propagate_event(update_type=update_type, event=event, **kwargs)
            if response is not UNHANDLED:
                return response
        return UNHANDLED
