from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, enum_type, utcnow
from db.enums import JobStatus


class JobRun(Base):
    """One run of a scheduled job, whichever process ran it."""

    __tablename__ = "job_runs"
    __table_args__ = (
        Index(None, "job", "started_at"),
        # A periodic job runs once per period: the second process to claim one is refused here.
        UniqueConstraint("job", "period_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    # The period this run covers (e.g. "2026-11-23T14:15"); NULL for a run by hand.
    period_key: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[JobStatus] = mapped_column(enum_type(JobStatus, 16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rows: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[str | None] = mapped_column(Text)
