"""Course files an admin could send to break the bot, as the issue met them: each must get a
clear answer by path, and none may take the process down."""

from __future__ import annotations

DEPTH = 50_000


def deep_flow() -> str:
    """A 100 KB file nested 50,000 brackets deep (libyaml's composer overflowed its stack)."""
    return "module: {slug: m, title: M}\nlessons: " + "[" * DEPTH + "]" * DEPTH + "\n"


def deep_block() -> str:
    """Block sequences 50,000 deep on one line: `- - - ... x`."""
    return "module: {slug: m, title: M}\nlessons:\n" + "- " * DEPTH + "x\n"


def deep_indentation(levels: int = 1_000) -> str:
    """Mappings nested by indentation alone, as deep as 1 MB allows (one space a level)."""
    lines = [" " * (level + 1) + f"k{level}:" for level in range(levels)]
    return "module: {slug: m, title: M}\nlessons:\n" + "\n".join(lines) + " x\n"


def billion_laughs() -> str:
    lines = ['lol0: &lol0 "lol"']
    for level in range(1, 10):
        refs = ", ".join([f"*lol{level - 1}"] * 10)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    return "\n".join(lines) + "\nmodule: {slug: m, title: M}\nlessons: *lol9\n"


def huge_integer(digits: int = 100_000) -> str:
    return (
        "module: {slug: m, title: M}\n"
        "lessons:\n"
        f"  - {{slug: l, title: L, content: c, xp: {'9' * digits}}}\n"
    )


def many_values(count: int = 400_000) -> str:
    """Under 1 MB, but more values than a course file holds."""
    return "module: {slug: m, title: M}\nlessons: [" + ",".join(["1"] * count) + "]\n"


def big_course(modules: int = 5_000) -> str:
    """A valid file of about 1 MB: `modules` small modules of one lesson and one question."""
    return "---\n".join(
        f"module: {{slug: m{n}, title: Module {n}}}\n"
        f"lessons:\n- slug: l{n}\n  title: Lesson {n}\n  content: A short lesson.\n"
        "  exercises:\n  - {type: multiple_choice, prompt: Pick b, options: [a, b], answer: b}\n"
        for n in range(modules)
    )


# Each hostile file and the beginning of the one problem it must be refused with.
HOSTILE = {
    "deep flow": (deep_flow, "lessons[0][0][0]"),
    "deep block": (deep_block, "lessons[0][0][0]"),
    "deep indentation": (deep_indentation, "lessons.k0.k1.k2"),
    "billion laughs": (billion_laughs, "lol0: line 1, column 7: anchors and aliases"),
    "huge integer": (huge_integer, "lessons[0].xp: a number 100,000 characters long"),
    "many values": (many_values, "line 2, column "),
}
