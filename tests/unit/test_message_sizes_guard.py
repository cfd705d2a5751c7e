"""The last guard on the way to the Bot API: a text too long for Telegram is cut to fit."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import Response
from aiogram.types import BufferedInputFile, MessageEntity

from bot.middlewares.message_sizes import FitTexts
from bot.views.telegram_length import html_length, utf16_len

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"


@pytest.fixture
async def bot() -> Any:
    # As bot.app builds it: the default parse mode is the enum, not the string.
    bot = Bot("123456:TEST", default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    yield bot
    await bot.session.close()


async def through(bot: Bot, method: TelegramMethod[Any]) -> TelegramMethod[Any]:
    sent: list[TelegramMethod[Any]] = []

    async def make_request(bot: Bot, method: TelegramMethod[Any]) -> Response[Any]:
        sent.append(method)
        return Response[Any](ok=True, result=True)

    await FitTexts()(make_request, bot, method)
    assert len(sent) == 1
    return sent[0]


async def test_an_html_text_too_long_is_cut_to_fit_and_logged(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    text = "<b>" + FAMILY * 400 + "</b>"  # 4,400 units
    with caplog.at_level(logging.WARNING, logger="bot.middlewares.message_sizes"):
        sent = await through(bot, SendMessage(chat_id=1, text=text))
    assert isinstance(sent, SendMessage)
    assert sent.text == "<b>" + FAMILY * 372 + "</b>…"
    assert html_length(sent.text) <= 4096
    assert "SendMessage: a text of 4400 UTF-16 units cut" in caplog.text


async def test_texts_that_fit_and_texts_with_entities_go_as_they_are(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    at_limit = "<i>" + "&amp;" * 4096 + "</i>"
    sent = await through(bot, EditMessageText(chat_id=1, message_id=2, text=at_limit))
    assert isinstance(sent, EditMessageText) and sent.text == at_limit
    entity = MessageEntity(type="bold", offset=0, length=4)
    long = "😀" * 3000
    sent = await through(bot, SendMessage(chat_id=1, text=long, entities=[entity]))
    assert isinstance(sent, SendMessage) and sent.text == long
    assert not caplog.records


async def test_plain_text_and_captions_have_their_own_count(bot: Bot) -> None:
    sent = await through(bot, SendMessage(chat_id=1, text="&" * 5000, parse_mode=None))
    assert isinstance(sent, SendMessage)
    assert sent.text == "&" * 4095 + "…"
    photo = BufferedInputFile(b"png", "a.png")
    sent = await through(bot, SendPhoto(chat_id=1, photo=photo, caption="中" * 2000))
    assert isinstance(sent, SendPhoto) and sent.caption is not None
    assert utf16_len(sent.caption) == 1024 and sent.caption.endswith("…")


async def test_a_button_press_answer_keeps_to_its_200(bot: Bot) -> None:
    sent = await through(bot, AnswerCallbackQuery(callback_query_id="q", text="<b>" * 100))
    assert isinstance(sent, AnswerCallbackQuery)
    assert sent.text == "<b>" * 66 + "<…"
    sent = await through(bot, AnswerCallbackQuery(callback_query_id="q", text=FAMILY * 18))
    assert isinstance(sent, AnswerCallbackQuery) and sent.text == FAMILY * 18
