"""The figures of one database's run as plain data (what --json writes), and as tables."""

from __future__ import annotations

from typing import Any

from bench.learners import FIRST_START, UPDATE_TYPES
from bench.loops import Phase, percentile
from tests.support.roundtrips import KINDS, RoundTrips


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def gc_figures(phase: Phase) -> dict[str, Any]:
    full = [pause for generation, pause in phase.gc_pauses if generation == 2]
    return {
        "collections": len(phase.gc_pauses),
        "full_collections": len(full),
        "total_ms": _ms(sum(pause for _, pause in phase.gc_pauses)),
        "longest_ms": _ms(max((pause for _, pause in phase.gc_pauses), default=0.0)),
    }


def loop_figures(phase: Phase) -> dict[str, Any]:
    return {
        "updates": phase.updates,
        "wall_s": round(phase.wall_s, 3),
        "updates_per_s": round(phase.rate, 1),
        "cpu_ms_per_update": round(phase.cpu_ms_per_update, 2),
        "gc": gc_figures(phase),
    }


def compare(learnbot: Phase, floor: Phase) -> dict[str, Any]:
    return {
        "learnbot": loop_figures(learnbot),
        "floor": loop_figures(floor),
        "ratio": {
            "updates_per_s": _ratio(learnbot.rate, floor.rate),
            "cpu_ms_per_update": _ratio(learnbot.cpu_ms_per_update, floor.cpu_ms_per_update),
        },
    }


def round_trips(counter: RoundTrips, phase: Phase) -> dict[str, dict[str, float]]:
    """Per update type: the calls that reached the driver per update, by kind and in total."""
    figures = {}
    for label, latencies in phase.latency_s.items():
        kinds = {kind: n / len(latencies) for kind, n in counter.of(label).items()}
        kinds["total"] = sum(kinds.values())
        figures[label] = {kind: round(n, 2) for kind, n in kinds.items()}
    return figures


def per_update(
    trips: dict[str, dict[str, float]], alone: Phase, floor_alone: Phase, opened: Phase | None
) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for label in (FIRST_START, *UPDATE_TYPES):
        cpu = alone.cpu_by_type_s.get(label)
        if not cpu:
            continue
        floor_cpu = floor_alone.cpu_by_type_s.get(label, [])
        cpu_ms = sum(cpu) * 1000 / len(cpu)
        floor_ms = sum(floor_cpu) * 1000 / len(floor_cpu) if floor_cpu else 0.0
        row: dict[str, Any] = {
            "round_trips": trips.get(label, {}),
            "cpu_ms": round(cpu_ms, 2),
            "floor_cpu_ms": round(floor_ms, 2),
            "cpu_ratio": _ratio(cpu_ms, floor_ms),
            "alone_p50_ms": _ms(percentile(alone.latency_s[label], 50)),
        }
        if opened is not None and label in opened.latency_s:
            latencies = opened.latency_s[label]
            row["open_loop"] = {
                "n": len(latencies),
                "p50_ms": _ms(percentile(latencies, 50)),
                "p99_ms": _ms(percentile(latencies, 99)),
            }
        figures[label] = row
    return figures


def open_loop_figures(phase: Phase, rate: float, capacity: float) -> dict[str, Any]:
    everything = [x for values in phase.latency_s.values() for x in values]
    return {
        "offered_per_s": round(rate, 1),
        "offered_share_of_capacity": _ratio(rate, capacity),
        "achieved_per_s": round(phase.rate, 1),
        "updates": phase.updates,
        "cpu_ms_per_update": round(phase.cpu_ms_per_update, 2),
        "max_start_lag_ms": _ms(phase.max_start_lag_s),
        "p50_ms": _ms(percentile(everything, 50)),
        "p99_ms": _ms(percentile(everything, 99)),
        "gc": gc_figures(phase),
    }


def _trips_cell(trips: dict[str, float]) -> str:
    def number(x: float) -> str:
        return f"{x:g}" if x == int(x) else f"{x:.2f}"

    parts = "/".join(number(trips.get(kind, 0)) for kind in KINDS[:4])
    extra = f" +{number(trips['connect'])} connect" if trips.get("connect") else ""
    return f"{number(trips.get('total', 0))} ({parts}){extra}"


def print_database(name: str, result: dict[str, Any]) -> None:
    print(f"\n== {name}: {result['server']}, {result['learners']} learners per loop ==")
    if "per_update" in result:
        _print_loops(result)
    if "rss" in result:
        r = result["rss"]
        print(
            f"\nRSS: {r['learners_served']} distinct learners (/start, open a lesson) in "
            f"{r['seconds']} s: RSS {r['rss_before_mib']} -> {r['rss_after_mib']} MiB, "
            f"max RSS {r['max_rss_before_mib']} -> {r['max_rss_after_mib']} MiB "
            f"({r['growth_kib_per_learner']} KiB per learner; {r['fsm_records']} FSM records)"
        )


def _print_loops(result: dict[str, Any]) -> None:
    print(
        "round trips = total (statements/pings/commits/rollbacks); CPU ms alone; "
        "p50/p99 in the open loop"
    )
    head = (
        f"{'update':14} {'round trips':20} {'CPU ms':>7} {'floor':>6} {'ratio':>6} "
        f"{'alone p50':>10} {'open p50':>9} {'open p99':>9}"
    )
    print(head)
    print("-" * len(head))
    for label, row in result["per_update"].items():
        opened = row.get("open_loop", {})
        print(
            f"{label:14} {_trips_cell(row['round_trips']):20} {row['cpu_ms']:7.2f} "
            f"{row['floor_cpu_ms']:6.2f} {row['cpu_ratio'] or 0:6.1f} "
            f"{row['alone_p50_ms']:10.2f} {opened.get('p50_ms', float('nan')):9.2f} "
            f"{opened.get('p99_ms', float('nan')):9.2f}"
        )
    print(
        f"\n{'closed loop':20} {'learnbot upd/s':>14} {'floor upd/s':>12} {'ratio':>6} "
        f"{'learnbot CPU ms/upd':>20} {'floor':>6} {'ratio':>6} {'full GCs':>9} {'longest GC':>11}"
    )
    for key, loop in result["closed_loop"].items():
        lb, fl, ratio = loop["learnbot"], loop["floor"], loop["ratio"]
        print(
            f"{key:20} {lb['updates_per_s']:14.1f} {fl['updates_per_s']:12.1f} "
            f"{ratio['updates_per_s'] or 0:6.3f} {lb['cpu_ms_per_update']:20.2f} "
            f"{fl['cpu_ms_per_update']:6.2f} {ratio['cpu_ms_per_update'] or 0:6.1f} "
            f"{lb['gc']['full_collections']:9d} {lb['gc']['longest_ms']:8.1f} ms"
        )
    if "open_loop" in result:
        o = result["open_loop"]
        print(
            f"\nopen loop: {o['offered_per_s']} updates/s offered ({o['offered_share_of_capacity']}"
            f" of concurrency-{result['concurrency']} capacity), {o['updates']} updates, "
            f"{o['achieved_per_s']}/s achieved, CPU {o['cpu_ms_per_update']} ms/update, "
            f"p50 {o['p50_ms']} ms, p99 {o['p99_ms']} ms, latest start {o['max_start_lag_ms']} ms; "
            f"{o['gc']['full_collections']} full GC, longest GC pause {o['gc']['longest_ms']} ms"
        )
    if result.get("unattributed_round_trips"):
        print(f"WARNING: {result['unattributed_round_trips']} round trips outside any update")
