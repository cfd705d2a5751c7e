"""The serving processes: polling, webhook and the workers beside them, and what they share
(Redis, the Bot API's health, metrics, background tasks)."""
