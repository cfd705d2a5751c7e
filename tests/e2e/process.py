"""Running `python -m bot ...` as a child process with bounded waits, and the environment for it.

The child gets an environment built here: the caller's, minus every learnbot variable (so a
developer's BOT_TOKEN, DATABASE_URL or REDIS_URL never leaks in), plus what the test sets. Its
working directory is a temporary one, so no `.env` is read.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TypeVar

T = TypeVar("T")

# Everything DESIGN.md's "Public interface" reads from the environment.
LEARNBOT_VARIABLES = (
    "BOT_TOKEN",
    "BOT_API_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "ADMIN_IDS",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "WEBHOOK_HOST",
    "WEBHOOK_PORT",
    "HEALTH_PORT",
    "DEFAULT_TIMEZONE",
    "LEADERBOARD_REFRESH_SECONDS",
    "BROADCAST_RATE",
    "BROADCAST_LEASE_SECONDS",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "SHUTDOWN_GRACE_SECONDS",
    "DATABASE_POOL_SIZE",
)
# How long a bot process may take to come up (import aiogram, migrate, register its webhook or
# poll for the first time) on a loaded 2-core machine, with other bots starting beside it.
START_WITHIN = 60.0
PROCESS_TIMEOUT = 60.0  # the most any child may take; a hung child fails the test, not the run
EXIT_TIMEOUT = 10.0  # from SIGINT to exit


def child_env(**values: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key.upper() not in LEARNBOT_VARIABLES and not key.startswith("PYTEST_")
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(values)
    return env


def free_port() -> int:
    """A port nothing listens on now: for a child's webhook server, or an API that is down."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def learnbot(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


def run_command(
    command: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path,
    stdin: str = "",
    timeout: float = PROCESS_TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    """Run to completion with `stdin` piped in; killed (and failed) if it outlives `timeout`."""
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        try:
            out, err = proc.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(
                f"{' '.join(command[1:])} did not finish within {timeout}s\n"
                f"stdout:\n{out}\nstderr:\n{err}"
            ) from None
        return subprocess.CompletedProcess(command, proc.returncode, out, err)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)


def _interruptible() -> None:
    # A shell starting the tests in the background ignores SIGINT, and a child inherits that:
    # Python would then never raise KeyboardInterrupt. The bot is Ctrl-C'd from a terminal.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class BotProcess:
    """A long-running `python -m bot ...`; its output goes to files under `log_dir`.

    Use it as a context manager: leaving the block kills a child that is still running.
    """

    def __init__(
        self, args: Sequence[str], *, env: dict[str, str], cwd: Path, keep_stdin: bool = False
    ) -> None:
        self.stdout_path = cwd / "bot.stdout.log"
        self.stderr_path = cwd / "bot.stderr.log"
        self._files: list[IO[bytes]] = []
        out = self._open(self.stdout_path)
        err = self._open(self.stderr_path)
        # keep_stdin: an open pipe nobody writes to, like a terminal waiting for its user.
        stdin = subprocess.PIPE if keep_stdin else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            learnbot(*args),
            env=env,
            cwd=cwd,
            stdin=stdin,
            stdout=out,
            stderr=err,
            preexec_fn=_interruptible,
        )
        if self.proc.stdin is not None:
            self._files.append(self.proc.stdin)

    def _open(self, path: Path) -> IO[bytes]:
        file = path.open("wb")
        self._files.append(file)
        return file

    def __enter__(self) -> BotProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.kill()

    def kill(self) -> None:
        try:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=5)
        finally:
            for file in self._files:
                file.close()

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    def describe(self) -> str:
        state = "running" if self.proc.poll() is None else f"exited with {self.proc.returncode}"
        return f"the bot process is {state}; its stderr:\n{self.stderr}"

    async def wait(self, within: float = EXIT_TIMEOUT) -> int:
        """The exit code; fails if the child is still running after `within` seconds."""
        deadline = time.monotonic() + within
        while (code := self.proc.poll()) is None:
            if time.monotonic() >= deadline:
                raise AssertionError(f"did not exit within {within}s; {self.describe()}")
            await asyncio.sleep(0.02)
        return code

    async def wait_for_output(self, text: str, within: float = 30.0) -> str:
        """Standard output once it contains `text`; fails after `within` seconds."""
        deadline = time.monotonic() + within
        while text not in (out := self.stdout):
            if self.proc.poll() is not None or time.monotonic() >= deadline:
                raise AssertionError(f"no {text!r} in the output:\n{out}\n{self.describe()}")
            await asyncio.sleep(0.02)
        return out

    async def interrupt(self, within: float = EXIT_TIMEOUT) -> int:
        """Ctrl-C: SIGINT, then the exit code (bounded by `within` seconds)."""
        assert self.proc.poll() is None, self.describe()
        self.proc.send_signal(signal.SIGINT)
        return await self.wait(within)

    async def expect(self, awaitable: Awaitable[T]) -> T:
        """Await something the running bot should cause; fail early, with the bot's stderr, if
        the bot exits first or the wait times out."""
        waiting: asyncio.Future[T] = asyncio.ensure_future(awaitable)
        exited: asyncio.Future[None] = asyncio.ensure_future(self._exited())
        both: set[asyncio.Future[Any]] = {waiting, exited}
        try:
            await asyncio.wait(both, return_when=asyncio.FIRST_COMPLETED)
        finally:
            exited.cancel()
            if not waiting.done():
                waiting.cancel()
        if not waiting.done() or waiting.cancelled():
            raise AssertionError(f"the bot stopped early; {self.describe()}")
        try:
            return waiting.result()
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.describe()}") from None

    async def _exited(self) -> None:
        # Popen offers nothing to await: poll it.
        while self.proc.poll() is None:  # noqa: ASYNC110
            await asyncio.sleep(0.02)


def assert_clean_exit(code: int, stderr: str) -> None:
    assert code == 0, f"exit code {code}; stderr:\n{stderr}"
    assert "Traceback" not in stderr, stderr
    assert "Unclosed" not in stderr, stderr  # aiohttp's word for a session left open
