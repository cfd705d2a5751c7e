"""The command-line entry points: `learnbot` and its subcommands, the local chat, `make run`."""
