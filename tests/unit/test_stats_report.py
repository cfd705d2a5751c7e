"""A long statistics report is split between messages, never inside a lesson's block."""

from __future__ import annotations

from bot.views.admin.stats import MESSAGE_LIMIT, pack


def test_blocks_are_packed_into_messages_under_the_limit() -> None:
    blocks = [f"<b>lesson {n}</b>\n" + "x" * 900 for n in range(12)]
    messages = pack(blocks)
    assert len(messages) == 3  # four blocks of ~915 characters (and blank lines) per message
    assert all(len(message) <= MESSAGE_LIMIT for message in messages)
    assert "\n\n".join(messages) == "\n\n".join(blocks), "nothing lost, nothing cut"
