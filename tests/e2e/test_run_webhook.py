"""`learnbot run` in webhook mode, as a process: Telegram's side is a fake Bot API server, the
updates are POSTed to the bot's own web server.

SQLite only: these tests check the process (webhook registration, the secret check, a clean stop
on SIGINT), not persistence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp

from tests.e2e.fake_telegram import TOKEN, Call, FakeTelegram
from tests.e2e.process import START_WITHIN, BotProcess, assert_clean_exit, child_env, free_port
from tests.e2e.updates import text_message, user

SECRET = "s3cret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def test_webhook_serves_updates_with_the_secret_only(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/tg-hook"
    env = child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake_telegram.url,
        DATABASE_URL=course_db,
        LOG_LEVEL="INFO",
        WEBHOOK_URL=hook,
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=SECRET,
    )
    learner = user(5151, "Grace")
    intruder = user(6666, "Mallory")

    def message_to(who: dict[str, Any]) -> Any:
        return lambda call: call.params["chat_id"] == who["id"]

    with BotProcess(["run"], env=env, cwd=workdir) as bot:
        registered = await bot.expect(fake_telegram.wait_for("setWebhook", timeout=START_WITHIN))
        assert registered.params["url"] == hook
        assert registered.params["secret_token"] == SECRET
        assert fake_telegram.calls_of("setMyCommands"), fake_telegram.methods()
        assert not fake_telegram.calls_of("getUpdates")

        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:

            async def post(update: dict[str, Any], headers: dict[str, str]) -> int:
                payload = {"update_id": fake_telegram.next_update_id(), **update}
                async with http.post(hook, json=payload, headers=headers) as response:
                    return response.status

            good = {SECRET_HEADER: SECRET}
            assert await post(text_message("/start", sender=learner), good) == 200
            welcome: Call = await bot.expect(
                fake_telegram.wait_for("sendMessage", message_to(learner))
            )
            assert "Hi, Grace" in welcome.params["text"]

            assert await post(text_message("/start", sender=intruder), {}) == 401
            wrong = {SECRET_HEADER: "guess"}
            assert await post(text_message("/start", sender=intruder), wrong) == 401

            # A later authorised update is answered, and still nothing went to the intruder.
            since = len(fake_telegram.calls)
            assert await post(text_message("/help", sender=learner), good) == 200
            await bot.expect(
                fake_telegram.wait_for("sendMessage", message_to(learner), since=since)
            )

            # Junk with the right secret is refused, not a server error.
            async with http.post(hook, data=b"{not json", headers=good) as response:
                assert response.status == 400
            async with http.post(hook, json={"hello": "world"}, headers=good) as response:
                assert response.status == 400

            # Telegram retrying a post: the same update_id is handled once.
            since = len(fake_telegram.calls)
            retried = {
                "update_id": fake_telegram.next_update_id(),
                **text_message("/help", sender=learner),
            }
            for _ in range(2):
                async with http.post(hook, json=retried, headers=good) as response:
                    assert response.status == 200
            assert await post(text_message("/start", sender=user(7070, "Ken")), good) == 200
            await bot.expect(
                fake_telegram.wait_for(
                    "sendMessage", lambda c: c.params["chat_id"] == 7070, since=since
                )
            )
            helped = [
                c
                for c in fake_telegram.calls_of("sendMessage", since=since)
                if c.params["chat_id"] == learner["id"]
            ]
            assert len(helped) == 1, fake_telegram.methods()

            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
                assert await response.json() == {"database": "ok", "redis": "off"}
        assert not [c for c in fake_telegram.calls if c.params.get("chat_id") == intruder["id"]]

        code = await bot.interrupt()
        assert_clean_exit(code, bot.stderr)
        refusals = [line for line in bot.stderr.splitlines() if "refused a webhook post" in line]
        assert len(refusals) == 4, bot.stderr
        reasons = ["no secret", "wrong secret", "not JSON", "not a Telegram update"]
        assert all(why in line for why, line in zip(reasons, refusals, strict=True)), refusals
        assert "guess" not in bot.stderr
    unknown = [c.method for c in fake_telegram.calls if not c.response["ok"]]
    assert not unknown, f"the bot called methods the fake does not know: {unknown}"
