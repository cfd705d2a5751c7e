"""The `learnbot` command line: parses arguments, loads settings, hands over to one runner."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from bot.config import ConfigError, Settings, load_settings
from bot.i18n import CataloguesMissing
from bot.logs import Redactor, configure_logging

log = logging.getLogger("learnbot")

EXIT_CONFIG = 2

NO_TOKEN = (
    "learnbot: BOT_TOKEN is not set. `learnbot run` serves Telegram and needs the token "
    "@BotFather gave you (in the environment or in .env). To try the bot without one, run "
    "`learnbot chat`."
)
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="learnbot", description="A Telegram learning bot: lessons, exercises and progress."
    )
    parser.add_argument("--version", action="version", version=f"learnbot {installed_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="serve Telegram (polling, or a webhook when WEBHOOK_URL is set)",
        description=(
            "Serve Telegram, with the broadcast sender and the scheduler in the same process. "
            "Needs BOT_TOKEN."
        ),
    )
    run.add_argument(
        "--no-scheduler",
        action="store_true",
        help="leave the scheduled jobs to another process (`learnbot scheduler`)",
    )

    commands.add_parser(
        "scheduler",
        help="run only the scheduled jobs and the broadcast sender (no Telegram updates)",
        description=(
            "Run the scheduler (leaderboard rebuild and the other scheduled jobs) and the "
            "broadcast sender until SIGINT or SIGTERM, without serving Telegram updates: for "
            "deployments whose bot instances run `learnbot run --no-scheduler`. Several may run: "
            "each job run takes a database lock and claims its period in job_runs, so it runs "
            "once. Needs BOT_TOKEN when a worker talks to Telegram (the broadcast sender does)."
        ),
    )

    from bot.scheduler.jobs import job_names

    jobs = commands.add_parser("jobs", help="run a scheduled job by hand")
    jobs_commands = jobs.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    run_job = jobs_commands.add_parser(
        "run",
        help="run one job once and print what it did",
        description=(
            "Run one job now, once, and print its rows and seconds. It takes the job's lock "
            "like a scheduled run (it is skipped while another process runs the job) and is "
            "recorded in job_runs without a period."
        ),
    )
    run_job.add_argument("job", choices=job_names())

    chat = commands.add_parser(
        "chat",
        help="talk to the bot in this terminal (no token needed)",
        description=(
            "A local chat with the real dispatcher: the bot's messages are printed with their "
            "buttons numbered; type a number to press a button, anything else is sent as text "
            '(quote a number to send it as text: "1). A line ending in \\ goes on to the next, '
            'and lines between two lines of """ are one message. The broadcast sender and the '
            "scheduled jobs run while the chat is open. "
            "Reads piped standard input too. On an empty database the sample course is loaded."
        ),
    )
    chat.add_argument(
        "--user-id", type=int, default=1000, help="your Telegram user id (default 1000)"
    )
    chat.add_argument(
        "--name",
        default=None,
        help="your first name (default Alex, or Саша for a client that reads Russian)",
    )
    chat.add_argument("--admin", action="store_true", help="chat as an admin")
    chat.add_argument(
        "--language",
        metavar="CODE",
        default="en",
        help=(
            "the language_code your Telegram client sends (default en): ru, uk, be and kk get "
            "the bot in Russian, anything else in English. A learner the database already "
            "knows keeps the language stored for them: pick a new --user-id to see another"
        ),
    )

    db = commands.add_parser("db", help="database migrations", description="Alembic wrappers.")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_commands.add_parser("upgrade", help="migrate up (to head by default)")
    upgrade.add_argument("revision", nargs="?", default="head")
    downgrade = db_commands.add_parser("downgrade", help="migrate down (one step by default)")
    downgrade.add_argument("revision", nargs="?", default="-1")
    db_commands.add_parser("current", help="show the database's revision")

    commands.add_parser(
        "seed",
        help="load the sample course (idempotent)",
        description="Migrate the database, then import and publish the sample course.",
    )

    content = commands.add_parser("content", help="import or export course files")
    content_commands = content.add_subparsers(
        dest="content_command", required=True, metavar="ACTION"
    )
    imp = content_commands.add_parser(
        "import",
        help="import a course file (YAML)",
        description="Validate the whole file first; nothing is written if any problem is found.",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--publish", action="store_true", help="publish what the file contains")
    exp = content_commands.add_parser("export", help="write modules as a course file")
    exp.add_argument("--module", metavar="SLUG", help="only this module")
    exp.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")

    stats = commands.add_parser(
        "stats",
        help="the course statistics of /stats, as tables",
        description=(
            "Learners, each lesson's funnel and results, the hardest lessons, the drop-off and "
            "module completions, as the admins' /stats shows them."
        ),
    )
    stats.add_argument(
        "--min-completions",
        type=_positive,
        metavar="N",
        help="rank a lesson among the hardest only once N learners completed it (default 3)",
    )
    return parser


def installed_version() -> str:
    """The version of the installed distribution (a checkout installs itself in editable mode)."""
    try:
        return metadata.version("learnbot")
    except metadata.PackageNotFoundError:
        return "(not installed: run `pip install .` or `make install`)"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None, *, exit_on_success: bool = True) -> None:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"learnbot: configuration error: {exc}", file=sys.stderr)
        sys.exit(EXIT_CONFIG)
    redact = configure_logging(
        settings.log_level, secrets_of(settings), json_lines=settings.log_format == "json"
    )
    try:
        code = dispatch(args, settings, redact)
    except KeyboardInterrupt:
        # Ctrl-C before a command installs its own handling (or in the local chat): no traceback.
        print("learnbot: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except CataloguesMissing as exc:
        print(f"learnbot: {exc}", file=sys.stderr)
        code = EXIT_CONFIG
    except DBAPIError as exc:
        # Reaching here means the database failed while a command was starting (migrating,
        # preparing the chat); the serving loops handle their own failures.
        where = settings.db_url.render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        print(redact(f"learnbot: database error at {where}: {reason}"), file=sys.stderr)
        code = 1
    except BrokenPipeError:
        # The reader of a printed table went away (`learnbot stats | head`): nothing is wrong,
        # and Python must not complain again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    if code or exit_on_success:
        sys.exit(code)


def secrets_of(settings: Settings) -> list[str | None]:
    """What must never reach a log or a message: the token, the webhook secret and the
    database password."""
    return [
        settings.bot_token.get_secret_value() if settings.bot_token else None,
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
        settings.db_url.password,
    ]


def dispatch(args: argparse.Namespace, settings: Settings, redact: Redactor) -> int:
    if args.command == "db":
        return _db(args, settings)
    if args.command == "seed":
        from bot.cli.content import seed

        return asyncio.run(seed(settings))
    if args.command == "content":
        from bot.cli.content import content_export, content_import

        if args.content_command == "import":
            return asyncio.run(content_import(settings, args.file, publish=args.publish))
        return asyncio.run(content_export(settings, args.module, args.output))
    if args.command == "stats":
        from bot.cli.stats import stats

        return asyncio.run(stats(settings, min_completions=args.min_completions))
    if args.command == "chat":
        from bot.cli.chat import run_chat

        return asyncio.run(
            run_chat(
                settings,
                user_id=args.user_id,
                name=args.name,
                admin=args.admin,
                language=args.language,
            )
        )
    if args.command == "jobs":
        from bot.scheduler.cli import run_job

        return asyncio.run(run_job(settings, args.job))
    if args.command == "scheduler":
        from bot.cli.scheduler import run_scheduler

        return run_scheduler(settings, redact)
    if args.command == "run":
        if settings.bot_token is None:
            print(NO_TOKEN, file=sys.stderr)
            return EXIT_CONFIG
        if (problem := settings.serving_problem()) is not None:
            print(f"learnbot: configuration error: {problem}", file=sys.stderr)
            return EXIT_CONFIG
        from bot.cli.run import run

        return run(settings, redact, scheduler=not args.no_scheduler)
    raise AssertionError(f"unhandled command {args.command}")


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from db import migrations

    url = settings.database_url
    if args.db_command == "upgrade":
        migrations.upgrade(url, args.revision)
        print(f"database at {migrations.current(url) or 'base'}")
    elif args.db_command == "downgrade":
        migrations.downgrade(url, args.revision)
        print(f"database at {migrations.current(url) or 'base'}")
    else:
        print(migrations.current(url) or "base (no migrations applied)")
    return 0
