"""Business rules. Services take plain values and return plain results; no aiogram here.

Each public service call is one unit of work (bot.services.unit_of_work), takes what it works
with besides its session as arguments (the time from the clock, the catalogs: one Context per
process, bot.services.context, passed explicitly, never looked up in the session) and says
"gone", "stale" or "not understood" with the domain errors of bot.services.errors.
"""
