"""The listing commands (deposits to sources): each turns its options into a Query for its view."""

from collections.abc import Callable
from typing import Annotated

import click
import typer

from tungsten_cli import dates
from tungsten_cli.cli_app import BROWSE, COMPARE, app, current_env
from tungsten_cli.listing import Output
from tungsten_cli.options import (
    BasisOpt,
    CountryOpt,
    ExcludeOpt,
    LatestOpt,
    MeasureOpt,
    SourceOpt,
    YearOpt,
    codes,
    date_option,
    given_filters,
    listing_command,
)
from tungsten_cli.query import Query
from tungsten_cli.views import VIEWS


def _listing(
    panel: str, *, name: str | None = None, cite: bool = True, chart: bool = True
) -> Callable[[Callable[..., Query]], Callable[..., None]]:
    """Register a listing command, named after its view (the function's name, or `name`): the
    function turns the command's own filters into a Query; the shared options and the run of the
    view are added here (options.listing_command)."""

    def register(func: Callable[..., Query]) -> Callable[..., None]:
        view = VIEWS[name or func.__name__]

        def show(query: Query, facts_paths: list[str] | None, output: Output) -> None:
            from tungsten_cli.commands.listing import run_listing

            run_listing(current_env(), view, query, facts_paths, output, given_filters)

        command = listing_command(show, cite=cite, chart=chart)(func)
        app.command(view.name, rich_help_panel=panel)(command)
        return command

    return register


@_listing(BROWSE)
def deposits(
    country: CountryOpt = None,
    name: Annotated[str | None, typer.Option(help="Name or any alias, substring, any case. Example: --name Nordkatpal")] = None,
    status: Annotated[str | None, typer.Option(help="Deposit status. Example: --status not-mined")] = None,
    source: SourceOpt = None,
) -> Query:
    """Deposits and mine projects with reserves, grade, region and status. Example: tungsten deposits --country KZ --cite"""
    return Query(country=country, name=name, status=status, source=source)


@_listing(BROWSE)
def imports(
    importer: Annotated[str | None, typer.Option(help="Importing country. Example: --importer US")] = None,
    partner: Annotated[str | None, typer.Option(help="Source country, or 'other'. Example: --partner China")] = None,
    source: SourceOpt = None,
    latest: LatestOpt = False,
    exclude: ExcludeOpt = None,
) -> Query:
    """Import shares by source country. Example: tungsten imports --importer US --sort -share_pct"""
    return Query(importer=importer, partner=partner, source=source, latest=latest, exclude=codes(exclude))


@_listing(BROWSE)
def quotas(
    country: CountryOpt = None,
    year: YearOpt = None,
    kind: Annotated[str | None, typer.Option(help="mining-quota, export-control, tariff or tariff-threat. Example: --kind tariff")] = None,
    source: SourceOpt = None,
) -> Query:
    """Quotas, export controls and tariffs, with signed changes. Example: tungsten quotas --country CN --year 2025"""
    return Query(country=country, year=year, subkind=kind, source=source)


@_listing(BROWSE)
def deals(
    year: YearOpt = None,
    country: CountryOpt = None,
    party: Annotated[str | None, typer.Option(help="Party name or alias, substring, any case. Example: --party tau-ken")] = None,
    kind: Annotated[str | None, typer.Option(help="Deal kind (loan, joint-venture, ...). Example: --kind loan")] = None,
    source: SourceOpt = None,
) -> Query:
    """Deals, loans, joint ventures, acquisitions, listings and investments. Example: tungsten deals --year 2025 --json"""
    return Query(year=year, country=country, party=party, subkind=kind, source=source)


@_listing(BROWSE, name="facts")
def facts_(
    kind: Annotated[str | None, typer.Option(help="Record kind (deposit, figure, deal, ...). Example: --kind figure")] = None,
    country: CountryOpt = None,
    year: YearOpt = None,
    source: SourceOpt = None,
    latest: LatestOpt = False,
    measure: MeasureOpt = None,
) -> Query:
    """Every record of every kind in one list; figures of one --measure make one chart. Example: tungsten facts --kind figure --year 2024"""
    return Query(subkind=kind, country=country, year=year, source=source, latest=latest, measure=measure)


@_listing(BROWSE, chart=False)
def orgs(
    country: CountryOpt = None,
    kind: Annotated[str | None, typer.Option(help="company, state-company, state-body, bank, ... Example: --kind bank")] = None,
    source: SourceOpt = None,
) -> Query:
    """Companies, state bodies and banks, with the records they appear in. Example: tungsten orgs --country KZ"""
    return Query(country=country, subkind=kind, source=source)


app.command("organizations", help="Same as `orgs`. Example: tungsten organizations --kind bank", rich_help_panel=BROWSE)(orgs)


@_listing(BROWSE)
def production(
    year: YearOpt = None,
    country: CountryOpt = None,
    source: SourceOpt = None,
    latest: LatestOpt = False,
    exclude: ExcludeOpt = None,
    basis: BasisOpt = None,
) -> Query:
    """Mine production by country and edition, with its derived share of the world total. Example: tungsten production --country CN --latest --sort year"""
    return Query(year=year, country=country, source=source, latest=latest, exclude=codes(exclude), basis=basis)


@_listing(BROWSE)
def reserves(
    country: CountryOpt = None,
    source: SourceOpt = None,
    latest: LatestOpt = False,
    exclude: ExcludeOpt = None,
    basis: BasisOpt = None,
) -> Query:
    """Reserves by country; a share of a lower-bound world total is an upper bound. Example: tungsten reserves --sort -value"""
    return Query(country=country, source=source, latest=latest, exclude=codes(exclude), basis=basis)


@_listing(COMPARE)
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
) -> Query:
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
    return Query(country=country, measure=measure, year=year, min_change=min_change, source=source)


@_listing(COMPARE, chart=False)
def crosscheck(source: SourceOpt = None) -> Query:
    """Claims from different sources about one quantity, in one basis, with a verdict. Example: tungsten crosscheck --json"""
    return Query(source=source)


@_listing(COMPARE, chart=False)
def corrections(
    country: CountryOpt = None,
    year: YearOpt = None,
    source: SourceOpt = None,
) -> Query:
    """What the sources got wrong: one row per contradicted curator note.

    Each row gives the record (id and name, or its summary), the kind of error the note corrects
    (value, date, name, unit, scope or place, as the note records it), what the source stated and
    what is right ("stated → corrected", in the field's unit), the note, the outside reference it
    relies on (publisher, title, date, URL), and the record's own value (record_value, as a table
    shows it; with --cite its quotes). Example: tungsten corrections --source sunsirs-2025-11-21
    """
    return Query(country=country, year=year, source=source)


@_listing(BROWSE)
def timeline(
    date_from: Annotated[
        str | None, typer.Option("--from", help="Earliest date (YYYY, YYYY-MM or YYYY-MM-DD). Example: --from 2025-01")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Latest date. Example: --to 2025-06")] = None,
    country: CountryOpt = None,
    source: SourceOpt = None,
) -> Query:
    """Every dated record in date order; partial dates sort by their start. Example: tungsten timeline --from 2025 --cite"""
    query = Query(country=country, source=source, date_from=date_option("--from", date_from), date_to=date_option("--to", date_to))
    try:
        dates.check_range(date_from, date_to)
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    return query


@_listing(BROWSE)
def search(
    text: Annotated[str, typer.Argument(help="Words to find, any case and accents. Example: tungsten search tau-ken")],
    source: SourceOpt = None,
) -> Query:
    """Full-text search over names, linked organisations and deposits, summaries, quotes and notes, ranked.

    Every word of TEXT must occur (any case, any accents) in some searched field of a hit. Hits rank
    by where their words occur: the record's name or aliases first; then its id and the names and
    aliases of the organisations and deposits it links to; then its summary; then its quotes; then
    its curator notes (with their references). Example: tungsten search Wabtec
    """
    return Query(text=text, source=source)


@_listing(COMPARE, chart=False)
def conflicts(source: SourceOpt = None) -> Query:
    """Claims about one quantity (subject, measure, period) that state different values. Example: tungsten conflicts"""
    return Query(source=source)


@_listing(BROWSE, cite=False, chart=False)
def sources() -> Query:
    """Each source document with its metadata, SHA-256 and how many records cite it. Example: tungsten sources"""
    return Query()
