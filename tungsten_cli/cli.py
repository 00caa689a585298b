"""The Typer app: parse options, call the library, render; the only place that prints errors or exits."""

import errno
import functools
import inspect
import io
import os
import signal  # imported by Typer's completion module anyway (through subprocess): no C-module shortcut pays
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import click
import typer
from typer.core import TyperGroup
from typer.models import CommandInfo

from tungsten_cli import SCHEMA_VERSION, __version__, dates
from tungsten_cli.errors import ExitCode, FactsError, NotFoundError, TungstenError
from tungsten_cli.listing import Output, field_names, kinds_to_load, listing, other_note
from tungsten_cli.load import configure_cache, load_facts
from tungsten_cli.query import Query
from tungsten_cli.records import FactSet
from tungsten_cli.render import Format, clean, write
from tungsten_cli.render.console import use_rich
from tungsten_cli.views import VIEWS
from tungsten_cli.vocabulary import VOCAB


def _lines(items: Iterable[object], prefix: str = "") -> str:
    """One line per message, control characters escaped: problems and warnings quote pack values,
    and a pack must not be able to recolour or retitle the terminal through them."""
    return "".join(f"{prefix}{clean(str(item))}\n" for item in items)


def _fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(_lines([message], "tungsten: error: "))
    sys.exit(code)


# Click 8.2+ raises this for a bare `tungsten`; older Clicks printed the help themselves.
_NO_ARGS: type[click.UsageError] | tuple[()] = getattr(click.exceptions, "NoArgsIsHelpError", ())


class _Group(TyperGroup):
    """Runs every command in non-standalone mode so all errors leave as one plain line on stderr."""

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
        except (click.Abort, KeyboardInterrupt):
            _fail("interrupted", ExitCode.INTERRUPTED)
        except FactsError as err:
            sys.stderr.write(_lines(err.problems))
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
        sys.exit(code if isinstance(code, int) else ExitCode.OK)


class _ClosedOutput(io.TextIOBase):
    """Stands in for a stdout the shell closed (`>&-`), where Python leaves None: writing data then
    fails like any other write error instead of raising AttributeError."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "closed")


app = typer.Typer(
    cls=_Group,
    help="Browse curated, cited facts about the tungsten supply chain.\n\nExample: tungsten deposits --country KZ",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    suggest_commands=False,  # Click already suggests close names; Typer would repeat them
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _complete_fields(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        names = field_names(load_facts(), ctx.info_name or "")
    except TungstenError:
        return []
    head, _, last = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    return [prefix + name for name in names if name.startswith(last)]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"tungsten {__version__} (schema {SCHEMA_VERSION})\n")
        raise typer.Exit()


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
    typer.Option(
        help="Comma-separated fields to show, in order. Example: --fields id,name,reserves_wo3_t", autocompletion=_complete_fields
    ),
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
    configure_cache(enabled=not no_cache, report=_cache_note if verbose else None)


def _cache_note(message: str) -> None:
    sys.stderr.write(f"tungsten: cache: {message}\n")


def _output(options: dict[str, Any]) -> Output:
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


def _refuse_empty(options: dict[str, Any]) -> None:
    """An empty value (often an unset shell variable) would silently mean "no filter": refuse it."""
    for param in click.get_current_context().command.params:
        value = options.get(param.name or "")
        if value == "" or (isinstance(value, list) and "" in value):
            raise click.BadParameter("is empty", param_hint=param.opts[0] if param.opts else param.name)


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


def listing_command(*, cite: bool = True, chart: bool = True) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a listing command the shared options (--facts, --format/--json, --fields, --sort, --limit,
    --note, --cite where rows carry quotes, --chart where they carry numbers) and hand them to it as
    `facts_paths` and one `Output`.

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

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        own = [p for p in inspect.signature(func).parameters.values() if p.name not in ("facts_paths", "output")]

        @functools.wraps(func)
        def command(**options: Any) -> None:
            _refuse_empty(options)
            chosen = {p.name: options.pop(p.name) for p in shared}
            output = _output(chosen)
            func(**options, facts_paths=chosen["facts"], output=output)

        parameters = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + shared
        command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in parameters}
        return command

    return decorate


def _show(view: str, query: Query, facts_paths: list[str] | None, output: Output) -> None:
    facts: FactSet = load_facts(facts_paths, kinds=kinds_to_load(VIEWS[view], query))
    result = listing(facts, VIEWS[view], query, output)
    note = other_note(facts, VIEWS[view], query)
    sys.stderr.write(_lines([note] if note else [], "tungsten: note: "))
    if not result.records and output.fmt is Format.table and use_rich(sys.stdout):
        # An empty frame on a terminal reads like a drawing error; pipes and data formats keep their shape.
        filters = _filters()
        sys.stderr.write(_lines([f"no records match: {filters}" if filters else "no records"]))
        return
    write(result, output.fmt, sys.stdout)


def _filters() -> str:
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


def _codes(value: str | None) -> tuple[str, ...]:
    """`--exclude world,other` as its codes; a list naming none is a usage error, not "exclude nothing"."""
    if value is None:
        return ()
    codes = tuple(code.strip() for code in value.split(",") if code.strip())
    if not codes:
        raise click.BadParameter(f"'{value}' names no code (example: --exclude world,other)", param_hint="--exclude")
    return codes


def _date_option(name: str, value: str | None) -> str | None:
    try:
        return None if value is None else dates.check(value, interval=False)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint=name) from None


def _optional_source_dirs(explicit: list[str] | None) -> tuple[list[Path], list[str]]:
    """`show` works without sources (quotes unverified), unless the user named a folder that is not
    there: with --source-dir that is an error, through TUNGSTEN_SOURCE_DIR a warning."""
    from tungsten_cli.verify import SOURCE_DIR_ENV, source_dirs

    try:
        return source_dirs(explicit or ()), []
    except NotFoundError as err:
        if explicit:
            raise
        named = os.environ.get(SOURCE_DIR_ENV, "").strip(os.pathsep)
        return [], [f"{err}; quotes are shown unverified, without context"] if named else []


@app.command()
@listing_command()
def deposits(
    country: CountryOpt = None,
    name: Annotated[str | None, typer.Option(help="Name or any alias, substring, any case. Example: --name Nordkatpal")] = None,
    status: Annotated[str | None, typer.Option(help="Deposit status. Example: --status not-mined")] = None,
    source: SourceOpt = None,
    *,
    facts_paths: list[str] | None,
    output: Output,
) -> None:
    """Deposits and mine projects with reserves, grade, region and status. Example: tungsten deposits --country KZ --cite"""
    _show("deposits", Query(country=country, name=name, status=status, source=source), facts_paths, output)


@app.command()
@listing_command()
def imports(
    importer: Annotated[str | None, typer.Option(help="Importing country. Example: --importer US")] = None,
    partner: Annotated[str | None, typer.Option(help="Source country, or 'other'. Example: --partner China")] = None,
    source: SourceOpt = None,
    latest: LatestOpt = False,
    exclude: ExcludeOpt = None,
    *,
    facts_paths: list[str] | None,
    output: Output,
) -> None:
    """Import shares by source country. Example: tungsten imports --importer US --sort -share_pct"""
    query = Query(importer=importer, partner=partner, source=source, latest=latest, exclude=_codes(exclude))
    _show("imports", query, facts_paths, output)


@app.command()
@listing_command()
def quotas(
    country: CountryOpt = None,
    year: YearOpt = None,
    kind: Annotated[str | None, typer.Option(help="mining-quota, export-control, tariff or tariff-threat. Example: --kind tariff")] = None,
    source: SourceOpt = None,
    *,
    facts_paths: list[str] | None,
    output: Output,
) -> None:
    """Quotas, export controls and tariffs, with signed changes. Example: tungsten quotas --country CN --year 2025"""
    _show("quotas", Query(country=country, year=year, subkind=kind, source=source), facts_paths, output)


@app.command()
@listing_command()
def deals(
    year: YearOpt = None,
    country: CountryOpt = None,
    party: Annotated[str | None, typer.Option(help="Party name or alias, substring, any case. Example: --party tau-ken")] = None,
    kind: Annotated[str | None, typer.Option(help="Deal kind (loan, joint-venture, ...). Example: --kind loan")] = None,
    source: SourceOpt = None,
    *,
    facts_paths: list[str] | None,
    output: Output,
) -> None:
    """Deals, loans, joint ventures, acquisitions, listings and investments. Example: tungsten deals --year 2025 --json"""
    _show("deals", Query(year=year, country=country, party=party, subkind=kind, source=source), facts_paths, output)


@app.command("facts")
@listing_command()
def facts_(
    kind: Annotated[str | None, typer.Option(help="Record kind (deposit, figure, deal, ...). Example: --kind figure")] = None,
    country: CountryOpt = None,
    year: YearOpt = None,
    source: SourceOpt = None,
    latest: LatestOpt = False,
    measure: MeasureOpt = None,
    *,
    facts_paths: list[str] | None,
    output: Output,
) -> None:
    """Every record of every kind in one list; figures of one --measure make one chart. Example: tungsten facts --kind figure --year 2024"""
    query = Query(subkind=kind, country=country, year=year, source=source, latest=latest, measure=measure)
    _show("facts", query, facts_paths, output)


@app.command("orgs")
@listing_command(chart=False)
def orgs(
    country: CountryOpt = None,
    kind: Annotated[str | None, typer.Option(help="company, state-company, state-body, bank, ... Example: --kind bank")] = None,
    source: SourceOpt = None,
    *,
    facts_paths: list[str] | None,
    output: Output,
) -> None:
    """Companies, state bodies and banks, with the records they appear in. Example: tungsten orgs --country KZ"""
    _show("orgs", Query(country=country, subkind=kind, source=source), facts_paths, output)


app.command("organizations", help="Same as `orgs`. Example: tungsten organizations --kind bank")(orgs)


@app.command()
@listing_command()
def production(
    year: YearOpt = None,
    country: CountryOpt = None,
    source: SourceOpt = None,
    latest: LatestOpt = False,
    exclude: ExcludeOpt = None,
    basis: BasisOpt = None,
    *,
    facts_paths: list[str] | None,
    output: Output,
) -> None:
    """Mine production by country and edition, with its derived share of the world total. Example: tungsten production --country CN --latest --sort year"""
    query = Query(year=year, country=country, source=source, latest=latest, exclude=_codes(exclude), basis=basis)
    _show("production", query, facts_paths, output)


@app.command()
@listing_command()
def reserves(
    country: CountryOpt = None,
    source: SourceOpt = None,
    latest: LatestOpt = False,
    exclude: ExcludeOpt = None,
    basis: BasisOpt = None,
    *,
    facts_paths: list[str] | None,
    output: Output,
) -> None:
    """Reserves by country; a share of a lower-bound world total is an upper bound. Example: tungsten reserves --sort -value"""
    query = Query(country=country, source=source, latest=latest, exclude=_codes(exclude), basis=basis)
    _show("reserves", query, facts_paths, output)


@app.command()
@listing_command()
def revisions(
    country: Annotated[
        str | None,
        typer.Option("--country", "-c", help="Subject: an ISO 3166-1 code or English name, 'world' or 'other'. Example: --country CN"),
    ] = None,
    measure: MeasureOpt = None,
    year: YearOpt = None,
    min_change: Annotated[
        float | None,
        typer.Option(
            "--min-change", min=0, metavar="PCT", help="Only changes of at least PCT percent, either way. Example: --min-change 5"
        ),
    ] = None,
    source: SourceOpt = None,
    *,
    facts_paths: list[str] | None,
    output: Output,
) -> None:
    """Each quantity as successive USGS editions state it, with the change and a verdict, largest first.

    unchanged: every edition states the same value (the same number, bound, W or NA).

    revised: the editions state different values, and the last is an estimate too or no earlier one
    was (a reported figure revised, or an estimate replaced by another estimate).

    estimate-revised: an earlier edition's estimate (e) gave way to a value the last edition does not
    mark as estimated (later revisions of that figure are folded into the one change).

    series-changed: one label (subject, measure and year, or a data-release column and row) holds
    another quantity in the next edition (another price series, basis or, for 'other', another list of
    countries named separately); no change is computed and `detail` says why.

    A change to or from a bound (>4,600,000) is a bound; between two bounds it is left empty.

    Example: tungsten revisions --country CN
    """
    _show("revisions", Query(country=country, measure=measure, year=year, min_change=min_change, source=source), facts_paths, output)


@app.command()
@listing_command(chart=False)
def crosscheck(source: SourceOpt = None, *, facts_paths: list[str] | None, output: Output) -> None:
    """Claims from different sources about one quantity, in one basis, with a verdict. Example: tungsten crosscheck --json"""
    _show("crosscheck", Query(source=source), facts_paths, output)


@app.command()
@listing_command(chart=False)
def corrections(
    country: CountryOpt = None,
    year: YearOpt = None,
    source: SourceOpt = None,
    *,
    facts_paths: list[str] | None,
    output: Output,
) -> None:
    """What the sources got wrong: one row per contradicted curator note.

    Each row gives the record (id and name, or its summary), what the source states (the value as a
    table shows it, and with --cite its quotes), the kind of error the note corrects (value, date,
    name, unit, scope or place, as the note records it), the correction, and the outside reference
    it relies on (publisher, title, date, URL). Example: tungsten corrections --source sunsirs-2025-11-21
    """
    _show("corrections", Query(country=country, year=year, source=source), facts_paths, output)


@app.command()
@listing_command()
def timeline(
    date_from: Annotated[
        str | None, typer.Option("--from", help="Earliest date (YYYY, YYYY-MM or YYYY-MM-DD). Example: --from 2025-01")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Latest date. Example: --to 2025-06")] = None,
    country: CountryOpt = None,
    source: SourceOpt = None,
    *,
    facts_paths: list[str] | None,
    output: Output,
) -> None:
    """Every dated record in date order; partial dates sort by their start. Example: tungsten timeline --from 2025 --cite"""
    query = Query(country=country, source=source, date_from=_date_option("--from", date_from), date_to=_date_option("--to", date_to))
    try:
        dates.check_range(date_from, date_to)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    _show("timeline", query, facts_paths, output)


@app.command()
@listing_command()
def search(
    text: Annotated[str, typer.Argument(help="Words to find, any case and accents. Example: tungsten search tau-ken")],
    source: SourceOpt = None,
    *,
    facts_paths: list[str] | None,
    output: Output,
) -> None:
    """Full-text search over names, linked organisations and deposits, summaries, quotes and notes, ranked.

    Every word of TEXT must occur (any case, any accents) in some searched field of a hit. Hits rank
    by where their words occur: the record's name or aliases first; then its id and the names and
    aliases of the organisations and deposits it links to; then its summary; then its quotes; then
    its curator notes (with their references). Example: tungsten search Wabtec
    """
    _show("search", Query(text=text, source=source), facts_paths, output)


@app.command()
@listing_command(chart=False)
def conflicts(source: SourceOpt = None, *, facts_paths: list[str] | None, output: Output) -> None:
    """Claims about one quantity (subject, measure, period) that state different values. Example: tungsten conflicts"""
    _show("conflicts", Query(source=source), facts_paths, output)


@app.command()
@listing_command(cite=False, chart=False)
def sources(*, facts_paths: list[str] | None, output: Output) -> None:
    """Each source document with its metadata, SHA-256 and how many records cite it. Example: tungsten sources"""
    _show("sources", Query(), facts_paths, output)


@app.command()
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="A record id. Example: tungsten show upper-kairakty")],
    source_dir: SourceDirOpt = None,
    facts: FactsOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One record in full: fields, quotes in their sentences, notes, related records. Example: tungsten show bakuta"""
    from tungsten_cli.commands.show import show_record

    chosen = _output({"fmt": fmt, "as_json": as_json}).fmt
    folders, warnings = _optional_source_dirs(source_dir)
    warnings += show_record(load_facts(facts, kinds=()), record_id, folders, chosen, sys.stdout)
    sys.stderr.write(_lines(warnings, "tungsten: warning: "))


@app.command("verify")
def verify_(
    source_dir: SourceDirOpt = None,
    facts: FactsOpt = None,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            metavar="ID",
            help="Print, for each numeric field of one record, the quote token or cell behind it and the rules applied. Example: --explain upper-kairakty",
        ),
    ] = None,
) -> None:
    """Check every citation against the source texts: hash, verbatim quote, anchor, numbers bound to their words. Example: tungsten verify --source-dir ../shared/sources"""
    from tungsten_cli.verify import explain as explain_record
    from tungsten_cli.verify import source_dirs
    from tungsten_cli.verify import verify as run_verify

    loaded = load_facts(facts)
    if explain is not None:
        lines, problems = explain_record(loaded, explain, source_dirs(source_dir or ()))
        sys.stdout.write(_lines(lines) + _lines(problems))
        if problems:
            raise typer.Exit(ExitCode.DATA)
        return
    report = run_verify(loaded, source_dirs(source_dir or ()))
    sys.stdout.write(_lines(report.problems))
    sys.stderr.write(
        f"checked {report.citations} citations in {report.records} records against {report.sources} sources: {len(report.problems)} problem(s)\n"
    )
    if report.problems:
        raise typer.Exit(ExitCode.DATA)


@app.command("coverage")
def coverage_(
    sources: Annotated[
        list[str] | None, typer.Argument(metavar="[SOURCE]...", help="Source ids to check (default: all). Example: usgs-mcs-2025")
    ] = None,
    facts: FactsOpt = None,
    source_dir: SourceDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check that every number in the sources is held by a record or ignored with a reason; exit 1 on a gap.

    Units are sentences, table rows and CSV cells; each is cited, partly-cited, uncited, ignored
    (listed in its source's coverage_ignore) or has no numbers. Example: tungsten coverage usgs-mcs-2025
    """
    from tungsten_cli.commands.coverage import write_coverage
    from tungsten_cli.coverage import GAPS, coverage
    from tungsten_cli.verify import source_dirs

    report = coverage(load_facts(facts), source_dirs(source_dir or ()), sources or ())
    sys.stdout.write(_lines(report.problems))
    write_coverage(report, as_json, sys.stdout)
    gaps = sum(c.status in GAPS for c in report.units)
    sys.stderr.write(f"checked {len(report.units)} units: {gaps} gap(s), {len(report.problems)} problem(s)\n")
    if gaps or report.problems:
        raise typer.Exit(ExitCode.DATA)


@app.command("validate")
def validate_(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...", help="Fact files or folders; 'builtin' is the shipped set. Example: tungsten validate builtin my-pack.yaml"
        ),
    ],
) -> None:
    """Check fact packs without running a query; every problem as file:line:column: id: field: message. Example: tungsten validate facts/"""
    loaded = load_facts(paths, use_cache=False)
    sys.stderr.write(f"{len(loaded.records)} records and {len(loaded.sources)} sources in {len(loaded.files)} file(s): no problems\n")


@app.command()
def schema(
    kind: Annotated[
        str | None,
        typer.Argument(help="A record kind (deposit, figure, ...); none for a whole pack file. Example: tungsten schema deposit"),
    ] = None,
    summary: Annotated[
        bool,
        typer.Option("--summary", help="A table of the kind's fields (required, type, unit, example, meaning) instead. Example: --summary"),
    ] = False,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Print the JSON Schema of a record kind or of a pack file, for editors and CI. Example: tungsten schema deposit"""
    from tungsten_cli.commands.schema import schema_text, write_schema_summary

    output = _output({"fmt": fmt, "as_json": as_json, "fields": fields})
    if not summary:
        if fmt is not None or as_json or fields is not None:
            raise click.UsageError("--format, --json and --fields go with --summary; the JSON Schema is always JSON")
        sys.stdout.write(schema_text(kind))
    elif kind is None:
        raise click.UsageError("--summary describes one record kind: tungsten schema deposit --summary")
    else:
        write_schema_summary(kind, output, sys.stdout)


@app.command()
def new(
    kind: Annotated[
        str, typer.Argument(help="A record kind: source, deposit, figure, deal, ... Example: tungsten new deposit > my-pack.yaml")
    ],
) -> None:
    """Print a commented YAML template of one record: required fields first, each with its type, unit and an example. Example: tungsten new deposit"""
    from tungsten_cli.commands.schema import template_text

    sys.stdout.write(template_text(kind))


@app.command("fields")
def fields_(
    view: Annotated[
        str, typer.Argument(metavar="VIEW", help="A listing command: deposits, production, crosscheck, ... Example: tungsten fields deals")
    ],
    facts: FactsOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Each field a listing's --fields and --sort accept, with its type and meaning. Example: tungsten fields deposits"""
    from tungsten_cli.fields import write_fields

    write_fields(load_facts(facts, kinds=()), view, _output({"fmt": fmt, "as_json": as_json}).fmt, sys.stdout)


@app.command()
def report(
    html_file: Annotated[
        str, typer.Option("--html", metavar="FILE", help="Write one self-contained HTML page; '-' for stdout. Example: --html report.html")
    ],
    country: CountryOpt = None,
    year: YearOpt = None,
    source: SourceOpt = None,
    facts: FactsOpt = None,
) -> None:
    """A shareable HTML report: tables and bar charts where every number opens its quote. Example: tungsten report --html r.html --country KZ"""
    from tungsten_cli.commands.report import write_report

    write_report(load_facts(facts), Query(country=country, year=year, source=source), html_file, sys.stdout)
    if html_file != "-":
        sys.stderr.write(f"wrote {html_file}\n")


@app.command()
def export(
    sqlite: Annotated[
        Path | None, typer.Option("--sqlite", help="Database file to (re)write atomically. Example: --sqlite tungsten.db")
    ] = None,
    csv_dir: Annotated[
        Path | None,
        typer.Option(
            "--csv",
            metavar="DIR",
            help="Folder for one CSV per table, the same tables as --sqlite (created if missing). Example: --csv out/",
        ),
    ] = None,
    facts: FactsOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace existing files that are not an earlier tungsten export. Example: --force")
    ] = False,
    bom: Annotated[
        bool,
        typer.Option(
            "--bom", help="Start each CSV file with a UTF-8 byte-order mark, so Excel reads its accents. Example: --csv out/ --bom"
        ),
    ] = False,
) -> None:
    """Write every record kind, citations, parties and notes to SQLite or CSV files. Example: tungsten export --sqlite out.db"""
    if sqlite is None and csv_dir is None:
        raise click.UsageError("say where to write: --sqlite FILE, --csv DIR, or both")
    if bom and csv_dir is None:
        raise click.UsageError("--bom is for the CSV files: add --csv DIR")
    loaded = load_facts(facts)
    if sqlite is not None:
        from tungsten_cli.export import export_sqlite

        counts = export_sqlite(loaded, sqlite, force=force)
        sys.stderr.write(f"wrote {sqlite}: " + ", ".join(f"{n} {table}" for table, n in counts.items()) + "\n")
    if csv_dir is not None:
        from tungsten_cli.export_csv import export_csv

        counts = export_csv(loaded, csv_dir, force=force, bom=bom)
        sys.stderr.write(f"wrote {csv_dir}: " + ", ".join(f"{table}.csv ({n})" for table, n in counts.items()) + "\n")


def _name_of(info: CommandInfo) -> str:
    return info.name or (info.callback.__name__ if info.callback else "")


def _listed_only(info: CommandInfo) -> CommandInfo:
    """A parameterless stand-in that carries a command's name and help into the top-level listing."""

    def listed() -> None:
        """Stand-in for the help listing; never invoked."""

    listed.__doc__ = info.callback.__doc__ if info.callback else None
    return CommandInfo(name=_name_of(info), callback=listed, help=info.help)


def app_for(argv: list[str]) -> typer.Typer:
    """The app with only what this start needs: Typer builds every command's options at start-up.

    A command word keeps just that command; without one (top-level help, completing a command
    name), parameterless stand-ins keep the listing. An unknown word keeps everything, so Click can
    suggest close names.
    """
    if "_TUNGSTEN_COMPLETE" in os.environ:
        argv = os.environ.get("COMP_WORDS", "").split()[1:]
    name = next((word for word in argv if not word.startswith("-")), None)
    if name is not None and any(word in ("-h", "--help") for word in argv[: argv.index(name)]):
        name = None  # `tungsten --help deposits`: Click shows the top-level help, so keep the whole listing
    trimmed = object.__new__(typer.Typer)  # a shallow copy without importing `copy`
    trimmed.__dict__.update(app.__dict__)
    if name is None:
        trimmed.registered_commands = [_listed_only(c) for c in app.registered_commands]
    else:
        trimmed.registered_commands = [c for c in app.registered_commands if _name_of(c) == name] or app.registered_commands
    return trimmed


def main() -> None:
    """Console-script entry: die quietly like other Unix filters when the pipe's reader goes away."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # nowhere to report to; lives until exit
    code: Any = ExitCode.DATA
    try:
        app_for(sys.argv[1:])()
    except SystemExit as done:
        code = done.code
    finally:
        try:
            sys.stdout.flush()
        except OSError:
            # The boundary has already reported this write error; exiting normally would flush the
            # same unwritable buffer again and print a second message.
            os._exit(code if isinstance(code, int) and code else ExitCode.DATA)
    _exit(code)


def _exit(code: object) -> NoReturn:
    """Leave without tearing the interpreter down: freeing every module's objects costs more than the
    whole warm query (12.6 ms of 69.6 ms CPU, benchmarks' interleaved runs). Nothing is left to
    finish: output is flushed here, files are written through `atomic.replacing`, the database is
    closed, and no atexit hook is registered. `sys.exit`'s meaning of the code is kept."""
    status: int = ExitCode.OK
    if isinstance(code, int):
        status = code
    elif code is not None:
        sys.stderr.write(f"{code}\n")
        status = 1
    try:
        sys.stderr.flush()
    finally:
        os._exit(status)
