"""The rules of broadcasting: `pushes` (what admins queue, follow and cancel) and `deliveries`
(how a sender drains the queue: claims, outcomes, the shared pace). No aiogram here: the sender
that talks to Telegram is bot.broadcasts."""
