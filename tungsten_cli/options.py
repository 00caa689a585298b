"""The options commands share (their Typer declarations, help and completion), and the checks that
turn their values into an `Output`, codes and dates; a usage error is a click error, said by cli's boundary.
`check_values` refuses, in every command, an empty value, a number that is not finite and a
single-value option given twice."""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import click
import typer

from tungsten_cli import dates
from tungsten_cli.errors import TungstenError
from tungsten_cli.listing import Output, field_names
from tungsten_cli.load import load_facts
from tungsten_cli.query import Query
from tungsten_cli.render import Format
from tungsten_cli.vocabulary import VOCAB


def complete_fields(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        names = field_names(load_facts(), ctx.info_name or "")
    except TungstenError:
        return []
    head, _, last = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    return [prefix + name for name in names if name.startswith(last)]


FactsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--facts",
        help="Fact pack file or folder; repeatable; 'builtin' adds the shipped set. Example: --facts builtin --facts my.yaml",
        show_default=False,
    ),
]
FormatOpt = Annotated[Format | None, typer.Option("--format", "-f", help="Output format. Example: --format csv", show_default="table")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shorthand for --format json. Example: --json | jq '.[].id'")]
FieldsOpt = Annotated[
    str | None,
    typer.Option(help="Comma-separated fields to show, in order. Example: --fields id,name,reserves_wo3_t", autocompletion=complete_fields),
]
SortOpt = Annotated[str | None, typer.Option(help="Sort by a field; prefix '-' for descending. Example: --sort -reserves_wo3_t")]
LimitOpt = Annotated[int | None, typer.Option(min=0, help="Show at most N records. Example: --limit 5")]
NoteOpt = Annotated[
    str | None,
    typer.Option(
        "--note",
        metavar="KIND",
        help="Only records carrying a curator note of this kind (contradicted, translation, resolved-date, ...). Example: --note contradicted",
        autocompletion=lambda: VOCAB["note_kind"],
    ),
]
ChartOpt = Annotated[
    bool,
    typer.Option("--chart", help="Draw horizontal bars of the rows' one comparable number instead of a table. Example: --chart"),
]
CiteOpt = Annotated[bool, typer.Option("--cite", help="Print each record's source quote beneath it. Example: --cite")]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Only records citing this source id. Example: --source usgs-mcs-2025")]
CountryOpt = Annotated[
    str | None, typer.Option("--country", "-c", help="ISO 3166-1 code or English name, or world/other (aggregates). Example: --country KZ")
]
SourceDirOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--source-dir",
        help="Folder of source texts; repeatable, each source read from the first folder whose copy matches its SHA-256 "
        "(default: $TUNGSTEN_SOURCE_DIR). Example: --source-dir ../shared/sources --source-dir my-pack/sources",
        show_default=False,
    ),
]
LatestOpt = Annotated[
    bool,
    typer.Option("--latest", help="Of the USGS editions, keep only the newest one stating each quantity. Example: --latest"),
]
ExcludeOpt = Annotated[
    str | None,
    typer.Option(
        "--exclude",
        help="Comma-separated countries or aggregates (world, other) to leave out of the ranking. Example: --exclude world,other",
    ),
]
BasisOpt = Annotated[
    str | None,
    typer.Option("--basis", help="Restate WO3 tonnages as W content (x0.793), marked derived. Example: --basis W"),
]
MeasureOpt = Annotated[
    str | None, typer.Option(help="A measure such as mine-production or tungsten-reserves. Example: --measure tungsten-reserves")
]
YearOpt = Annotated[
    int | None, typer.Option("--year", "-y", min=1000, max=9999, help="Records dated in (or spanning) this year. Example: --year 2025")
]


def output_of(options: dict[str, Any]) -> Output:
    fmt, as_json, fields = options.get("fmt"), options.get("as_json"), options.get("fields")
    if as_json and fmt not in (None, Format.json):
        raise click.UsageError(f"--json conflicts with --format {fmt.value}")
    chosen = Format.json if as_json else fmt or Format.table
    if options.get("chart") and chosen is not Format.table:
        raise click.UsageError(f"--chart draws bars for people; it cannot be combined with --format {chosen.value}")
    names = [f.strip() for f in fields.split(",") if f.strip()] if fields is not None else None
    if names == []:
        raise click.BadParameter(f"'{fields}' names no field (example: --fields id,name)", param_hint="--fields")
    sort = options.get("sort")
    if sort is not None and not sort.lstrip("-"):
        raise click.BadParameter(f"'{sort}' names no field (example: --sort -reserves_wo3_t)", param_hint="--sort")
    return Output(chosen, names, sort, options.get("limit"), bool(options.get("cite")), bool(options.get("chart")), options.get("note"))


_SHARED = (
    ("facts", FactsOpt),
    ("fmt", FormatOpt),
    ("as_json", JsonOpt),
    ("fields", FieldsOpt),
    ("sort", SortOpt),
    ("limit", LimitOpt),
    ("cite", CiteOpt),
    ("chart", ChartOpt),
    ("note", NoteOpt),
)


def listing_command(
    run: Callable[[Query, list[str] | None, Output], None], *, cite: bool = True, chart: bool = True
) -> Callable[[Callable[..., Query]], Callable[..., None]]:
    """Give a listing command the shared options (--facts, --format/--json, --fields, --sort, --limit,
    --note, --cite where rows carry quotes, --chart where they carry numbers): the decorated function
    turns the command's own filters into a Query, and `run` lists it with the `--facts` paths and one `Output`.

    Typer reads a command's options from its signature, so the decorated function gets a new one:
    the command's own filters followed by the shared options.
    """
    shared = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=False if hint in (JsonOpt, CiteOpt, ChartOpt) else None, annotation=hint
        )
        for name, hint in _SHARED
        if (cite or name != "cite") and (chart or name != "chart")
    ]

    def decorate(func: Callable[..., Query]) -> Callable[..., None]:
        own = list(inspect.signature(func).parameters.values())

        @functools.wraps(func)
        def command(**options: Any) -> None:
            chosen = {p.name: options.pop(p.name) for p in shared}
            output = output_of(chosen)
            run(func(**options), chosen["facts"], output)

        parameters = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + shared
        command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in parameters}
        return command

    return decorate


def given_filters() -> str:
    """The filters given on the command line, as typed options: `--country FR --year 2024`."""
    import shlex

    context = click.get_current_context()
    shared = {name for name, _ in _SHARED} - {"note"}  # --note filters; the others shape the output
    given = []
    for param in context.command.params:
        value = context.params.get(param.name or "")
        if param.name in shared or value in (None, False) or value == param.default:
            continue
        flag = f"{param.opts[0]} " if isinstance(param, click.Option) else ""
        given.append(flag.rstrip() if value is True else flag + shlex.quote(str(value)))
    return " ".join(given)


def codes(value: str | None) -> tuple[str, ...]:
    """`--exclude world,other` as its codes; a list naming none is a usage error, not "exclude nothing"."""
    if value is None:
        return ()
    codes = tuple(code.strip() for code in value.split(",") if code.strip())
    if not codes:
        raise click.BadParameter(f"'{value}' names no code (example: --exclude world,other)", param_hint="--exclude")
    return codes


def date_option(name: str, value: str | None) -> str | None:
    try:
        return None if value is None else dates.check(value, interval=False)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint=name) from None


def check_values(command: click.Command, parent: click.Context, args: Sequence[str]) -> None:
    """Raise a click.BadParameter (exit 2) for the first bad value in `args`, a command's arguments.

    Each would otherwise be read as something the user did not mean: `--country ""` (often an unset
    shell variable) as no filter, `--min-change nan` as a bound no change meets, `-c KZ -c CN` as
    CN alone. The arguments are parsed once more here, raw and without callbacks; anything Click
    itself refuses is left for its own parse to report.
    """
    ctx = click.Context(command, parent=parent, info_name=command.name, resilient_parsing=True)
    values, _, order = command.make_parser(ctx).parse_args(list(args))
    seen: set[str | None] = set()
    for param in order:
        if isinstance(param, click.Option) and not (param.multiple or param.is_flag or param.count):
            if param.name in seen:
                raise click.BadParameter("given more than once; it takes one value", param_hint=_hint(param))
            seen.add(param.name)
    for param in command.params:
        raw = values.get(param.name)
        for value in raw if isinstance(raw, (list, tuple)) else (raw,):
            if value == "":
                raise click.BadParameter("is empty", param_hint=_hint(param))
            if isinstance(param.type, click.types.FloatParamType) and isinstance(value, str) and not _finite(value):
                raise click.BadParameter(f"'{value}' is not a finite number", param_hint=_hint(param))


def _finite(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return True  # not a number at all: Click's own conversion says so


def _hint(param: click.Parameter) -> str:
    if isinstance(param, click.Option):
        return param.opts[0]
    return (param.metavar or param.name or "").upper()  # an argument, as its help names it: ID, TEXT
