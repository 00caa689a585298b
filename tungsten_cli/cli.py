"""The commands beyond the listings (those are in cli_listings.py) on the app of cli_app.py: parse options, call the library."""

from pathlib import Path
from typing import Annotated

import click
import typer

from tungsten_cli import (
    cli_listings,  # noqa: F401  registers the listing commands first, as --help lists them
    environment,
)
from tungsten_cli.cli_app import AUTHOR, BROWSE, CHECK, SHARE, app, current_env
from tungsten_cli.load import load_facts, load_for
from tungsten_cli.options import CountryOpt, FactsOpt, FieldsOpt, FormatOpt, JsonOpt, SourceDirOpt, SourceOpt, YearOpt, output_of
from tungsten_cli.query import Query

__all__ = ["app"]  # the app, its commands defined: what entry.py and the tests import


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

    run_show(current_env(), record_id, source_dir, facts, output_of({"fmt": fmt, "as_json": as_json}).fmt)


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

    raise typer.Exit(run_verify(current_env(), source_dir, facts, explain))


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

    raise typer.Exit(run_coverage(current_env(), sources or (), source_dir, facts, as_json))


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
    run_draft(current_env(), source, only, "json" if as_json else fmt, source_dir, facts)


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
    current_env().stderr.write(
        f"{len(loaded.records)} records and {len(loaded.sources)} sources in {len(loaded.files)} file(s): no problems\n"
    )


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

    env = current_env()
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

    current_env().stdout.write(template_text(kind))


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

    env = current_env()
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

    env = current_env()
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

    run_export(current_env(), sqlite, csv_dir, facts, force, bom, metadata)


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

    run_serve(current_env(), facts, host, port, open_browser)
