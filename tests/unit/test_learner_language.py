"""Which language a learner reads: chosen from their client's language_code on first contact,
stored, and from then on theirs whatever their client says."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Context
from bot.services.learners import TelegramProfile, ensure_learner, language_for
from db.models import User
from db.repositories import users


@pytest.mark.parametrize(
    ("language_code", "language"),
    [
        ("ru", "ru"),
        ("ru-RU", "ru"),
        ("RU", "ru"),
        ("uk", "ru"),
        ("be", "ru"),
        ("kk", "ru"),
        ("kk-KZ", "ru"),
        ("en", "en"),
        ("en-GB", "en"),
        ("de", "en"),
        ("rue", "en"),  # Rusyn: a language of its own, not Russian
        ("", "en"),
        (None, "en"),
    ],
)
def test_language_for_a_client(language_code: str | None, language: str) -> None:
    assert language_for(language_code) == language


async def test_first_contact_stores_the_language_of_the_client(
    session: AsyncSession, context: Context
) -> None:
    learner = await ensure_learner(
        session, context, TelegramProfile(42, first_name="Ada", language_code="uk")
    )

    assert learner.language == "ru"
    user = await users.get_by_telegram_id(session, 42, refresh=True)
    assert user is not None and user.language == "ru"


async def test_a_later_language_code_leaves_the_stored_language_alone(
    session: AsyncSession,
    context: Context,
) -> None:
    await ensure_learner(
        session, context, TelegramProfile(42, first_name="Ada", language_code="ru")
    )

    # The client changed its language: the profile is refreshed, the learner's language is not.
    learner = await ensure_learner(
        session, context, TelegramProfile(42, first_name="Ada", language_code="en")
    )

    assert learner.language == "ru"
    user = await users.get_by_telegram_id(session, 42, refresh=True)
    assert user is not None
    assert (user.language_code, user.language) == ("en", "ru")


async def test_a_stored_choice_wins_over_the_client(
    session: AsyncSession, context: Context
) -> None:
    await ensure_learner(session, context, TelegramProfile(42, language_code="ru"))
    user = await users.get_by_telegram_id(session, 42, refresh=True)
    assert user is not None
    user.language = "en"  # what the Settings screen will store
    await session.commit()

    learner = await ensure_learner(session, context, TelegramProfile(42, language_code="ru"))

    assert learner.language == "en"


async def test_a_row_without_a_language_reads_its_client_language(
    session: AsyncSession, context: Context
) -> None:
    session.add(User(telegram_id=42, language_code="be"))
    await session.commit()

    learner = await ensure_learner(session, context, TelegramProfile(42, language_code="be"))

    assert learner.language == "ru"
