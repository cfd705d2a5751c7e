"""The suite on several pytest-xdist workers (`make test`): which tests must stay together.

Each worker is a process with its own session and so its own databases (uniquely named), SQLite
files and ports; Redis keys are random per test. What two workers would still share or spoil
for each other is listed in SERIAL_GROUPS, by test module: a group's tests all go to one worker,
one after another, while the other workers take the rest.

xdist's own `--dist loadgroup` reads `xdist_group` marks by rewriting node ids, which pytest 9.2
no longer lets it do (pytest-xdist issue 1386): the marks are silently ignored. So the groups are
given to its scheduler here, by node id, under the same option.
"""

from __future__ import annotations

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadGroupScheduling

SERIAL_GROUPS = {
    # A module-scoped fixture (one `poetry build`; every `--help` at once) that each worker
    # would make again.
    "tests/packaging/test_wheel.py": "wheel",
    "tests/e2e/test_cli.py": "cli",
    # The burst keeps four extra processes busy on purpose; the others assert an answer within
    # a few seconds of a cut connection or a statement limit. On one worker, the burst never
    # runs while one of them is timing.
    "tests/e2e/test_bursts.py": "timing",
    "tests/e2e/test_database_outage.py": "timing",
    "tests/e2e/test_two_instances.py": "timing",
    "tests/handlers/test_database_outage.py": "timing",
    "tests/handlers/test_redis_outage.py": "timing",
    "tests/unit/test_database_health.py": "timing",
    "tests/unit/test_database_watchdog.py": "timing",
}


def group_of(nodeid: str) -> str | None:
    return SERIAL_GROUPS.get(nodeid.split("::", 1)[0])


# xdist ships no types for its schedulers.
class SerialGroupScheduling(LoadGroupScheduling):  # type: ignore[misc]
    """Load scheduling, each test on its own, but a group's tests as one unit of work."""

    def _split_scope(self, nodeid: str) -> str:
        group = group_of(nodeid)
        return f"group:{group}" if group is not None else super()._split_scope(nodeid)


class SerialGroups:
    """The plugin that hands SerialGroupScheduling to xdist for `--dist loadgroup`."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(
        self, config: pytest.Config, log: Producer
    ) -> SerialGroupScheduling | None:
        if config.getvalue("dist") != "loadgroup":
            return None
        return SerialGroupScheduling(config, log)
