"""`learnbot chat`'s start-up: the CPU of a process that answers one piped /start and leaves.

Against the yardstick `python -c 'import aiogram'` (what any aiogram bot pays before its first
reply), measured in the same run, the two alternating (A B B A …) so both see the same minutes
of a shared machine. CPU is the children's user + system time (`getrusage(RUSAGE_CHILDREN)`
around each process, so its threads and its exit count too); wall time is printed beside it.

The chat runs on a SQLite file in a temporary folder: one unmeasured run first migrates it and
loads the sample course, so the measured runs are a returning user's start (migrations already
at head, the course there). Each measured run must print the reply to the piped /start and
leave at the end of its input.

    python -m bench.chat_startup                    # 5 pairs
    python -m bench.chat_startup --pairs 1          # the CI smoke run
"""

from __future__ import annotations

import argparse
import datetime
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.machine import load_average, loadavg_line, machine
from tests.e2e.process import child_env, learnbot, run_command

CHAT = "learnbot chat"
YARDSTICK = "import aiogram"
# The chat prints each piped line after "> ", then the bot's answer; it ends with "Bye!".
REPLIED = "> /start\n\nbot:\n"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(which: str, folder: Path, env: dict[str, str]) -> tuple[float, float]:
    """One process to its end: (CPU s, wall s)."""
    command = learnbot("chat") if which == CHAT else [sys.executable, "-c", "import aiogram"]
    cpu, wall = children_cpu(), time.perf_counter()
    done = run_command(command, env=env, cwd=folder, stdin="/start\n" if which == CHAT else "")
    wall, cpu = time.perf_counter() - wall, children_cpu() - cpu
    if done.returncode != 0 or (which == CHAT and not done.stdout.rstrip().endswith("Bye!")):
        raise RuntimeError(f"{which} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    if which == CHAT and REPLIED not in done.stdout:
        raise RuntimeError(f"{which} did not answer the piped /start:\n{done.stdout}")
    return cpu, wall


def spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def run(pairs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="learnbot-chat-bench-") as tmp:
        folder = Path(tmp)
        env = child_env(DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'chat.db'}")
        # Unmeasured: the first chat migrates and loads the sample course; byte-code is written.
        measure(CHAT, folder, env)
        measure(YARDSTICK, folder, env)
        cpu: dict[str, list[float]] = {CHAT: [], YARDSTICK: []}
        wall: dict[str, list[float]] = {CHAT: [], YARDSTICK: []}
        ratios = []
        for pair in range(pairs):
            # A B, then B A: neither side always runs first in a pair.
            order = (CHAT, YARDSTICK) if pair % 2 == 0 else (YARDSTICK, CHAT)
            for which in order:
                seconds, elapsed = measure(which, folder, env)
                cpu[which].append(seconds)
                wall[which].append(elapsed)
            ratios.append(cpu[CHAT][-1] / cpu[YARDSTICK][-1])
    return {
        "pairs": pairs,
        "cpu_s": {name: spread(values) for name, values in cpu.items()},
        "wall_s": {name: spread(values) for name, values in wall.items()},
        "cpu_ratio_per_pair": spread(ratios),
        "cpu_ratio_of_medians": round(
            statistics.median(cpu[CHAT]) / statistics.median(cpu[YARDSTICK]), 3
        ),
        "runs": {"cpu_s": cpu, "wall_s": wall},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5, help="pairs of measured processes")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    if args.pairs < 1:
        parser.error("--pairs must be >= 1")
    result: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "loadavg_before": loadavg_line(),
        "load_average_before": load_average(),
    }
    result.update(run(args.pairs))
    result["loadavg_after"] = loadavg_line()
    result["load_average_after"] = load_average()

    def cell(s: dict[str, float]) -> str:
        return f"{s['median']:.3f} [{s['min']:.3f}–{s['max']:.3f}]"

    for name in (CHAT, YARDSTICK):
        print(
            f"{name:16} CPU s {cell(result['cpu_s'][name])}  wall s {cell(result['wall_s'][name])}"
        )
    print(
        f"CPU ratio, chat / import aiogram: per pair {cell(result['cpu_ratio_per_pair'])}, "
        f"of the medians {result['cpu_ratio_of_medians']:.3f} ({args.pairs} pairs)\n"
        f"/proc/loadavg before: {result['loadavg_before']}; after: {result['loadavg_after']}"
    )
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
