"""Updates whose handling met the Bot API unavailable (their answer could not be sent), kept
by the poller and fed again once a poll goes through, that is once the API answers again.

They are kept in memory rather than left unconfirmed at Telegram: an unconfirmed update holds
the offset, so Telegram would send it back with every poll (handled again and failing again, as
long as sending fails while polling works, as with flood control) and, a poll bringing at most
100 updates, the ones behind it could stall. The cost: what is kept when the process stops is
lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, OrderedDict

from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.types import Update

from bot.serving.bot_api import BotApiHealth

log = logging.getLogger(__name__)

# Updates kept for the Bot API's return, at most: a few minutes of a busy bot's traffic. The
# oldest go first beyond it (said in one line), so an outage of any length holds bounded memory.
KEEP_MAX = 1000


class KeptUpdates:
    """The keeping half of the poller (bot/serving/polling.py), which feeds and confirms."""

    def __init__(self, health: BotApiHealth | None) -> None:
        self.health = health
        # Met the Bot API unavailable: fed again, in order, after a poll goes through.
        # Confirmed to Telegram already (see the module's docstring).
        self.kept: OrderedDict[int, Update] = OrderedDict()
        self.kept_chats: Counter[int | None] = Counter()
        self.dropped = 0
        # The chats whose kept updates are being fed again, with those still to feed.
        self.queues: dict[int | None, list[Update]] = {}
        self.replaying: set[asyncio.Task[None]] = set()

    async def _handle(self, update: Update) -> bool:
        """Feed one update; False when its handling met the Bot API unavailable (it is kept)."""
        raise NotImplementedError

    def _skip(self, update_id: int) -> None:
        """Confirm an update that is not handled, as if it had been."""
        raise NotImplementedError

    @staticmethod
    def _chat_of(update: Update) -> int | None:
        context = UserContextMiddleware.resolve_event_context(update)
        if context.chat is not None:
            return context.chat.id
        return context.user.id if context.user is not None else None

    def _waits(self, update: Update) -> bool:
        """Take `update` in behind its chat's kept or replaying ones, if there are any: it is
        then handled after them, in the order the learner sent them."""
        chat = self._chat_of(update)
        if chat in self.queues:
            self.queues[chat].append(update)
        elif self.kept_chats[chat]:
            self._keep(update)
        else:
            return False
        self._skip(update.update_id)  # it lives here now, not at Telegram
        return True

    def _keep(self, update: Update) -> None:
        if update.update_id not in self.kept:
            self.kept_chats[self._chat_of(update)] += 1
        self.kept[update.update_id] = update
        while len(self.kept) > KEEP_MAX:
            _, oldest = self.kept.popitem(last=False)
            self.kept_chats[self._chat_of(oldest)] -= 1
            self.dropped += 1

    def _replay(self) -> None:
        """A poll went through, so the Bot API answers again: feed the kept updates again,
        each chat's in the order they were sent and one after another (a later one may build
        on an earlier one's effect), chats side by side."""
        if not self.kept or (self.health is not None and self.health.down):
            return
        if self.dropped:
            log.warning(
                "%d updates were dropped: more than %d waited for the Bot API",
                self.dropped,
                KEEP_MAX,
            )
            self.dropped = 0
        # In the order Telegram received them (they may have failed in another).
        kept = sorted(self.kept.values(), key=lambda update: update.update_id)
        self.kept.clear()
        self.kept_chats.clear()
        for update in kept:
            chat = self._chat_of(update)
            queue = self.queues.get(chat)
            if queue is not None:
                queue.append(update)
                continue
            self.queues[chat] = [update]
            task = asyncio.create_task(self._feed_in_order(chat))
            self.replaying.add(task)
            task.add_done_callback(self.replaying.discard)

    async def _feed_in_order(self, chat: int | None) -> None:
        queue = self.queues[chat]
        try:
            while queue:
                if not await self._handle(queue.pop(0)):
                    # Failed again (and kept): the rest of the chat's wait behind it.
                    for later in queue:
                        self._keep(later)
                    queue.clear()
        finally:
            del self.queues[chat]
