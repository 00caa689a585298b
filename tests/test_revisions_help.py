"""`tungsten revisions --help` defines every verdict the command can give."""

from __future__ import annotations

import re

from conftest import run

# Every verdict claims.revisions gives (claims._verdict and the series-changed rows).
REVISION_VERDICTS = ("unchanged", "revised", "estimate-revised", "series-changed")


def test_help_defines_each_verdict_in_a_sentence() -> None:
    help_text = " ".join(run("revisions", "--help").stdout.split())
    for verdict in REVISION_VERDICTS:
        assert re.search(rf"(?:^|\s){re.escape(verdict)}: \w[^.]{{20,}}", help_text), verdict
