"""What `make run` starts: the real bot when BOT_TOKEN is set, the local chat when it is not.

A newcomer without a token on the embedded SQLite database lands in `learnbot chat` and is told
why; with any other database a missing token is an error, as it is for `learnbot run`.
"""

from __future__ import annotations

import sys

from bot.cli.main import main as cli_main
from bot.config import ConfigError, load_settings


def main() -> None:
    try:
        settings = load_settings()
    except ConfigError:
        cli_main(["run"])  # reports the configuration error the usual way
        return
    if settings.bot_token is None and settings.uses_embedded_database:
        print(
            "No BOT_TOKEN is set, so instead of serving Telegram this opens the local chat "
            f"(`learnbot chat`) on {settings.database_url}.\n"
            "To serve Telegram, put BOT_TOKEN=<token from @BotFather> in .env and run this "
            "again.\n",
            file=sys.stderr,
        )
        cli_main(["chat"])
        return
    cli_main(["db", "upgrade"], exit_on_success=False)
    cli_main(["run"])


if __name__ == "__main__":
    main()
