"""The broadcast sender draining one broadcast to many learners, against a Bot API that enforces
Telegram's limits.

A scratch MariaDB/MySQL database (at TEST_MYSQL_URL) gets --learners learners in bulk and one
broadcast (a copied message) to all of them; learnbot's sender (bot.broadcasts.Sender, as
`learnbot run` builds it) drains it at --rate through aiogram's HTTP session, to a fake Bot API
on 127.0.0.1 that answers like Telegram's flood control: more than --limit messages in any
second, or more than one a second to one chat, gets 429 with retry_after. With --inject-every K
every K-th send gets a 429 anyway, as Telegram sometimes answers. The fake runs in the same
process (its work per request is tiny next to the sender's).

It reports the achieved rate (from the first accepted send to the last), messages lost (a
learner who got nothing), duplicated (a learner who got more than one), 429s our own pace
caused, 429s injected, and the deliveries' final states.

    python -m bench.broadcast --learners 10000 --rate 25
    python -m bench.broadcast --learners 10000 --rate 25 --inject-every 500
    python -m bench.broadcast --learners 50 --rate 50          # the smoke run of .ci/run
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from sqlalchemy import func, insert, null, select

from bench.machine import load_average, machine
from bench.scratch import scratch_database
from bot.config import Settings
from bot.database import open_database
from db import migrations
from db.enums import BroadcastKind, BroadcastStatus
from db.models import Broadcast, BroadcastDelivery, User
from db.repositories.broadcasts.enqueue import add_deliveries, create_broadcast

TOKEN = "42:bench"
FIRST_CHAT = 10_000_000
ADMIN_CHAT = 1
INSERT_CHUNK = 1_000


@dataclass
class FloodControl:
    """Telegram's limits as the fake enforces them, and what it saw."""

    limit: int
    inject_every: int
    accepted: list[tuple[float, int]] = field(default_factory=list)
    recent: collections.deque[float] = field(default_factory=collections.deque)
    chat_last: dict[int, float] = field(default_factory=dict)
    requests: int = 0
    refused_for_pace: int = 0
    refused_injected: int = 0

    def answer(self, chat_id: int) -> tuple[int, dict[str, Any]]:
        now = time.monotonic()
        self.requests += 1
        if self.inject_every and self.requests % self.inject_every == 0:
            self.refused_injected += 1
            return _too_many(1)
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()
        too_fast_for_chat = now - self.chat_last.get(chat_id, -10.0) < 1.0
        if len(self.recent) >= self.limit or too_fast_for_chat:
            self.refused_for_pace += 1
            return _too_many(1)
        self.recent.append(now)
        self.chat_last[chat_id] = now
        self.accepted.append((now, chat_id))
        return 200, {"ok": True, "result": {"message_id": len(self.accepted)}}


def _too_many(seconds: int) -> tuple[int, dict[str, Any]]:
    return 429, {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {seconds}",
        "parameters": {"retry_after": seconds},
    }


async def fake_bot_api(flood: FloodControl) -> tuple[web.AppRunner, str]:
    async def handle(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        if method in ("copyMessage", "sendMessage"):
            chat_id = int(str(form["chat_id"]))
            if chat_id == ADMIN_CHAT:  # the report of the finished broadcast
                chat = {"id": chat_id, "type": "private"}
                message = {"message_id": 1, "date": int(time.time()), "chat": chat}
                return web.json_response({"ok": True, "result": message})
            status, body = flood.answer(chat_id)
            return web.json_response(body, status=status)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


async def seed(settings: Settings, learners: int) -> int:
    database = open_database(settings)
    try:
        async with database.engine.begin() as conn:
            for start in range(0, learners, INSERT_CHUNK):
                chats = range(FIRST_CHAT + start, FIRST_CHAT + min(learners, start + INSERT_CHUNK))
                await conn.execute(
                    insert(User), [{"telegram_id": c, "language": "en"} for c in chats]
                )
        async with database.sessionmaker() as session:
            broadcast_id = await create_broadcast(
                session,
                kind=BroadcastKind.COPY,
                created_by=ADMIN_CHAT,
                source_chat_id=ADMIN_CHAT,
                source_message_id=1,
                now=database.clock.now(),
            )
            await add_deliveries(session, broadcast_id, select(User.id, null()))
            await session.commit()
        return broadcast_id
    finally:
        await database.close()


async def until_done(settings: Settings, broadcast_id: int) -> dict[str, int]:
    database = open_database(settings)
    try:
        while True:
            async with database.sessionmaker() as session:
                status = await session.scalar(
                    select(Broadcast.status).where(Broadcast.id == broadcast_id)
                )
                if status == BroadcastStatus.DONE:
                    rows = await session.execute(
                        select(BroadcastDelivery.status, func.count()).group_by(
                            BroadcastDelivery.status
                        )
                    )
                    return {str(s): int(n) for s, n in rows}
            await asyncio.sleep(0.5)
    finally:
        await database.close()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    from bot.broadcasts import Sender
    from bot.i18n import create_i18n

    flood = FloodControl(limit=args.limit, inject_every=args.inject_every)
    runner, api_url = await fake_bot_api(flood)
    with scratch_database("mysql") as url:
        await asyncio.to_thread(migrations.upgrade, url)
        settings = Settings(_env_file=None, database_url=url, broadcast_rate=args.rate)
        broadcast_id = await seed(settings, args.learners)
        database = open_database(settings)
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
        sender = Sender(
            bot=bot,
            sessionmaker=database.sessionmaker,
            context=database.context,
            i18n=create_i18n(),
            rate=args.rate,
        )
        load_before = load_average()
        started = time.monotonic()
        await sender.start()
        try:
            statuses = await until_done(settings, broadcast_id)
        finally:
            await sender.stop()
            await bot.session.close()
            await database.close()
            await runner.cleanup()
        wall = time.monotonic() - started
    per_chat = collections.Counter(chat for _, chat in flood.accepted)
    times = [t for t, _ in flood.accepted]
    span = (times[-1] - times[0]) if len(times) > 1 else 0.0
    achieved = (len(times) - 1) / span if span else 0.0
    return {
        "learners": args.learners,
        "rate": args.rate,
        "telegram_limit": args.limit,
        "inject_every": args.inject_every,
        "accepted": len(flood.accepted),
        "achieved_rate": round(achieved, 2),
        "achieved_share_of_rate": round(achieved / args.rate, 3),
        "wall_seconds": round(wall, 1),
        "lost": sum(
            1 for chat in range(FIRST_CHAT, FIRST_CHAT + args.learners) if chat not in per_chat
        ),
        "duplicated": sum(n - 1 for n in per_chat.values() if n > 1),
        "refused_429_for_our_pace": flood.refused_for_pace,
        "refused_429_injected": flood.refused_injected,
        "deliveries": statuses,
        "load_before": load_before,
        "load_after": load_average(),
        "machine": machine(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0, help="BROADCAST_RATE")
    parser.add_argument("--limit", type=int, default=30, help="Telegram's messages per second")
    parser.add_argument("--inject-every", type=int, default=0, help="a 429 every K-th send")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = asyncio.run(run(args))
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    # A smoke run fails loudly on what must never happen, whatever the machine's speed.
    return 1 if figures["lost"] or figures["duplicated"] else 0


if __name__ == "__main__":
    sys.exit(main())
