"""A listing command's body: load what the view reads, list it, say the view's note, and write the
rows, or on a terminal say that nothing matched instead of drawing an empty frame."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tungsten_cli.environment import Environment
from tungsten_cli.listing import Output, kinds_to_load, listing, other_note
from tungsten_cli.load import load_for
from tungsten_cli.query import Query
from tungsten_cli.render import Format, write
from tungsten_cli.render.text import message_lines
from tungsten_cli.views import View


def run_listing(
    env: Environment, view: View, query: Query, paths: Sequence[str] | None, output: Output, filters: Callable[[], str]
) -> None:
    """`filters` gives the filters as typed (`--country FR --year 2024`), asked only when nothing matched."""
    facts = load_for(env, paths, kinds=kinds_to_load(view, query))
    result = listing(facts, view, query, output)
    note = other_note(facts, view, query)
    env.stderr.write(message_lines([note] if note else [], "tungsten: note: "))
    if not result.records and output.fmt is Format.table and env.rich(env.stdout):
        # An empty frame on a terminal reads like a drawing error; pipes and data formats keep their shape.
        given = filters()
        env.stderr.write(message_lines([f"no records match: {given}" if given else "no records"]))
        return
    env.stderr.write(message_lines(write(result, output.fmt, env.stdout, force_color=env.force_color)))
