"""Where errors become exits: every exception a command raises leaves as one line on stderr and an
exit code (2 for usage errors, 130 for Ctrl-C, 1 for data and I/O errors); an unexpected one, a bug,
as one line and a request to report it, never a traceback. Also the app trimmed to what one start
needs. The process itself (signals, closed streams, os._exit) is entry.py's."""

import copy  # Typer imports it anyway
import sys
from typing import Any, NoReturn

import click
import typer
from typer.core import TyperGroup
from typer.models import CommandInfo

from tungsten_cli import environment
from tungsten_cli.errors import ExitCode, FactsError, Terminated, TungstenError
from tungsten_cli.render.text import message_lines


def _fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(message_lines([message], "tungsten: error: "))
    sys.exit(code)


# Click 8.2+ raises this for a bare `tungsten`; older Clicks printed the help themselves.
_NO_ARGS: type[click.UsageError] | tuple[()] = getattr(click.exceptions, "NoArgsIsHelpError", ())


class Boundary(TyperGroup):
    """The app's group: runs every command in non-standalone mode so all errors leave as one plain line
    on stderr with their exit code; the console script and tests' CliRunner both run through it."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        kwargs.setdefault("prog_name", "tungsten")
        try:
            code = super().main(*args, **kwargs)
            sys.stdout.flush()  # a full disk or closed stdout fails here, inside the boundary
        except _NO_ARGS as err:
            sys.stdout.write(err.format_message() + "\n")
            code = ExitCode.OK
        except click.UsageError as err:
            _fail(err.format_message(), ExitCode.USAGE)
        except click.ClickException as err:
            _fail(err.format_message(), err.exit_code)
        except (click.Abort, KeyboardInterrupt) as err:
            _stopped(err)
        except FactsError as err:
            sys.stderr.write(message_lines(err.problems))
            _fail(f"{len(err.problems)} problem(s) in the fact packs", err.exit_code)
        except TungstenError as err:
            _fail(str(err), err.exit_code)
        except OSError as err:
            _fail(f"{err.filename or 'standard output'}: {err.strerror or err}", ExitCode.DATA)
        except UnicodeEncodeError as err:
            # Files are written as UTF-8, so only a stdout in another encoding gets here. Replacing
            # the character would pass '?' off as data: say what could not be written, and how to fix it.
            shown = err.object[err.start : err.end] if isinstance(err.object, str) else "?"
            _fail(
                f"standard output: cannot write {shown!r} in the {err.encoding} encoding; use a UTF-8 locale or set PYTHONIOENCODING=utf-8",
                ExitCode.DATA,
            )
        except Exception as err:  # a bug: one line and where to report it, not a traceback
            _fail(f"internal error: {type(err).__name__}: {err}; {_REPORT_HINT}", ExitCode.DATA)
        sys.exit(code if isinstance(code, int) else ExitCode.OK)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        """The command, its option values checked first (`options.check_values`), in every command."""
        from tungsten_cli.options import check_values

        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and not ctx.resilient_parsing:  # not while completing a word
            check_values(command, ctx, rest)
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        """Typer turns a Ctrl-C in a command into a silent exit 130: say it in one line instead."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as err:
            _stopped(err)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list grouped by purpose, as gh groups its own: one section per command's
        `rich_help_panel`, in Click's plain layout (rich is not imported for --help: it costs more than
        a whole query)."""
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        shown = [(name, command) for name, command in commands if command is not None and not command.hidden]
        if not shown:
            return
        longest = max(len(name) for name, _ in shown)
        panels: dict[str, list[tuple[str, str]]] = {}
        for name, command in shown:  # names padded alike, so every section's help starts in one column
            panel = getattr(command, "rich_help_panel", None) or "Other"
            panels.setdefault(panel, []).append((name.ljust(longest), command.get_short_help_str(formatter.width - 6 - longest)))
        for panel, rows in panels.items():
            with formatter.section(f"{panel} commands"):
                formatter.write_dl(rows)


def _stopped(err: BaseException) -> NoReturn:
    """Ctrl-C (130), or SIGTERM/SIGHUP raised as `Terminated` (143), wherever Click or Typer rewrapped it."""
    if isinstance(err, Terminated) or isinstance(err.__cause__, Terminated):
        _fail("terminated", ExitCode.TERMINATED)
    _fail("interrupted", ExitCode.INTERRUPTED)


_REPORT_HINT = "this is a bug in tungsten: please report it with the command line that caused it (tungsten --version says which version)"


def _name_of(info: CommandInfo) -> str:
    return info.name or (info.callback.__name__ if info.callback else "")


def _listed_only(info: CommandInfo) -> CommandInfo:
    """A parameterless stand-in that carries a command's name and help into the top-level listing."""

    def listed() -> None:
        """Stand-in for the help listing; never invoked."""

    listed.__doc__ = info.callback.__doc__ if info.callback else None
    return CommandInfo(name=_name_of(info), callback=listed, help=info.help, rich_help_panel=info.rich_help_panel)


def trimmed(app: typer.Typer, argv: list[str]) -> typer.Typer:
    """`app` with only what this start needs: Typer builds every command's options at start-up.

    A command word keeps just that command; without one (top-level help, completing a command
    name), parameterless stand-ins keep the listing. An unknown word keeps everything, so Click can
    suggest close names.
    """
    completing = environment.completion_words()
    if completing is not None:
        argv = completing
    name = next((word for word in argv if not word.startswith("-")), None)
    if name is not None and any(word in ("-h", "--help") for word in argv[: argv.index(name)]):
        name = None  # `tungsten --help deposits`: Click shows the top-level help, so keep the whole listing
    trimmed = copy.copy(app)
    if name is None:
        trimmed.registered_commands = [_listed_only(c) for c in app.registered_commands]
    else:
        trimmed.registered_commands = [c for c in app.registered_commands if _name_of(c) == name] or app.registered_commands
    return trimmed
