"""The webhook's request handler: aiogram's, plus a log line for every post it refuses."""

from __future__ import annotations

import logging

from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookHandler(SimpleRequestHandler):
    async def handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        given = request.headers.get(SECRET_HEADER)
        if not self.verify_secret(given or "", bot):
            # Telegram always sends the secret it was given: this post came from someone else.
            log.warning(
                "refused a webhook post from %s: %s",
                request.remote,
                "no secret" if given is None else "wrong secret",
                extra={"remote": request.remote},
            )
            return web.Response(text="Unauthorized", status=401)
        return await super().handle(request)
