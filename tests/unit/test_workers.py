"""Workers run beside serving: started in order, stopped last first however serving ended."""

from __future__ import annotations

import logging

import pytest

from bot.serving.workers import running


class Recorder:
    def __init__(self, name: str, log: list[str], *, fail_stop: bool = False) -> None:
        self.name, self.log, self.fail_stop = name, log, fail_stop

    async def start(self) -> None:
        self.log.append(f"start {self.name}")

    async def stop(self) -> None:
        self.log.append(f"stop {self.name}")
        if self.fail_stop:
            raise RuntimeError("stuck")


async def test_workers_stop_last_first_when_serving_fails(caplog: pytest.LogCaptureFixture) -> None:
    log: list[str] = []
    workers = [Recorder("sender", log, fail_stop=True), Recorder("scheduler", log)]
    with pytest.raises(ValueError, match="serving failed"):
        async with running(workers):
            log.append("serving")
            raise ValueError("serving failed")
    assert log == ["start sender", "start scheduler", "serving", "stop scheduler", "stop sender"]
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in failed] == ["sender did not stop cleanly"]
