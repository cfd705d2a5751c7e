"""The one wiring of the bot, shared by `learnbot run`, `learnbot chat` and the tests."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import DisabledEventIsolation, MemoryStorage
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.commands_menu import register_commands
from bot.config import Settings
from bot.errors import on_error
from bot.handlers import build_routers
from bot.middlewares.database import DbSessionMiddleware
from bot.middlewares.dedup import UpdateDeduplicationMiddleware
from bot.middlewares.learner import LearnerMiddleware
from bot.middlewares.throttling import ThrottlePolicy, ThrottlingMiddleware

# aiogram checks the token's shape even when no request ever leaves the process.
OFFLINE_TOKEN = "1:offline"
DEFAULT_THROTTLE = ThrottlePolicy()


def create_bot(settings: Settings, *, session: BaseSession | None = None) -> Bot:
    """A Bot for the configured server; pass `session` to talk to something else (the local
    chat, a test's recorder)."""
    if session is None and settings.bot_api_url:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.bot_api_url))
    token = settings.bot_token.get_secret_value() if settings.bot_token else OFFLINE_TOKEN
    return Bot(
        token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def _storage(settings: Settings) -> tuple[BaseStorage, BaseEventIsolation, Redis | None]:
    if not settings.redis_url:
        # Updates of one learner may run concurrently; the database serialises what matters.
        return MemoryStorage(), DisabledEventIsolation(), None
    from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

    storage = RedisStorage.from_url(settings.redis_url)
    return storage, RedisEventIsolation(storage.redis), storage.redis


def create_dispatcher(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    storage: BaseStorage | None = None,
    throttle: ThrottlePolicy | None = DEFAULT_THROTTLE,
) -> Dispatcher:
    default_storage, isolation, redis = _storage(settings)
    dp = Dispatcher(
        storage=storage or default_storage, events_isolation=isolation, settings=settings
    )
    if redis is not None:
        dp.update.outer_middleware(UpdateDeduplicationMiddleware(redis))
    if throttle is not None:
        dp.update.outer_middleware(ThrottlingMiddleware(throttle))
    dp.update.outer_middleware(DbSessionMiddleware(sessionmaker))
    dp.update.outer_middleware(LearnerMiddleware())
    dp.callback_query.middleware(CallbackAnswerMiddleware())
    dp.include_routers(*build_routers())
    dp.errors.register(on_error)
    dp.startup.register(register_commands)
    return dp
