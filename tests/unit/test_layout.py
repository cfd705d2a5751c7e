"""The house rules of bot/ and db/, read from the source with ast (nothing is imported):

- no import circle between their modules;
- no module imports one on a higher floor (below);
- services and db never import aiogram;
- no module is over 300 lines.

Every import counts, at the top of a module or inside a function: a function's import runs
too, only later, and a circle through it is one a refactoring can turn into an import error.
Imports under `if TYPE_CHECKING:` are left out, since they never run; they may point anywhere.
Importing `a.b.c` runs `a/__init__.py` and `a/b/__init__.py` first, so an import of a module
is also an import of the packages above it (other than the importer's own, already running).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 300

# Top to bottom. A module may import one on its own floor or below, never above. Within a
# floor, packages may use each other as long as no circle forms.
FLOORS: tuple[tuple[str, ...], ...] = (
    # the command line: `learnbot ...` and its processes (run, scheduler, the local chat)
    ("bot.__main__", "bot.cli"),
    # the one builder of database, bot, dispatcher and workers
    ("bot.app",),
    # one router per feature, and the states and filters they share
    ("bot.handlers",),
    # around the handlers: what wraps each update, the jobs, the broadcast sender, and the
    # transport (polling, webhook, Redis, the Bot API as a dependency)
    ("bot.middlewares", "bot.scheduler", "bot.broadcasts", "bot.serving"),
    # results -> Telegram text and keyboards
    ("bot.views",),
    # the words and the button data views are made of: texts (looked up through i18n's
    # catalogues) and callback data. Both sit above services, which speak no language and
    # know no buttons; callback data may name a service's constants (the zones, a session's size).
    ("bot.callbacks", "bot.texts", "bot.i18n"),
    # business rules; the database holder with its caches sits beside them
    ("bot.services", "bot.database"),
    # settings and logging: read by every floor above, importing nothing of ours but db
    ("bot.config", "bot.logs"),
    # models, repositories, engine, clock
    ("db",),
)

NO_AIOGRAM = ("bot.services", "db")


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int


def modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for top in ("bot", "db"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            found[".".join(parts)] = Module(".".join(parts), path, is_package)
    return found


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            # Its `else:` runs.
            for child in node.orelse:
                yield from _imports_in(child)
            continue
        yield from _imports_in(node)


def _imports_in(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    else:
        yield from _imports(node)


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def edges(found: dict[str, Module]) -> list[Edge]:
    def known(name: str) -> str | None:
        while name and name not in found:
            name = name.rpartition(".")[0]
        return name or None

    result: set[Edge] = set()
    for module in found.values():
        own = {*_ancestors(module.name), module.name}
        for node in _imports(ast.parse(module.path.read_text(), str(module.path))):
            targets: list[str | None] = []
            if isinstance(node, ast.Import):
                targets = [known(alias.name) for alias in node.names]
            else:
                if node.level:
                    package = module.package.split(".")
                    base = package[: len(package) - node.level + 1]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                for alias in node.names:
                    # `from pkg import sub` imports the submodule; `from mod import name`, mod.
                    whole = known(f"{source}.{alias.name}")
                    targets.append(whole if whole != module.name else known(source))
            for target in targets:
                if target is None or target == module.name:
                    continue
                result.add(Edge(module.name, target, node.lineno))
                for name in _ancestors(target):
                    if name in found and name not in own:
                        result.add(Edge(module.name, name, node.lineno))
    return sorted(result, key=lambda e: (e.source, e.line, e.target))


def floor_of(name: str) -> int:
    if name == "bot":
        # bot/__init__.py is empty and must stay so: every module of bot/ runs it first.
        return len(FLOORS) - 1
    for level, members in enumerate(FLOORS):
        if any(name == member or name.startswith(member + ".") for member in members):
            return level
    raise AssertionError(f"{name} is on no floor: add it to FLOORS in {__file__}")


def cycles(found: dict[str, Module], all_edges: list[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {name: set() for name in found}
    for edge in all_edges:
        graph[edge.source].add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


FOUND = modules()
EDGES = edges(FOUND)


def test_the_reader_sees_the_imports_it_should() -> None:
    # The checks below are only as good as this reader: a few edges the code is known to have.
    pairs = {(e.source, e.target) for e in EDGES}
    assert ("bot.app", "bot.database") in pairs  # from bot.database import ...
    assert ("bot.texts.review", "bot.texts") in pairs  # from bot.texts import ...
    assert ("db.models", "db.models.course") in pairs  # a package's own submodule
    assert ("db.repositories.review", "db.models") in pairs  # the package above a submodule
    # Inside a function (bot/i18n.py reads the languages when asked), not under TYPE_CHECKING
    # (bot/scheduler/worker.py names Database for its annotations only).
    assert ("bot.i18n", "bot.services.learners") in pairs
    assert ("bot.scheduler.worker", "bot.database") not in pairs


def test_a_circle_is_found() -> None:
    names = ("bot.a", "bot.b", "bot.c")
    found = {n: Module(n, ROOT / f"{n}.py", is_package=False) for n in names}
    circle = [Edge("bot.a", "bot.b", 1), Edge("bot.b", "bot.c", 1), Edge("bot.c", "bot.a", 9)]
    assert cycles(found, circle) == [list(names)]
    assert cycles(found, circle[:2]) == []


def test_every_module_is_on_a_floor() -> None:
    for name in FOUND:
        floor_of(name)
    assert not (ROOT / "bot" / "__init__.py").read_text().strip()


def shortest_circle(component: list[str], all_edges: list[Edge]) -> list[Edge]:
    """One shortest circle through the component's first module, edge by edge."""
    inside = set(component)
    start = component[0]
    came: dict[str, Edge] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for edge in all_edges:
                if edge.source != node or edge.target not in inside:
                    continue
                if edge.target == start:
                    path = [edge]
                    while path[0].source != start:
                        path.insert(0, came[path[0].source])
                    return path
                if edge.target not in came:
                    came[edge.target] = edge
                    following.append(edge.target)
        frontier = following
    raise AssertionError(f"no circle through {start}")


def test_no_import_circle() -> None:
    found = cycles(FOUND, EDGES)
    circles = [
        " -> ".join(f"{e.source} (line {e.line})" for e in shortest_circle(c, EDGES))
        + f" -> {c[0]}"
        for c in found
    ]
    assert not found, "import circles:\n" + "\n".join(circles)


def test_no_floor_imports_a_higher_one() -> None:
    upward = [
        f"{e.source} (line {e.line}) imports {e.target}"
        for e in EDGES
        if floor_of(e.target) < floor_of(e.source)
    ]
    assert not upward, "lower floors importing higher ones:\n" + "\n".join(sorted(upward))


def test_services_and_db_never_import_aiogram() -> None:
    offenders = []
    for module in FOUND.values():
        if not module.name.startswith(NO_AIOGRAM):
            continue
        tree = ast.parse(module.path.read_text())
        # Under TYPE_CHECKING too: a service that names an aiogram type works with aiogram.
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n == "aiogram" or n.startswith("aiogram.") for n in names):
                offenders.append(f"{module.name} (line {node.lineno})")  # type: ignore[attr-defined]
    assert not offenders, "aiogram imported by " + ", ".join(offenders)


def test_no_module_over_300_lines() -> None:
    long = {
        m.name: n for m in FOUND.values() if (n := len(m.path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"over {MAX_LINES} lines: {long}"
