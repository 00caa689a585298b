"""A world total built mostly from estimated rows says so, with the rows and tonnes the source marks."""

from __future__ import annotations

import csv
from pathlib import Path

from tungsten_cli.load import load_facts

ALSO_ESTIMATED = "Production in 2021 is also estimated."


def test_mcs2023_world_2021_note_names_every_estimated_row_and_their_sum(source_dir: Path) -> None:
    table = Path(source_dir, "usgs-mcs-data-release", "mcs2023-tungs_world.csv")
    with table.open(encoding="utf-8-sig", newline="") as handle:
        rows = [(line, row) for line, row in enumerate(csv.DictReader(handle), start=2)]
    estimated = [(line, row["Country"], int(row["Prod_t_2021"])) for line, row in rows if row["Prod_notes"] == ALSO_ESTIMATED]
    assert len(estimated) == 5
    (record,) = [r for r in load_facts().records if r["id"] == "usgs-mcs2023-mine-production-world-2021"]
    (note,) = [n["text"] for n in record["notes"] if ALSO_ESTIMATED in n["text"]]
    for line, country, tonnes in estimated:
        assert f"{country} {tonnes:,} (line {line})" in note, country
    share = sum(t for _, _, t in estimated)
    assert f"{share:,} t of the {record['value']:,} t (about {round(100 * share / record['value'])} %)" in note
    assert record["estimated"] is False
