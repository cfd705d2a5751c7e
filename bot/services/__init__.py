"""Business rules. Services take plain values, return plain results and commit; no aiogram here."""
