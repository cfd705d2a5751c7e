"""Business rules. Services take plain values and return plain results; no aiogram here.

Each public service call is one unit of work (bot.services.unit_of_work), takes the time from
the session's clock (db.clock) and says "gone", "stale" or "not understood" with the domain
errors of bot.services.errors.
"""
