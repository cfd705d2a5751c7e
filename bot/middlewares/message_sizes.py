"""The last guard of Telegram's length limits, on the way out to the Bot API.

Views page, pack and clip what they render (bot/views/telegram_length.py), so a text too long
for Telegram is a view's bug. Rather than have Telegram refuse it ("message is too long") and the
learner see only the generic error, the text is cut to fit with an ellipsis, and the cut is
logged so the view gets fixed.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageText,
    SendAnimation,
    SendAudio,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendVideo,
    SendVoice,
    TelegramMethod,
)
from aiogram.methods.base import Response, TelegramType

from bot.views.telegram_length import (
    CALLBACK_ANSWER_LIMIT,
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    clip,
    fit,
    html_length,
    utf16_len,
)

log = logging.getLogger(__name__)

# The field each method's limit applies to, and the limit.
_TEXTS: dict[type[TelegramMethod[Any]], tuple[str, str, int]] = {
    SendMessage: ("text", "entities", MESSAGE_LIMIT),
    EditMessageText: ("text", "entities", MESSAGE_LIMIT),
    SendPhoto: ("caption", "caption_entities", CAPTION_LIMIT),
    SendDocument: ("caption", "caption_entities", CAPTION_LIMIT),
    SendAnimation: ("caption", "caption_entities", CAPTION_LIMIT),
    SendAudio: ("caption", "caption_entities", CAPTION_LIMIT),
    SendVideo: ("caption", "caption_entities", CAPTION_LIMIT),
    SendVoice: ("caption", "caption_entities", CAPTION_LIMIT),
    EditMessageCaption: ("caption", "caption_entities", CAPTION_LIMIT),
    # Plain text, without entities.
    AnswerCallbackQuery: ("text", "entities", CALLBACK_ANSWER_LIMIT),
}


class FitTexts(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        shape = _TEXTS.get(type(method))
        if shape is not None:
            _fit(bot, method, *shape)
        return await make_request(bot, method)


def _fit(bot: Bot, method: TelegramMethod[Any], field: str, entities: str, limit: int) -> None:
    text = getattr(method, field, None)
    # Entities given with the text count offsets into it: a cut would leave them pointing past
    # its end, so such a text (a copy of the admin's own message) goes as it is.
    if not isinstance(text, str) or getattr(method, entities, None):
        return
    parse_mode = getattr(method, "parse_mode", None)
    if isinstance(parse_mode, Default):
        parse_mode = bot.default[parse_mode.name]
    # ParseMode.HTML is a str enum, whose str() is its name: its value is what is sent.
    parse_mode = getattr(parse_mode, "value", parse_mode)
    if parse_mode is not None and str(parse_mode).upper() != "HTML":
        return  # the bot writes HTML or plain text; another markup is not measured here
    html = parse_mode is not None
    length = html_length(text) if html else utf16_len(text)
    if length <= limit:
        return
    setattr(method, field, fit(text, limit) if html else clip(text, limit))
    log.warning(
        "%s: a %s of %d UTF-16 units cut to Telegram's %d (a view let it grow too long)",
        type(method).__name__,
        field,
        length,
        limit,
    )
