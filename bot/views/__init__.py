"""Turning the services' plain results into what Telegram shows: text, HTML and keyboards.

Every word comes from bot/texts/, in the language of the update being handled; nothing here
reads the database or talks to Telegram.
"""
