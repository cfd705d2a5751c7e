"""The broadcast sender: drains the outbox at BROADCAST_RATE for all processes together."""

from bot.broadcasts.nudge import OutboxNudge
from bot.broadcasts.sender import Sender

__all__ = ["OutboxNudge", "Sender"]
