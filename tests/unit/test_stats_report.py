"""A long statistics report is split between messages, never inside a lesson's block, and each
message fits Telegram's limit as Telegram counts it (UTF-16 units of the visible text)."""

from __future__ import annotations

from bot.views.telegram_length import MESSAGE_LIMIT, html_length, pack

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 11 UTF-16 units


def test_blocks_are_packed_into_messages_under_the_limit() -> None:
    blocks = [f"<b>lesson {n}</b>\n" + "x" * 900 for n in range(12)]
    messages = pack(blocks)
    assert len(messages) == 3  # four blocks of ~915 characters (and blank lines) per message
    assert all(html_length(message) <= MESSAGE_LIMIT for message in messages)
    assert "\n\n".join(messages) == "\n\n".join(blocks), "nothing lost, nothing cut"


def test_blocks_of_emoji_are_packed_by_utf16_units() -> None:
    # 82 families: 902 units, 574 code points per block; by code points seven would fit.
    blocks = [f"<b>lesson {n}</b>\n" + FAMILY * 82 for n in range(12)]
    messages = pack(blocks)
    assert len(messages) == 3
    assert all(html_length(message) <= MESSAGE_LIMIT for message in messages)
    assert "\n\n".join(messages) == "\n\n".join(blocks)
