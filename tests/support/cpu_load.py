"""Busy processes that take the machine's cores away from the process under test, the way a
shared host or a noisy neighbour does when a burst of learners arrives."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

SPIN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


@contextlib.contextmanager
def busy_processes(count: int = 4, *, seconds: float = 120.0) -> Iterator[None]:
    """`count` processes that each keep a core busy for at most `seconds` (so none outlives a
    crashed test run by long); killed when the block ends."""
    procs = [
        subprocess.Popen([sys.executable, "-c", SPIN.format(seconds=float(seconds))])
        for _ in range(count)
    ]
    try:
        yield
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait(timeout=10)
