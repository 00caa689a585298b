"""The bodies of the commands that are not declarative listings: each module owns one command's work
(rows, text, files written) and works without Typer; cli.py parses options and calls it."""
