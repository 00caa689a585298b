"""The Typer app and its root callback: the --help panels, --version, --no-cache, -v and the run's Environment."""

import sys
from typing import Annotated

import click
import typer

from tungsten_cli import SCHEMA_VERSION, __version__, environment
from tungsten_cli.boundary import Boundary
from tungsten_cli.environment import Environment

# `tungsten --help` groups the commands by purpose (boundary.Boundary.format_commands).
BROWSE, COMPARE, CHECK, AUTHOR, SHARE = "Browse", "Compare", "Check", "Author", "Share"

app = typer.Typer(
    cls=Boundary,
    help="Browse curated, cited facts about the tungsten supply chain.\n\nExample: tungsten deposits --country KZ",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    suggest_commands=False,  # Click already suggests close names; Typer would repeat them
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"tungsten {__version__} (schema {SCHEMA_VERSION})\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print version and schema version. Example: tungsten --version"
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Validate the packs afresh, neither reading nor writing the cache (also TUNGSTEN_NO_CACHE=1). Example: tungsten --no-cache deals",
        ),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Report why the cache could not be read or written. Example: tungsten -v deals")
    ] = False,
) -> None:
    """Browse curated, cited facts about the tungsten supply chain. Example: tungsten deposits --country KZ"""
    click.get_current_context().obj = environment.read(no_cache=no_cache, report=_cache_note if verbose else None)


def _cache_note(message: str) -> None:
    sys.stderr.write(f"tungsten: cache: {message}\n")


def current_env() -> Environment:
    """The Environment the root callback built for this run."""
    env: Environment = click.get_current_context().find_root().obj
    return env
