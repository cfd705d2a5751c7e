"""Turning the services' plain results into what Telegram shows: text, HTML and keyboards.

Every word comes from the texts module (bot/locales); nothing here reads the database or talks
to Telegram.
"""
