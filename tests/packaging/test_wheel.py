"""The distribution as an operator gets it: built with the project's Poetry, installed by plain
pip into a new virtualenv outside the checkout, and run from an empty directory.

pip resolves the wheel's own dependency list against the package index (pinned to the versions
the project's virtualenv holds, so the run is reproducible): a dependency the wheel forgot to
declare fails here. Nothing of the checkout is on the new environment's path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from db import migrations
from tests.e2e.process import child_env

ROOT = Path(__file__).resolve().parents[2]
POETRY = ROOT / ".tools" / "bin" / "poetry"
PACKAGES = ("bot/", "db/")
# Building and installing (numpy and matplotlib among the dependencies) take a while on a
# loaded machine; these are the most any step may take, not what it is expected to take.
BUILD_TIMEOUT = 300.0
INSTALL_TIMEOUT = 900.0
COMMAND_TIMEOUT = 120.0


def run(
    command: list[str],
    *,
    cwd: Path,
    timeout: float,
    env: dict[str, str] | None = None,
    stdin: str = "",
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel and the sdist `poetry build` makes of the checkout."""
    if not POETRY.is_file():
        pytest.fail(f"{POETRY.relative_to(ROOT)} is missing: run `make install`")
    out = tmp_path_factory.mktemp("dist")
    run([str(POETRY), "build", "--output", str(out)], cwd=ROOT, timeout=BUILD_TIMEOUT)
    return out


def wheel_of(dist: Path) -> Path:
    (wheel,) = dist.glob("learnbot-*.whl")
    return wheel


def wheel_files(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return sorted(archive.namelist())


def test_the_wheel_holds_only_the_projects_packages_and_its_metadata(dist: Path) -> None:
    wheel = wheel_of(dist)
    files = wheel_files(wheel)
    dist_info = wheel.name.split("-py3")[0] + ".dist-info/"
    outside = [f for f in files if not f.startswith((*PACKAGES, dist_info))]
    assert outside == []
    # Every migration of the repository, whatever its name, travels inside the db package.
    migrations = {p.name for p in (ROOT / "alembic" / "versions").glob("*.py")}
    assert len(migrations) >= 7
    packaged = {Path(f).name for f in files if f.startswith("db/alembic/versions/")}
    assert packaged == migrations
    assert "db/alembic/env.py" in files
    assert {"bot/locales/en/LC_MESSAGES/messages.po", "bot/locales/ru/LC_MESSAGES/messages.po"} <= (
        set(files)
    )
    assert "bot/content/sample_course.yaml" in files


def test_the_sdist_builds_the_same_wheel(dist: Path, tmp_path: Path) -> None:
    (sdist,) = dist.glob("learnbot-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    (source,) = tmp_path.iterdir()
    assert (source / "alembic.ini").is_file(), "the sdist keeps the repository's layout"
    run(
        [str(POETRY), "build", "--format", "wheel", "--output", str(tmp_path / "out")],
        cwd=source,
        timeout=BUILD_TIMEOUT,
    )
    assert wheel_files(wheel_of(tmp_path / "out")) == wheel_files(wheel_of(dist))


def test_the_installed_wheel_migrates_seeds_and_speaks_russian_from_an_empty_directory(
    dist: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    # The project's interpreter makes the environment (its base Python, not its virtualenv)
    # and its pip installs into it; no pip of its own needs to be set up there.
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path, timeout=120)
    python = venv / "bin" / "python"
    constraints = tmp_path / "constraints.txt"
    frozen = run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"], cwd=tmp_path, timeout=120
    ).stdout
    constraints.write_text(
        "".join(line + "\n" for line in frozen.splitlines() if not line.startswith("learnbot"))
    )
    pip_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run(
        [
            sys.executable, "-m", "pip", "--python", str(python), "install",
            "--disable-pip-version-check", "--quiet", "--no-compile",
            "--constraint", str(constraints), str(wheel_of(dist)),
        ],
        cwd=tmp_path,
        env=pip_env,
        timeout=INSTALL_TIMEOUT,
    )  # fmt: skip

    workdir = tmp_path / "empty"
    workdir.mkdir()
    env = child_env()
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    learnbot = str(venv / "bin" / "learnbot")

    def command(*args: str, stdin: str = "") -> str:
        result = run([learnbot, *args], cwd=workdir, env=env, timeout=COMMAND_TIMEOUT, stdin=stdin)
        return result.stdout

    where = run(
        [str(python), "-c", "import bot, db; print(bot.__file__); print(db.__file__)"],
        cwd=workdir,
        env=env,
        timeout=COMMAND_TIMEOUT,
    ).stdout
    assert all(Path(line).is_relative_to(venv) for line in where.split()), where

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert command("--version") == f"learnbot {version}\n"
    assert "database at 0" in command("db", "upgrade")
    assert (workdir / "learnbot.db").is_file()
    command("seed")
    transcript = command("chat", "--language", "ru", "--user-id", "77", stdin="2\n")
    assert "👋 Привет, Саша!" in transcript
    assert "[7] ⚙️ Настройки" in transcript
    assert "sample course" not in transcript, "seed loaded it already"
    assert transcript.endswith("Bye!\n")
    # What the installed wheel migrated to is what the checkout calls head.
    assert command("db", "current").startswith(str(migrations.head_revision()))
