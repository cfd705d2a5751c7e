"""`make help` lists every target of the Makefile, each with its line, and the README's
command table names every target a newcomer runs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# A rule's target at the start of a line; not a variable (`X := ...`), not a file rule of
# variables (`$(POETRY):`), not a special target (`.PHONY:`).
TARGET = re.compile(r"^([A-Za-z0-9_-]+):(?!=)", re.MULTILINE)


def makefile_targets() -> set[str]:
    return set(TARGET.findall((ROOT / "Makefile").read_text()))


def test_make_help_lists_every_target_with_a_line() -> None:
    if shutil.which("make") is None:
        pytest.fail("make is not installed")
    targets = makefile_targets()
    assert {"help", "run", "test", "chat", "install", "i18n", "lint"} <= targets

    result = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    listed: dict[str, str] = {}
    for line in result.stdout.splitlines():
        name, _, description = line.strip().partition(" ")
        listed[name] = description.strip()
    assert set(listed) == targets
    assert all(listed.values()), listed


def test_the_readme_names_every_target_but_the_maintainers_own() -> None:
    readme = (ROOT / "README.md").read_text()
    # As a command: at the start of a line of a code block, or in backticks.
    named = set(re.findall(r"(?:^|`)make ([a-z0-9-]+)", readme, re.MULTILINE))
    assert makefile_targets() - named <= {"clean", "install", "bench-rss"}, "add it to README"
    assert named <= makefile_targets(), "the README names a target the Makefile lacks"
