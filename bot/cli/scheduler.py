"""`learnbot scheduler`: the workers of `build_workers(app, scheduler=True)` without serving
Telegram updates, until SIGINT or SIGTERM; for deployments whose bot instances run with
`learnbot run --no-scheduler`."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable

from bot.app import build_app, build_workers
from bot.config import Settings
from bot.database import open_database
from bot.serving.runner import NotReady, check_database, start_health_server
from bot.serving.workers import Worker, running

log = logging.getLogger(__name__)

NEEDS_TOKEN = (
    "learnbot: BOT_TOKEN is not set. `learnbot scheduler` runs what sends through Telegram "
    "({names}): it needs the token @BotFather gave you (in the environment or in .env)."
)


class TokenMissing(Exception):
    pass


def needs_telegram(worker: Worker) -> bool:
    # A worker that does not say so is taken to need Telegram (the broadcast sender does).
    return bool(getattr(worker, "needs_telegram", True))


def run_scheduler(settings: Settings, redact: Callable[[str], str]) -> int:
    try:
        asyncio.run(serve_workers(settings))
    except NotReady as exc:
        print(redact(f"learnbot: {exc}"), file=sys.stderr)
        return 1
    except TokenMissing as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


async def serve_workers(settings: Settings) -> None:
    database = open_database(settings)
    try:
        await check_database(database.engine)
        app = build_app(settings, database=database)
        try:
            workers = build_workers(app, scheduler=True)
            talking = [w.name for w in workers if needs_telegram(w)]
            if talking and settings.bot_token is None:
                raise TokenMissing(NEEDS_TOKEN.format(names=", ".join(talking)))
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            # The job metrics are this process's: HEALTH_PORT serves them as `run` does.
            redis = getattr(app.dispatcher.storage, "redis", None)
            health = await start_health_server(settings, database.engine, redis, app.metrics)
            try:
                async with running(workers):
                    names = ", ".join(w.name for w in workers)
                    log.info("running %s until SIGINT or SIGTERM", names)
                    await stop.wait()
            finally:
                if health is not None:
                    await health.cleanup()
            log.info("stopped")
        finally:
            await app.close()
    finally:
        await database.close()
