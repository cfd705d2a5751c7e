"""The broadcast sender: drains the outbox at BROADCAST_RATE for all processes together."""

from bot.broadcasting.nudge import OutboxNudge
from bot.broadcasting.sender import Sender

__all__ = ["OutboxNudge", "Sender"]
