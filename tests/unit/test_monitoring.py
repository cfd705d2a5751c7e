"""What /metrics reads from the database (the live outbox by status, the leaderboard's age) on
both databases; a database that does not answer; and counters that outlive the sender that
counted them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiogram.methods import CopyMessage
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.context import Context
from bot.serving.local_api import LocalBotSession
from bot.serving.metrics import Metrics
from db.clock import ManualClock
from db.engine import create_engine, create_sessionmaker
from db.enums import BroadcastStatus, DeliveryStatus
from db.models import Broadcast, BroadcastDelivery, LeaderboardState
from db.repositories.monitoring import figures
from tests.e2e.process import free_port
from tests.support.i18n import reading
from tests.support.outbox import FIRST_CHAT, add_learners, make_sender, push

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with reading("en"):
        yield


def scraped(exposition: bytes) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposition.decode())
        for sample in family.samples
    }


async def live_and_done_broadcasts(
    engine: AsyncEngine, context: Context, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """A broadcast going out to 6 learners (2 sent, 1 blocked, 3 pending) and a finished one."""
    ids = await add_learners(engine, 6)
    live = await push(sessionmaker, context, ids)
    done = await push(sessionmaker, context, ids[:2])
    async with engine.begin() as conn:
        for user_id, status in [(ids[0], "sent"), (ids[1], "sent"), (ids[2], "blocked")]:
            await conn.execute(
                update(BroadcastDelivery)
                .where(BroadcastDelivery.broadcast_id == live)
                .where(BroadcastDelivery.user_id == user_id)
                .values(status=DeliveryStatus(status))
            )
        await conn.execute(
            update(BroadcastDelivery)
            .where(BroadcastDelivery.broadcast_id == done)
            .values(status=DeliveryStatus.SENT)
        )
        await conn.execute(
            update(Broadcast).where(Broadcast.id == done).values(status=BroadcastStatus.DONE)
        )


async def test_the_outbox_figures_count_the_broadcasts_still_going_out(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    await live_and_done_broadcasts(engine, context, sessionmaker)

    async with sessionmaker() as session:
        read = await figures(session)

    assert read.outbox == {
        DeliveryStatus.PENDING: 3,
        DeliveryStatus.SENT: 2,
        DeliveryStatus.BLOCKED: 1,
    }
    assert read.leaderboard_built_at is None


async def test_a_scrape_reports_the_outbox_the_board_age_and_the_pool(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    await live_and_done_broadcasts(engine, context, sessionmaker)
    async with engine.begin() as conn:
        built_at = clock.now() - timedelta(seconds=90)
        await conn.execute(insert(LeaderboardState).values(id=1, generation=1, built_at=built_at))
    metrics = Metrics()
    metrics.watch_pool("serving", engine)
    metrics.read_database_with(sessionmaker, clock)

    samples = scraped(await metrics.exposition())

    assert samples[("learnbot_metrics_database_up", ())] == 1
    outbox = {
        labels[0][1]: value
        for (name, labels), value in samples.items()
        if name == "learnbot_outbox_deliveries"
    }
    assert outbox == {s.value: 0 for s in DeliveryStatus} | {"pending": 3, "sent": 2, "blocked": 1}
    assert samples[("learnbot_leaderboard_age_seconds", ())] == 90  # by the clock given
    assert samples[("learnbot_db_pool_checked_out_connections", (("pool", "serving"),))] == 0


async def test_a_database_that_does_not_answer_leaves_the_figures_out(clock: ManualClock) -> None:
    # A server nothing listens for: the connection is refused at once. (An SQLite file in a
    # missing folder fails too, but aiosqlite's thread then reports to the closed event loop
    # and spoils whichever test runs next.)
    engine = create_engine(f"mysql+aiomysql://root@127.0.0.1:{free_port()}/learnbot")
    try:
        metrics = Metrics()
        metrics.read_database_with(create_sessionmaker(engine), clock)

        samples = scraped(await metrics.exposition())
    finally:
        await engine.dispose()

    assert samples[("learnbot_metrics_database_up", ())] == 0
    assert not [name for name, _ in samples if name.startswith("learnbot_outbox")]
    assert ("learnbot_leaderboard_age_seconds", ()) not in samples


async def test_the_send_counters_outlive_the_sender_that_counted(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    metrics = Metrics()  # the process's, as the app builder makes it once
    ids = await add_learners(engine, 4)
    api = LocalBotSession()
    api.fail(CopyMessage, chat_id=FIRST_CHAT, status=403, description="Forbidden: bot was blocked")

    await push(sessionmaker, context, ids)
    await make_sender(sessionmaker, api, context, metrics=metrics).drain()
    # The sender is restarted (a new one, as after a worker's restart), and sends again.
    await push(sessionmaker, context, ids)
    await make_sender(sessionmaker, api, context, metrics=metrics).drain()

    samples = scraped(await metrics.exposition())
    sent = samples[("learnbot_broadcast_messages_total", (("result", "sent"),))]
    blocked = samples[("learnbot_broadcast_messages_total", (("result", "blocked"),))]
    assert (sent, blocked) == (3 + 3, 1)  # the blocked learner is skipped the second time
    assert len(api.sent(CopyMessage)) == 6
