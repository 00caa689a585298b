"""Notes agree with flags: a withheld or not-available cell's note never calls its value estimated."""

from __future__ import annotations

import re

from tungsten_cli.load import load_facts

# The one thing such a note may say about estimation (the MCS 2025 wording): that no value is estimated.
NO_ESTIMATE = re.compile(r"no value is estimated", re.IGNORECASE)
ESTIMATE = re.compile(r"estimat", re.IGNORECASE)


def test_unavailable_unestimated_records_have_no_note_claiming_an_estimate() -> None:
    """The data contract (docs/data-contract.md): `unavailable` with `estimated` false holds no estimate, and its notes say so."""
    wrong = [
        f"{record['id']}: {note['text']}"
        for record in load_facts().records
        if record.get("unavailable") and not record.get("estimated")
        for note in record.get("notes", [])
        if ESTIMATE.search(note["text"]) and not NO_ESTIMATE.search(note["text"])
    ]
    assert not wrong, "\n".join(wrong)
