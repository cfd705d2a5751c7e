"""The one builder of the application: database, clock, bot and dispatcher.

`learnbot run`, `learnbot chat`, the content commands, the tests and bench/ all build what they
need here, so they run the same wiring. Commands that do not talk to Telegram take only
`bot.database`, which imports no aiogram (importing it takes seconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.database import Database, open_database
from bot.middlewares.throttling import DEFAULT_THROTTLE, ThrottlePolicy
from db.clock import SYSTEM_CLOCK, Clock

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.base import BaseSession
    from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage

    from bot.serving.metrics import Metrics
    from bot.serving.workers import Worker

# aiogram checks the token's shape even when no request ever leaves the process.
OFFLINE_TOKEN = "1:offline"


@dataclass(frozen=True, slots=True)
class App:
    settings: Settings
    database: Database
    bot: Bot
    dispatcher: Dispatcher
    owns_database: bool
    # The process's counters: made once with the app, read by GET /metrics.
    metrics: Metrics

    @property
    def clock(self) -> Clock:
        return self.database.clock

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        return self.database.sessionmaker

    async def close(self) -> None:
        await self.bot.session.close()
        await self.dispatcher.storage.close()
        if self.owns_database:
            await self.database.close()


def build_app(
    settings: Settings,
    *,
    database: Database | None = None,
    clock: Clock = SYSTEM_CLOCK,
    bot_session: BaseSession | None = None,
    storage: BaseStorage | None = None,
    throttle: ThrottlePolicy | None = DEFAULT_THROTTLE,
) -> App:
    """The whole bot. Pass `database` to share one (tests, bench), `bot_session` to talk to
    something other than the configured Bot API (the local chat, a test's recorder), and
    `throttle=None` where one person at a keyboard is no flood."""
    from bot.serving.bot_api import HEALTH_KEY as BOT_API_HEALTH_KEY
    from bot.serving.bot_api import BotApiHealth, watch
    from bot.serving.metrics import Metrics

    owns_database = database is None
    db = database or open_database(settings, clock=clock)
    metrics = Metrics()
    metrics.watch_pool("serving", db.engine)
    metrics.read_database_with(db.sessionmaker, db.clock)
    bot = _create_bot(settings, bot_session)
    dp = _create_dispatcher(settings, db, storage=storage, throttle=throttle, metrics=metrics)
    # One outage line for the whole process, whichever part of it met the Bot API failing.
    dp[BOT_API_HEALTH_KEY] = bot_api_health = BotApiHealth()
    watch(bot, bot_api_health)
    return App(settings, db, bot, dp, owns_database, metrics)


def build_workers(app: App, *, scheduler: bool = True) -> list[Worker]:
    """What runs beside the updates in `learnbot run`, and alone in `learnbot scheduler`:
    the broadcast sender always, the scheduler unless `scheduler` is False (extra web workers
    of a deployment whose scheduler runs elsewhere)."""
    from bot.broadcasts import Sender
    from bot.broadcasts.nudge import NUDGE_KEY

    workers: list[Worker] = [
        Sender(
            bot=app.bot,
            sessionmaker=app.sessionmaker,
            context=app.dispatcher["context"],
            i18n=app.dispatcher["i18n"],
            rate=app.settings.broadcast_rate,
            nudge=app.dispatcher[NUDGE_KEY],
            learner_cache=app.dispatcher["learner_cache"],
            lease_seconds=app.settings.broadcast_lease_seconds,
            metrics=app.metrics,
        )
    ]
    if scheduler:
        from bot.scheduler.runner import JobRunner
        from bot.scheduler.worker import SchedulerWorker

        # Jobs are batch work: the time limits of a serving process's database (a few seconds
        # a statement) would cut a rebuild short, so they get a pool of their own without them.
        jobs_database = open_database(app.settings, clock=app.clock)
        app.metrics.watch_pool("jobs", jobs_database.engine)
        runner = JobRunner(
            jobs_database.engine,
            jobs_database.sessionmaker,
            jobs_database.context,
            app.settings,
            metrics=app.metrics,
        )
        stop_grace = float(app.settings.shutdown_grace_seconds)
        workers.append(
            SchedulerWorker(app.settings, runner, stop_grace=stop_grace, database=jobs_database)
        )
    return workers


def _create_bot(settings: Settings, session: BaseSession | None) -> Bot:
    from aiogram import Bot
    from aiogram.client.default import DefaultBotProperties
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.enums import ParseMode

    if session is None and settings.bot_api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.bot_api_url))
    token = settings.bot_token.get_secret_value() if settings.bot_token else OFFLINE_TOKEN
    bot = Bot(
        token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )
    from bot.middlewares.message_sizes import FitTexts

    bot.session.middleware(FitTexts())
    return bot


def _create_dispatcher(
    settings: Settings,
    db: Database,
    *,
    storage: BaseStorage | None,
    throttle: ThrottlePolicy | None,
    metrics: Metrics,
) -> Dispatcher:
    from aiogram import Dispatcher
    from aiogram.fsm.storage.memory import DisabledEventIsolation

    from bot.broadcasts.nudge import NUDGE_KEY, OutboxNudge
    from bot.handlers import build_routers
    from bot.handlers.command_menu import register_commands
    from bot.handlers.errors import ErrorHandlersNeverRaise
    from bot.i18n import create_i18n
    from bot.middlewares.callback_answer import AnswerAfterSuccess
    from bot.middlewares.concurrency import ConcurrencyLimit
    from bot.middlewares.i18n import LearnerLanguage
    from bot.middlewares.learner import LearnerMiddleware
    from bot.middlewares.senders import SenderCheckMiddleware
    from bot.middlewares.throttling import ThrottlingMiddleware
    from bot.middlewares.update_log import NoteHandlerMiddleware, UpdateLogMiddleware
    from bot.services.learners import LearnerCache
    from bot.serving.background import BackgroundTasks
    from bot.serving.fsm_storage import CompactMemoryStorage

    i18n = create_i18n()

    dedup = None
    isolation: BaseEventIsolation
    if settings.redis_url:
        # Here, not above: the dedup middleware imports redis, which only this branch needs.
        from bot.middlewares.dedup import UpdateDeduplicationMiddleware
        from bot.serving.redis_support import TolerantRedisEventIsolation, TolerantRedisStorage

        redis_storage = TolerantRedisStorage.connect(settings.redis_url)
        dedup = UpdateDeduplicationMiddleware(redis_storage.redis, redis_storage.health)
        storage = storage or redis_storage
        isolation = TolerantRedisEventIsolation(redis_storage)
    else:
        # Updates of one learner may run concurrently; the database serialises what matters.
        storage = storage or CompactMemoryStorage()
        isolation = DisabledEventIsolation()
    dp = Dispatcher(
        storage=storage,
        events_isolation=isolation,
        settings=settings,
        clock=db.clock,
        # The services' collaborators (clock, catalogs), handed to every handler as `context`.
        context=db.context,
        i18n=i18n,
        # Handlers that change a learner's row (their settings, their data) forget them here.
        learner_cache=LearnerCache(),
    )
    # Set by whoever enqueues a broadcast, so this process's sender starts at once.
    dp[NUDGE_KEY] = OutboxNudge()
    # Work an update starts and does not wait for (an admin's course file), and the sessions
    # it opens outside any update; stopped with the dispatcher.
    background = BackgroundTasks(grace=float(settings.shutdown_grace_seconds))
    dp["background"] = background
    dp["sessionmaker"] = db.sessionmaker
    dp.shutdown.register(background.close)
    # First of the shutdown handlers: a stopped import puts its file back into the admin's FSM
    # data, which must still be open (the dispatcher registered closing it first).
    dp.shutdown.handlers.insert(0, dp.shutdown.handlers.pop())
    dp.update.outer_middleware(UpdateLogMiddleware(metrics))
    # Before anything that costs a lookup or a row: a bot, a sender left out, an impossible id.
    dp.update.outer_middleware(SenderCheckMiddleware())
    if dedup is not None:
        dp.update.outer_middleware(dedup)
    elif settings.webhook_url:
        # Telegram posts again what it thinks we did not get; polling never repeats one.
        from bot.middlewares.recent_updates import RecentUpdatesMiddleware

        dp.update.outer_middleware(RecentUpdatesMiddleware())
    # The learner's isolation lock (aiogram's FSM middleware) is taken after the claim: a
    # redelivery waiting for another claim to end (a killed process's lease to run out) must
    # not hold the learner's lock, which expires sooner, meanwhile.
    dp.update.outer_middleware.unregister(dp.fsm)
    dp.update.outer_middleware(dp.fsm)
    language = LearnerLanguage(i18n)
    # Around the whole update, so what is said before the learner is known (the throttle's
    # notice) is in their client's language...
    dp.update.outer_middleware(language)
    if throttle is not None:
        dp.update.outer_middleware(ThrottlingMiddleware(throttle))
    # After the throttle, so a flooder's excess never takes a turn; before the session, so a
    # burst waits here, in order, and not for a connection inside a unit of work.
    dp.update.outer_middleware(ConcurrencyLimit(settings.database_pool_size))
    # ...then, once the learner is known, their stored language wins: set by the learner's
    # middleware for the handlers, and here for the error handlers, which run outside it.
    dp.update.outer_middleware(LearnerMiddleware(db.sessionmaker, i18n))
    dp.errors.outer_middleware(language)
    dp.callback_query.middleware(AnswerAfterSuccess())
    for name, observer in dp.observers.items():
        if name not in ("update", "error"):
            observer.middleware(NoteHandlerMiddleware())
    dp.include_routers(*build_routers())
    # Around every router's error handlers: none of them may fail an update a second time.
    dp.errors.outer_middleware(ErrorHandlersNeverRaise())
    dp.startup.register(register_commands)
    return dp
