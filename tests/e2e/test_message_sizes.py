"""Long texts reach Telegram in messages it accepts: the fake Bot API refuses a text over 4096
UTF-16 units once its HTML is parsed, as Telegram does, and the real `learnbot run` pages a
lesson of emoji so that every page goes out.

SQLite only: what is checked is the text the process sends, not persistence.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.fake_telegram import MESSAGE_LIMIT, TOKEN, Call, FakeTelegram, telegram_length
from tests.e2e.fake_telegram import plain_text as parsed
from tests.e2e.process import START_WITHIN, BotProcess, assert_clean_exit, child_env
from tests.e2e.updates import LEARNER, button_data, callback_query, text_message
from tests.support.databases import migrated_database

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦
COUNT = 1500


def emoji_course() -> str:
    # JSON is YAML: the lesson is one line of 1,500 families, 11 UTF-16 units each (16,500).
    lesson = {
        "slug": "families",
        "title": f"{FAMILY} Families & friends",
        "content": FAMILY * COUNT,
    }
    module = {"slug": "emoji", "title": "Emoji", "order": 1}
    return json.dumps({"module": module, "lessons": [lesson]}, ensure_ascii=False)


def test_the_fake_refuses_a_text_telegram_would_refuse() -> None:
    assert telegram_length(FAMILY) == 11
    at_limit = "<b>" + "&amp;" * (MESSAGE_LIMIT - 1) + "</b>é"
    assert telegram_length(parsed(at_limit, "HTML")) == MESSAGE_LIMIT
    assert telegram_length(parsed(at_limit + "x", "HTML")) == MESSAGE_LIMIT + 1


async def test_a_lesson_of_family_emoji_is_paged_into_messages_telegram_accepts(
    fake_telegram: FakeTelegram, tmp_path: Path, workdir: Path
) -> None:
    assert fake_telegram.message_limit == MESSAGE_LIMIT
    database = await migrated_database(tmp_path / "emoji.db", emoji_course())
    env = child_env(BOT_TOKEN=TOKEN, BOT_API_URL=fake_telegram.url, DATABASE_URL=database)
    with BotProcess(["run", "--no-scheduler"], env=env, cwd=workdir) as bot:
        await bot.expect(fake_telegram.wait_for("getUpdates", timeout=START_WITHIN))
        fake_telegram.push_update(text_message("/start"))

        def to_learner(call: Call) -> bool:
            return bool(call.params["chat_id"] == LEARNER["id"])

        message = (await bot.expect(fake_telegram.wait_for("sendMessage", to_learner))).result
        pages: list[str] = []
        label = "Continue"  # the welcome's way into the first lesson, then each Next
        while label:
            since = len(fake_telegram.calls)
            query = f"cb-{len(pages)}"

            def answered(call: Call, query: str = query) -> bool:
                return bool(call.params["callback_query_id"] == query)

            fake_telegram.push_update(
                callback_query(button_data(message["reply_markup"], label), message, query_id=query)
            )
            await bot.expect(fake_telegram.wait_for("answerCallbackQuery", answered, since=since))
            edits = fake_telegram.calls_of("editMessageText", since=since)
            assert len(edits) == 1, fake_telegram.methods()[since:]
            # The fake answers 400 "message is too long" as Telegram would: every page is taken.
            assert edits[0].response["ok"], edits[0].response
            message = edits[0].result
            pages.append(message["text"])
            buttons = [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]
            label = "Next" if any("Next" in b for b in buttons) else ""
            assert len(pages) <= 10, "the pager never reaches the last page"

        code = await bot.interrupt()
        assert_clean_exit(code, bot.stderr)

    assert len(pages) >= 5  # 16,500 units of emoji need five messages at the very least
    body = ""
    for number, text in enumerate(pages, start=1):
        assert telegram_length(text) <= MESSAGE_LIMIT
        heading, _, page = text.partition("\n\n")
        assert "Families & friends" in heading
        assert f"page {number}/{len(pages)}" in heading
        # Whole families only: a cut inside one would leave a stray person or joiner.
        assert page == FAMILY * (len(page) // len(FAMILY)), page[:40]
        body += page
    assert body == FAMILY * COUNT
    refused = [c.response for c in fake_telegram.calls if not c.response["ok"]]
    assert not refused, refused
