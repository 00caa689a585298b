"""The Typer app: parse options, call the library, render; the only place that prints errors or exits."""

from __future__ import annotations

import signal
import sys
from typing import Annotated, Any, NoReturn, Optional

import click
import typer
from typer.core import TyperGroup

from tungsten_cli import SCHEMA_VERSION, __version__
from tungsten_cli.errors import ExitCode, FactsError, TungstenError
from tungsten_cli.load import FactSet, load_facts
from tungsten_cli.query import Query
from tungsten_cli.render import Format, write
from tungsten_cli.views import VIEWS, Output, field_names, listing


def _fail(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"tungsten: error: {message}\n")
    sys.exit(code)


class _Group(TyperGroup):
    """Runs every command in non-standalone mode so all errors leave as one plain line on stderr."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        kwargs.setdefault("prog_name", "tungsten")
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as err:
            _fail(err.format_message(), ExitCode.USAGE)
        except click.ClickException as err:
            _fail(err.format_message(), err.exit_code)
        except (click.Abort, KeyboardInterrupt):
            _fail("interrupted", ExitCode.INTERRUPTED)
        except FactsError as err:
            sys.stderr.write("".join(f"{problem}\n" for problem in err.problems))
            _fail(f"{len(err.problems)} problem(s) in the fact packs", err.exit_code)
        except TungstenError as err:
            _fail(str(err), err.exit_code)
        sys.exit(code if isinstance(code, int) else ExitCode.OK)


app = typer.Typer(
    cls=_Group,
    help="Browse curated, cited facts about the tungsten supply chain.\n\nExample: tungsten deposits --country KZ",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
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
    Optional[list[str]],
    typer.Option("--facts", help="Fact pack file or folder; repeatable; 'builtin' adds the shipped set. Example: --facts builtin --facts my.yaml", show_default=False),
]
FormatOpt = Annotated[Optional[Format], typer.Option("--format", "-f", help="Output format. Example: --format csv", show_default="table")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shorthand for --format json. Example: --json | jq '.[].id'")]
FieldsOpt = Annotated[
    Optional[str],
    typer.Option(help="Comma-separated fields to show, in order. Example: --fields id,name,reserves_wo3_t", autocompletion=_complete_fields),
]
SortOpt = Annotated[Optional[str], typer.Option(help="Sort by a field; prefix '-' for descending. Example: --sort -reserves_wo3_t")]
LimitOpt = Annotated[Optional[int], typer.Option(min=0, help="Show at most N records. Example: --limit 5")]
CiteOpt = Annotated[bool, typer.Option("--cite", help="Print each record's source quote beneath it. Example: --cite")]
SourceOpt = Annotated[Optional[str], typer.Option("--source", help="Only records citing this source id. Example: --source usgs-mcs-2025")]
CountryOpt = Annotated[Optional[str], typer.Option("--country", "-c", help="ISO 3166-1 code or English name. Example: --country KZ")]
YearOpt = Annotated[Optional[int], typer.Option("--year", "-y", min=1000, max=9999, help="Records dated in (or spanning) this year. Example: --year 2025")]


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print version and schema version. Example: tungsten --version")] = False,
) -> None:
    """Browse curated, cited facts about the tungsten supply chain. Example: tungsten deposits --country KZ"""


def _output(fmt: Format | None, as_json: bool, fields: str | None, sort: str | None, limit: int | None, cite: bool) -> Output:
    if as_json and fmt not in (None, Format.json):
        raise click.UsageError(f"--json conflicts with --format {fmt.value}")
    chosen = Format.json if as_json else fmt or Format.table
    names = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
    return Output(chosen, names, sort, limit, cite)


def _show(view: str, query: Query, facts_paths: list[str] | None, output: Output) -> None:
    facts: FactSet = load_facts(facts_paths)
    write(listing(facts, VIEWS[view], query, output), output.fmt, sys.stdout)


@app.command()
def deposits(
    country: CountryOpt = None,
    name: Annotated[Optional[str], typer.Option(help="Name or any alias, substring, any case. Example: --name Nordkatpal")] = None,
    status: Annotated[Optional[str], typer.Option(help="Deposit status. Example: --status not-mined")] = None,
    source: SourceOpt = None,
    facts: FactsOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    cite: CiteOpt = False,
) -> None:
    """Deposits and mine projects with reserves, grade, region and status. Example: tungsten deposits --country KZ --cite"""
    _show("deposits", Query(country=country, name=name, status=status, source=source), facts, _output(fmt, as_json, fields, sort, limit, cite))


@app.command()
def imports(
    importer: Annotated[Optional[str], typer.Option(help="Importing country. Example: --importer US")] = None,
    partner: Annotated[Optional[str], typer.Option(help="Source country, or 'other'. Example: --partner China")] = None,
    source: SourceOpt = None,
    facts: FactsOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    cite: CiteOpt = False,
) -> None:
    """Import shares by source country. Example: tungsten imports --importer US --sort -share_pct"""
    _show("imports", Query(importer=importer, partner=partner, source=source), facts, _output(fmt, as_json, fields, sort, limit, cite))


@app.command()
def quotas(
    country: CountryOpt = None,
    year: YearOpt = None,
    kind: Annotated[Optional[str], typer.Option(help="mining-quota, export-control, tariff or tariff-threat. Example: --kind tariff")] = None,
    source: SourceOpt = None,
    facts: FactsOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    cite: CiteOpt = False,
) -> None:
    """Quotas, export controls and tariffs, with signed changes. Example: tungsten quotas --country CN --year 2025"""
    _show("quotas", Query(country=country, year=year, subkind=kind, source=source), facts, _output(fmt, as_json, fields, sort, limit, cite))


@app.command()
def deals(
    year: YearOpt = None,
    country: CountryOpt = None,
    party: Annotated[Optional[str], typer.Option(help="Party name or alias, substring, any case. Example: --party tau-ken")] = None,
    kind: Annotated[Optional[str], typer.Option(help="Deal kind (loan, joint-venture, ...). Example: --kind loan")] = None,
    source: SourceOpt = None,
    facts: FactsOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    cite: CiteOpt = False,
) -> None:
    """Deals, loans, joint ventures, acquisitions, listings and investments. Example: tungsten deals --year 2025 --json"""
    _show("deals", Query(year=year, country=country, party=party, subkind=kind, source=source), facts, _output(fmt, as_json, fields, sort, limit, cite))


@app.command("facts")
def facts_(
    kind: Annotated[Optional[str], typer.Option(help="Record kind (deposit, figure, deal, ...). Example: --kind figure")] = None,
    country: CountryOpt = None,
    year: YearOpt = None,
    source: SourceOpt = None,
    facts: FactsOpt = None,
    fmt: FormatOpt = None,
    as_json: JsonOpt = False,
    fields: FieldsOpt = None,
    sort: SortOpt = None,
    limit: LimitOpt = None,
    cite: CiteOpt = False,
) -> None:
    """Every record of every kind in one list. Example: tungsten facts --kind figure --year 2024"""
    _show("facts", Query(subkind=kind, country=country, year=year, source=source), facts, _output(fmt, as_json, fields, sort, limit, cite))


def main() -> None:
    """Console-script entry: die quietly like other Unix filters when the pipe's reader goes away."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    app()
