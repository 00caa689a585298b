"""The Typer app: parse options, call the library, render; the only place that prints errors or exits."""

import sys
from pathlib import Path
from typing import Annotated

import click
import typer

from tungsten_cli import SCHEMA_VERSION, __version__, dates, environment
from tungsten_cli.boundary import Boundary
from tungsten_cli.environment import Environment
from tungsten_cli.listing import Output
from tungsten_cli.load import load_facts, load_for
from tungsten_cli.options import (
    BasisOpt,
    CountryOpt,
    ExcludeOpt,
    FactsOpt,
    FieldsOpt,
    FormatOpt,
    JsonOpt,
    LatestOpt,
    MeasureOpt,
    SourceDirOpt,
    SourceOpt,
    YearOpt,
    codes,
    date_option,
    given_filters,
    listing_command,
    output_of,
)
from tungsten_cli.query import Query
from tungsten_cli.views import VIEWS

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


def _env() -> Environment:
    """The Environment the root callback built for this run."""
    env: Environment = click.get_current_context().find_root().obj
    return env


def _show(view: str, query: Query, facts_paths: list[str] | None, output: Output) -> None:
    from tungsten_cli.commands.listing import run_listing

    run_listing(_env(), VIEWS[view], query, facts_paths, output, given_filters)


@app.command(rich_help_panel=BROWSE)
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


@app.command(rich_help_panel=BROWSE)
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
    query = Query(importer=importer, partner=partner, source=source, latest=latest, exclude=codes(exclude))
    _show("imports", query, facts_paths, output)


@app.command(rich_help_panel=BROWSE)
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


@app.command(rich_help_panel=BROWSE)
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


@app.command("facts", rich_help_panel=BROWSE)
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


@app.command("orgs", rich_help_panel=BROWSE)
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


app.command("organizations", help="Same as `orgs`. Example: tungsten organizations --kind bank", rich_help_panel=BROWSE)(orgs)


@app.command(rich_help_panel=BROWSE)
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
    query = Query(year=year, country=country, source=source, latest=latest, exclude=codes(exclude), basis=basis)
    _show("production", query, facts_paths, output)


@app.command(rich_help_panel=BROWSE)
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
    query = Query(country=country, source=source, latest=latest, exclude=codes(exclude), basis=basis)
    _show("reserves", query, facts_paths, output)


@app.command(rich_help_panel=COMPARE)
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

    A change to or from a bound (>4,600,000) is a bound; between two bounds it is left empty. A change
    from 0 has no percent but is a change: it sorts first and passes any --min-change.

    Example: tungsten revisions --country CN
    """
    _show("revisions", Query(country=country, measure=measure, year=year, min_change=min_change, source=source), facts_paths, output)


@app.command(rich_help_panel=COMPARE)
@listing_command(chart=False)
def crosscheck(source: SourceOpt = None, *, facts_paths: list[str] | None, output: Output) -> None:
    """Claims from different sources about one quantity, in one basis, with a verdict. Example: tungsten crosscheck --json"""
    _show("crosscheck", Query(source=source), facts_paths, output)


@app.command(rich_help_panel=COMPARE)
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


@app.command(rich_help_panel=BROWSE)
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
    query = Query(country=country, source=source, date_from=date_option("--from", date_from), date_to=date_option("--to", date_to))
    try:
        dates.check_range(date_from, date_to)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    _show("timeline", query, facts_paths, output)


@app.command(rich_help_panel=BROWSE)
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


@app.command(rich_help_panel=COMPARE)
@listing_command(chart=False)
def conflicts(source: SourceOpt = None, *, facts_paths: list[str] | None, output: Output) -> None:
    """Claims about one quantity (subject, measure, period) that state different values. Example: tungsten conflicts"""
    _show("conflicts", Query(source=source), facts_paths, output)


@app.command(rich_help_panel=BROWSE)
@listing_command(cite=False, chart=False)
def sources(*, facts_paths: list[str] | None, output: Output) -> None:
    """Each source document with its metadata, SHA-256 and how many records cite it. Example: tungsten sources"""
    _show("sources", Query(), facts_paths, output)


@app.command(rich_help_panel=BROWSE)
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="A record id. Example: tungsten show upper-kairakty")],
    source_dir: SourceDirOpt = None,
    facts: FactsOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One record in full: fields, quotes in their sentences, notes, related records. Example: tungsten show bakuta"""
    from tungsten_cli.commands.show import run_show

    run_show(_env(), record_id, source_dir, facts, output_of({"fmt": fmt, "as_json": as_json}).fmt)


@app.command("verify", rich_help_panel=CHECK)
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
    from tungsten_cli.commands.verify import run_verify

    raise typer.Exit(run_verify(_env(), source_dir, facts, explain))


@app.command("coverage", rich_help_panel=CHECK)
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
    from tungsten_cli.commands.coverage import run_coverage

    raise typer.Exit(run_coverage(_env(), sources or (), source_dir, facts, as_json))


@app.command("draft", rich_help_panel=AUTHOR)
def draft_(
    source: Annotated[
        str,
        typer.Argument(metavar="SOURCE", help="A loaded source id, or a new text or CSV file. Example: tungsten draft my-article.txt"),
    ],
    only: Annotated[
        str | None,
        typer.Option("--only", metavar="KIND", help="Propose only records of this kind. Example: --only import_share"),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="yaml (a pack to edit), json or table. Example: --format json",
            show_default="table on a terminal, else yaml",
        ),
    ] = None,
    as_json: JsonOpt = False,
    facts: FactsOpt = None,
    source_dir: SourceDirOpt = None,
) -> None:
    """Propose records for every number of a source that no record holds yet, each with a note of what to check.

    A new file also gets a sources entry (id, file, SHA-256, guessed language). Fields draft cannot
    fill are <placeholders> that validate refuses. Example: tungsten draft usgs-mcs-2025 --format json
    """
    from tungsten_cli.commands.draft import run_draft

    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json is --format json; it cannot go with --format {fmt}")
    run_draft(_env(), source, only, "json" if as_json else fmt, source_dir, facts)


@app.command("validate", rich_help_panel=AUTHOR)
def validate_(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...", help="Fact files or folders; 'builtin' is the shipped set. Example: tungsten validate builtin my-pack.yaml"
        ),
    ],
) -> None:
    """Check fact packs without running a query; every problem as file:line:column: id: field: message. Example: tungsten validate facts/"""
    loaded = load_facts(paths, cache=environment.NO_CACHE)
    _env().stderr.write(f"{len(loaded.records)} records and {len(loaded.sources)} sources in {len(loaded.files)} file(s): no problems\n")


@app.command(rich_help_panel=AUTHOR)
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

    env = _env()
    output = output_of({"fmt": fmt, "as_json": as_json, "fields": fields})
    if not summary:
        if fmt is not None or as_json or fields is not None:
            raise click.UsageError("--format, --json and --fields go with --summary; the JSON Schema is always JSON")
        env.stdout.write(schema_text(kind))
    elif kind is None:
        raise click.UsageError("--summary describes one record kind: tungsten schema deposit --summary")
    else:
        write_schema_summary(kind, output, env.stdout, force_color=env.force_color)


@app.command(rich_help_panel=AUTHOR)
def new(
    kind: Annotated[
        str, typer.Argument(help="A record kind: source, deposit, figure, deal, ... Example: tungsten new deposit > my-pack.yaml")
    ],
) -> None:
    """Print a commented YAML template of one record: required fields first, each with its type, unit and an example. Example: tungsten new deposit"""
    from tungsten_cli.commands.schema import template_text

    _env().stdout.write(template_text(kind))


@app.command("fields", rich_help_panel=BROWSE)
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

    env = _env()
    chosen = output_of({"fmt": fmt, "as_json": as_json}).fmt
    write_fields(load_for(env, facts, kinds=()), view, chosen, env.stdout, force_color=env.force_color)


@app.command(rich_help_panel=SHARE)
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

    env = _env()
    write_report(load_for(env, facts), Query(country=country, year=year, source=source), html_file, env.stdout)
    if html_file != "-":
        env.stderr.write(f"wrote {html_file}\n")


@app.command(rich_help_panel=SHARE)
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
    metadata: Annotated[
        Path | None,
        typer.Option(
            "--metadata",
            metavar="FILE",
            help="With --sqlite: also write the metadata.json `datasette DB -m FILE` reads (descriptions, sources, facets, search). "
            "Example: --metadata metadata.json",
        ),
    ] = None,
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
    if metadata is not None and sqlite is None:
        raise click.UsageError("--metadata describes the database: add --sqlite FILE")
    from tungsten_cli.commands.export import run_export

    run_export(_env(), sqlite, csv_dir, facts, force, bom, metadata)


@app.command(rich_help_panel=SHARE)
def serve(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on. Example: --port 8001")] = 8001,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; the default answers this machine only. Example: --host 127.0.0.1")
    ] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="Open Datasette in the web browser once it runs. Example: --open")] = False,
    facts: FactsOpt = None,
) -> None:
    """Browse and search the facts in Datasette (pip install 'tungsten-cli[web]'). Example: tungsten serve --open"""
    from tungsten_cli.commands.serve import run_serve

    run_serve(_env(), facts, host, port, open_browser)
