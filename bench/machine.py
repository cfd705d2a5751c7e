"""What the figures were measured on, and how much memory the process holds."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("aiogram", "sqlalchemy", "aiomysql", "aiosqlite", "pydantic")


def _proc_field(path: str, name: str) -> str | None:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return None


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    memory_kib = _proc_field("/proc/meminfo", "MemTotal")
    return {
        "cpu_model": _proc_field("/proc/cpuinfo", "model name") or platform.processor(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "memory_gib": round(int(memory_kib.split()[0]) / 2**20, 1) if memory_kib else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "commit": _commit(),
    }


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _commit() -> str | None:
    """The checkout's commit, with "+dirty" when it has changes: figures name their code."""
    here = Path(__file__).parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head}+dirty" if dirty else head


def rss_mib() -> float | None:
    """The process's resident memory now."""
    value = _proc_field("/proc/self/status", "VmRSS")
    return round(int(value.split()[0]) / 1024, 1) if value else None


def max_rss_mib() -> float:
    """The most resident memory the process has held so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def loadavg_line() -> str:
    """/proc/loadavg as the kernel writes it: the three load averages and the runnable tasks."""
    return Path("/proc/loadavg").read_text(encoding="utf-8").strip()


def run_header(args: argparse.Namespace) -> dict[str, Any]:
    """What every benchmark's JSON starts with: when, with which options, on what, at what load."""
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "machine": machine(),
        "load_average_before": load_average(),
        "databases": {},
    }
