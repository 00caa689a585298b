"""One record in full (`tungsten show`): fields, each quote inside its sentence, notes and related records.

On a terminal every line wraps at the width with a hanging indent; piped, lines are not wrapped.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from tungsten_cli.records import Record
from tungsten_cli.render.console import fitted
from tungsten_cli.render.text import clean, flat, note_mark
from tungsten_cli.render.wrap import wrap

if TYPE_CHECKING:
    from tungsten_cli.verify import Evidence

WIDE_HANG = 30  # the deepest hanging indent; past it continuation lines start 4 columns in
_DETAIL_SKIP = ("id", "kind", "summary", "citations", "notes")


def _detail_lines(record: Record) -> list[tuple[str, str]]:
    lines = []
    for key, value in record.items():
        if key in _DETAIL_SKIP or value is None or value is False or value in ([], ""):
            continue
        text = flat(key, value)
        if key in record.get("approximate", []):
            text = "~" + text + " (approximate)"
        lines.append((key, text))
    return lines


def _row_lines(item: Evidence) -> list[tuple[str, str | None]]:
    """A cited CSV row beside its header, one cell a line, the cited cell marked with an arrow and bold."""
    width = max(len(header) for header, _ in item.cells)
    return [
        (f"    {'→' if header == item.column else ' '} {header.ljust(width)}  {cell}".rstrip(), "bold" if header == item.column else None)
        for header, cell in item.cells
    ]


def write_detail(
    record: Record, evidence: list[Evidence], related: list[Record], extra: list[str], out: IO[str], *, force_color: bool = False
) -> None:
    """Every field, each quote inside its sentence, curator notes and related records, as plain text or rich."""
    screen = fitted(out, force_color)

    def emit(text: str, hang: int = 0, style: str | None = None) -> None:
        """One logical line; `hang` indents its continuation lines past the first line's own indent."""
        text = clean(text)
        if screen is None:
            out.write(text + "\n")
            return
        from rich.text import Text

        lead = len(text) - len(text.lstrip(" "))
        if lead + hang > WIDE_HANG:  # a deeper hang leaves a column too narrow to read
            hang = 4
        # A word wider than the line (a reference URL) goes whole onto a line of its own and may run
        # past the edge, where the terminal folds it: cut in two it could be neither clicked nor copied.
        wrapped = "\n".join(wrap(text, screen.width - 1, subsequent_indent=" " * (lead + hang), break_long_words=False))
        screen.print(Text(wrapped, style=style or ""), soft_wrap=True)

    emit(f"{record['id']}  ({record['kind']})", style="bold")
    emit(record["summary"])
    emit("")
    details = _detail_lines(record)
    width = max([len(k) for k, _ in details] or [0])
    for key, text in details:
        emit(f"  {key.ljust(width)}  {text}", hang=width + 2)
    emit("")
    emit("citations:", style="bold")
    for n, item in enumerate(evidence, 1):
        where = f", chars {item.start}-{item.start + len(item.quote)}" if item.start is not None else ""
        where = f", line {item.line}, column {item.column}" if item.line is not None else where
        emit(f"  [{n}] {item.source}{where}{'  (unverified)' if item.unverified else ''}")
        if item.cells:
            for text, style in _row_lines(item):
                emit(text, style=style)
        elif screen is None:
            emit(f"      {item.before}»{item.quote}«{item.after}")
        else:
            from rich.text import Text

            sentence = Text()
            sentence.append(clean(item.before), style="dim")
            sentence.append(clean(item.quote), style="bold underline")
            sentence.append(clean(item.after), style="dim")
            for part in sentence.wrap(screen, screen.width - 7):
                part.rstrip()  # in place: no padding to the full width
                screen.print(Text("      ") + part, soft_wrap=True)
    if record.get("notes"):
        emit("")
        emit(f"notes {note_mark(record)}:", style="bold")
        for note in record["notes"]:
            errors = f" ({', '.join(note['errors'])})" if note.get("errors") else ""
            emit(f"  - {note['kind']}{errors}: {note['text']}", hang=2)
            ref = note.get("reference")
            if ref:
                emit("    reference: " + ", ".join(str(ref[k]) for k in ("publisher", "title", "date", "url") if ref.get(k)), hang=11)
    for line in extra:
        emit(line, hang=4)
    if related:
        emit("")
        emit("related:", style="bold")
        hangs = [len(str(other["id"])) + len(other["kind"]) + 6 for other in related]
        for other, hang in zip(related, hangs):  # one indent for the list: each summary under its id, or all at 4
            emit(f"  {other['id']}  ({other['kind']})  {other['summary']}", hang=hang if max(hangs) <= WIDE_HANG else 4)
