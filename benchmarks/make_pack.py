#!/usr/bin/env python3
"""Generate a fact pack of N records for the benchmarks: copies of the shipped records, or synthetic ones.

    python benchmarks/make_pack.py N OUT_DIR --copies [--prefix copy] [--per-file 5000]
    python benchmarks/make_pack.py N OUT_DIR [--seed S] [--prefix synth] [--per-file 10000]
                                             [--link-sources ../shared/sources]

--copies (what the benchmark's scale rows load) writes OUT_DIR/pack/part-NNNN.yaml: the shipped
records copied again and again, each copy with its citations (quotes, table cells with their row,
column and line), notes and references as shipped, under new ids (`<prefix>NNNN-<id>`, links
renamed alike) and new subjects (`<subject>-NNNN`), so that each copy's claims form comparison
groups of their own as a further edition of real data would. Their citations name the shipped
sources, so the pack loads beside the built-in set (`--facts builtin --facts OUT_DIR/pack`), and
`verify --source-dir` reads the real source texts. Real records carry more citations, notes and
longer quotes than synthetic ones: 100,000 copies are about 86 MB of YAML, the synthetic pack 47 MB.

Without --copies, a synthetic pack:

Writes
    OUT_DIR/pack/sources.yaml         one `kind: source` record per part, with the SHA-256 of its text
    OUT_DIR/pack/part-0001.yaml ...   at most --per-file fact records each (the loader caps files at 50 MB)
    OUT_DIR/sources/<prefix>-NNNN.txt the synthetic source text each part cites into

so that both of these pass:

    tungsten validate OUT_DIR/pack
    tungsten verify --facts OUT_DIR/pack --source-dir OUT_DIR/sources

With --link-sources DIR the real source texts in DIR are symlinked into OUT_DIR/sources too, so
`tungsten verify --facts builtin --facts OUT_DIR/pack --source-dir OUT_DIR/sources` checks both.

The records mix every kind (organization, deposit, figure, deal, event, measure, import_share),
refer to each other (operators, deal parties, figure deposits), and every number a record states
appears in one of its quotes, as `verify` demands. Citations use all three anchoring styles: bare
unique quotes, start/end offsets, and prefix/suffix context. Ids are `<prefix>-...`, so a pack
never collides with the built-in set; use different prefixes to load several packs together.

It reads the vocabularies (kinds, statuses) from tungsten_cli.model, so run it with the interpreter
tungsten is installed in. Output is deterministic for a seed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from tungsten_cli.model import vocabulary
from tungsten_cli.vocabulary import COUNTRIES as COUNTRIES_VOCAB

# One repeating pattern of kinds: organisations come first so later records can refer to them.
PATTERN = ["organization"] * 3 + ["deposit"] * 5 + ["figure"] * 5 + ["deal"] * 3 + ["event"] * 2 + ["measure"] + ["import_share"]
COUNTRIES = ["KZ", "CN", "US", "CA", "AU", "VN", "RU", "BO", "RW", "PT", "ES", "KR", "AT", "DE", "GB", "MN", "BR", "PE", "TH", "UZ"]
REGIONS = ["Karaganda", "Almaty", "East", "North", "Highlands", "Coastal", "Central", "Steppe", "Valley", "Ridge"]
SYLLABLES = ["ka", "ra", "tau", "ken", "bel", "mon", "sar", "dor", "vik", "lin", "zha", "tor", "nur", "bay", "ost", "mir"]
# The schema's own vocabularies, so synthetic packs stay valid when the schema grows.
_VOCAB = vocabulary()
ORG_KINDS = _VOCAB["org_kind"]
DEPOSIT_STATUS = _VOCAB["deposit_status"]
DEAL_KINDS = _VOCAB["deal_kind"]
DEAL_STATUS = ["announced", "signed", "completed", "planned", "lost"]
MEASURE_KINDS = ["mining-quota", "export-control", "tariff", "tariff-threat"]
MEASURE_STATUS = ["announced", "issued", "in-force", "threatened"]
FILLER = [
    "Market conditions were broadly unchanged over the period.",
    "Prices of ammonium paratungstate were quoted in a narrow range.",
    "Further details were not disclosed by the parties.",
    "Analysts expect demand from cemented carbide producers to remain firm.",
    "The report notes that exploration budgets rose modestly.",
    "Umweltauflagen wurden verschärft; die Behörden prüfen weitere Maßnahmen.",
]
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Part:
    """One pack file and the source text its citations point into."""

    def __init__(self, prefix: str, number: int, rng: random.Random) -> None:
        self.source_id = f"{prefix}-source-{number:04d}"
        self.file = f"{prefix}-{number:04d}.en.txt"
        self.rng = rng
        self.chunks: list[str] = [f"Synthetic tungsten market report, part {number}.\n\n"]
        self.length = len(self.chunks[0])
        self.records: list[dict[str, Any]] = []
        self.orgs: list[dict[str, Any]] = []
        self.deposits: list[dict[str, Any]] = []
        self.citation_count = 0

    def _append(self, text: str) -> int:
        start = self.length
        self.chunks.append(text)
        self.length += len(text)
        return start

    def cite(self, quote: str) -> dict[str, Any]:
        """Write the quote into the source text and return a citation anchored one of three ways."""
        if self.rng.random() < 0.2:
            self._append(self.rng.choice(FILLER) + " ")
        lead = f"({self.citation_count + 1}) "
        self._append(lead)
        start = self._append(quote)
        self._append("\n" if self.rng.random() < 0.3 else " ")
        style = self.citation_count % 3
        self.citation_count += 1
        citation: dict[str, Any] = {"source": self.source_id, "quote": quote}
        if style == 1:
            citation["start"], citation["end"] = start, start + len(quote)
        elif style == 2:
            citation["prefix"] = lead
        return citation

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def _name(rng: random.Random, index: int) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
    return f"{word.capitalize()} {index}"


def _date(rng: random.Random) -> str:
    year = rng.randint(2015, 2025)
    pick = rng.random()
    if pick < 0.4:
        return str(year)
    if pick < 0.7:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _pct(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), rng.choice([0, 1, 2]))


def _num(value: float) -> str:
    """A number as the source writes it; `verify` reads it back to the same value."""
    return str(int(value)) if float(value).is_integer() else repr(value)


def make_record(part: Part, kind: str, index: int, prefix: str) -> dict[str, Any]:
    rng = part.rng
    rid = f"{prefix}-{kind.replace('_', '-')}-{index:07d}"
    country = rng.choice(COUNTRIES)
    record: dict[str, Any] = {"kind": kind, "id": rid}
    if kind == "organization":
        name = _name(rng, index)
        org_kind = rng.choice(ORG_KINDS)
        record.update(name=name, org_kind=org_kind, country=country)
        if rng.random() < 0.5:
            record["aliases"] = [name.upper(), f"{name} Group"]
        record["summary"] = f"{name} is a synthetic {org_kind} based in {country} (record {rid})."
        record["citations"] = [part.cite(f"{name}, a {org_kind} from {country}, was named in entry {rid}.")]
        part.orgs.append(record)
    elif kind == "deposit":
        name = _name(rng, index)
        region = rng.choice(REGIONS)
        reserves = rng.randint(1, 400) * 500
        low = _pct(rng, 0.05, 0.6)
        high = round(low + _pct(rng, 0.0, 0.5), 2)
        record.update(name=name, country=country, region=region, status=rng.choice(DEPOSIT_STATUS))
        record.update(reserves_wo3_t=reserves, grade_wo3_min_pct=low, grade_wo3_max_pct=high, reserves_as_of=_date(rng))
        if part.orgs and rng.random() < 0.6:
            record["operator"] = rng.choice(part.orgs)["id"]
        if rng.random() < 0.3:
            record["associated_metals"] = ["molybdenum"]
            record["molybdenum_t"] = rng.randint(1, 100) * 100
        if rng.random() < 0.2:
            record["approximate"] = ["reserves_wo3_t"]
        hedge = "about " if "approximate" in record else ""  # verify wants the word for every approximate field
        quote = f"The {name} deposit ({rid}) in {region} holds {hedge}{_num(reserves)} t of WO3 grading {_num(low)}% to {_num(high)}% WO3"
        if "molybdenum_t" in record:
            quote += f" with {_num(record['molybdenum_t'])} t of molybdenum"
        record["summary"] = f"{name} is a synthetic tungsten deposit in {region}, {country}."
        record["citations"] = [part.cite(quote + ".")]
        part.deposits.append(record)
    elif kind == "figure":
        unit, value = rng.choice(
            [("t", float(rng.randint(10, 90000))), ("usd", float(rng.randint(1, 900) * 1000)), ("pct", _pct(rng, 0.5, 99))]
        )
        subject = rng.choice(COUNTRIES)
        measure = rng.choice(["mine-production", "apt-price", "import-value", "consumption", "reserves-share"])
        date = _date(rng)
        record.update(subject=subject, measure=measure, country=subject, date=date, value=value, unit=unit)
        record["basis"] = f"synthetic basis {index % 7}"
        if rng.random() < 0.15:
            record["value_max"] = round(value + 10, 2)  # no float noise: the quote must state the same number
        if rng.random() < 0.2:
            record["estimated"] = True
            record["approximate"] = ["value"]
        if part.deposits and rng.random() < 0.3:
            record["deposit"] = rng.choice(part.deposits)["id"]
        if part.orgs and rng.random() < 0.3:
            record["orgs"] = [rng.choice(part.orgs)["id"]]
        text = f"In {date} the {measure} of {subject} was {'about ' if 'approximate' in record else ''}{_num(value)} {unit}"
        if "value_max" in record:
            text += f" to {_num(record['value_max'])} {unit}"
        record["summary"] = f"Synthetic {measure} figure for {subject} in {date}."
        record["citations"] = [part.cite(f"{text} [{rid}].")]
        if rng.random() < 0.1:
            record["notes"] = [{"kind": "context", "text": "Synthetic note: the figure is made up for benchmarking."}]
    elif kind == "deal":
        count = min(len(part.orgs), rng.choice([1, 2, 2, 3]))
        orgs = rng.sample(part.orgs, count) if count else []
        stakes = [_pct(rng, 5, 95 / len(orgs)) for _ in orgs] if rng.random() < 0.5 else [None] * len(orgs)  # sum at most 100 %
        parties = []
        for org, stake in zip(orgs, stakes):
            party: dict[str, Any] = {"org": org["id"], "role": rng.choice(["lender", "buyer", "partner", "seller"])}
            if stake is not None:
                party["stake_pct"] = stake
            parties.append(party)
        if not parties:  # only when the part has no organisation yet: PATTERN makes that impossible
            raise SystemExit("internal error: a deal without organisations")
        amount = rng.randint(1, 900) * 100000
        date = _date(rng)
        record.update(deal_kind=rng.choice(DEAL_KINDS), parties=parties, amount_usd=amount, date=date, country=country)
        record["status"] = rng.choice(DEAL_STATUS)
        if part.deposits and rng.random() < 0.4:
            record["deposit"] = rng.choice(part.deposits)["id"]
        names = " and ".join(o["name"] for o in orgs)
        stake_text = "".join(f", {_num(s)}% for {o['name']}" for o, s in zip(orgs, stakes) if s is not None)
        # Half the amounts in words the checker scales ("45.5 million"), half as plain digits.
        if amount % 1000000 == 0 or rng.random() < 0.5:
            amount_text = f"USD {_num(amount / 1e6)} million"
        else:
            amount_text = f"USD {amount}"
        record["summary"] = f"Synthetic {record['deal_kind']} between {names}."
        record["citations"] = [part.cite(f"On {date} {names} agreed a deal ({rid}) worth {amount_text}{stake_text}.")]
    elif kind == "event":
        date = _date(rng)
        record.update(event_kind=rng.choice(["new-production", "mine-closure", "policy-change", "exploration"]), date=date, country=country)
        if part.orgs and rng.random() < 0.5:
            record["orgs"] = [rng.choice(part.orgs)["id"]]
        if part.deposits and rng.random() < 0.3:
            record["deposit"] = rng.choice(part.deposits)["id"]
        record["summary"] = f"Synthetic {record['event_kind']} event in {country}."
        record["citations"] = [
            part.cite(f"Event {rid}: a {record['event_kind']} was reported in {country}"),
            part.cite(f"as of {date}, according to entry {rid}."),
        ]
    elif kind == "measure":
        rate = _pct(rng, 1, 60)
        change = -_pct(rng, 1, 30) if rng.random() < 0.3 else _pct(rng, 1, 30)
        date = _date(rng)
        target = rng.choice([c for c in COUNTRIES if c != country])
        record.update(measure_kind=rng.choice(MEASURE_KINDS), country=country, target_country=target, date=date)
        record.update(rate_pct=rate, change_pct=change, products="tungsten concentrates", status=rng.choice(MEASURE_STATUS))
        record["summary"] = f"Synthetic {record['measure_kind']} by {country} on {target}."
        record["citations"] = [
            part.cite(f"Measure {rid}: {country} set a rate of {_num(rate)}% on {target}, a change of {_num(change)}% from {date}.")
        ]
    elif kind == "import_share":
        start = rng.randint(2015, 2021)
        share = _pct(rng, 1, 80)
        importer = rng.choice(COUNTRIES)
        partner = rng.choice(["other", *[c for c in COUNTRIES if c != importer]])
        date = f"{start}/{start + rng.randint(1, 3)}"
        # One import form per record, so no two shares of one whole can add up past 100 %.
        record.update(importer=importer, partner=partner, share_pct=share, forms=f"ores and concentrates, lot {rid}", date=date)
        record["summary"] = f"Synthetic import share of {partner} in {importer} imports, {date}."
        record["citations"] = [part.cite(f"Share {rid}: {partner} supplied {_num(share)}% of {importer} imports in {date}.")]
    else:
        raise SystemExit(f"unknown kind {kind}")
    return record


def _yaml(value: Any, indent: int) -> list[str]:
    """A tiny block-style YAML emitter: JSON scalars are valid YAML, and fast to write."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(_yaml(item, indent + 2))
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            inner = _yaml(item, indent + 2) if isinstance(item, (dict, list)) else [f"{pad}  {_scalar(item)}"]
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines.extend(inner[1:])
    return lines


def _scalar(value: Any) -> str:
    if value == [] or value == {}:
        return "[]" if value == [] else "{}"
    return json.dumps(value, ensure_ascii=False)


def generate(
    count: int, out_dir: Path, *, seed: int = 1, prefix: str = "synth", per_file: int = 10_000, link_sources: Path | None = None
) -> dict[str, Any]:
    if not SLUG.match(prefix):
        raise SystemExit(f"--prefix {prefix!r} is not a slug (lower-case letters, digits and dashes)")
    if count < 0 or per_file < 1:
        raise SystemExit("N must be >= 0 and --per-file >= 1")
    pack_dir, source_dir = out_dir / "pack", out_dir / "sources"
    for folder in (pack_dir, source_dir):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    rng = random.Random(seed)
    source_records: list[dict[str, Any]] = []
    kinds: dict[str, int] = {}
    parts = max(1, -(-count // per_file))
    index = 0
    for number in range(1, parts + 1):
        part = Part(prefix, number, rng)
        for position in range(min(per_file, count - index)):
            kind = PATTERN[position % len(PATTERN)]
            part.records.append(make_record(part, kind, index, prefix))
            kinds[kind] = kinds.get(kind, 0) + 1
            index += 1
        blob = part.text.encode("utf-8")
        (source_dir / part.file).write_bytes(blob)
        source_records.append(
            {
                "kind": "source",
                "id": part.source_id,
                "title": f"Synthetic tungsten report, part {number}",
                "publisher": "tungsten benchmarks",
                "published": "2025-01",
                "language": "en",
                "file": part.file,
                "sha256": hashlib.sha256(blob).hexdigest(),
                "license": "CC0-1.0",
            }
        )
        if part.records:
            header = f"# Synthetic fact pack generated by benchmarks/make_pack.py (seed {seed}); do not edit.\n"
            body = "\n".join("\n".join(_yaml([r], 0)) for r in part.records)
            (pack_dir / f"part-{number:04d}.yaml").write_text(header + body + "\n", encoding="utf-8")
    header = "# Sources of the synthetic pack: one text per part, pinned by SHA-256.\n"
    (pack_dir / "sources.yaml").write_text(header + "\n".join(_yaml(source_records, 0)) + "\n", encoding="utf-8")
    if link_sources is not None:
        for real in sorted(link_sources.iterdir()):
            if real.is_file() and real.suffix == ".txt":
                os.symlink(real.resolve(), source_dir / real.name)
    return {
        "records": index,
        "sources": len(source_records),
        "files": parts + 1,
        "kinds": kinds,
        "pack": str(pack_dir),
        "source_dir": str(source_dir),
    }


# Link fields (records.reference_fields) renamed in a copy; deposits and organisations come first in
# each copy, so a copy cut short at N still holds every record its records point at.
_TARGETS_FIRST = {"organization": 0, "deposit": 1}
_CODES = sorted(COUNTRIES_VOCAB)


def shipped_records() -> list[dict[str, Any]]:
    """The built-in fact records (not sources) as their files write them, targets of links first."""
    from tungsten_cli.load import BUILTIN, fact_files, validate
    from tungsten_cli.model import RECORD_MODELS

    records = validate(fact_files([BUILTIN])).records
    for record in records:
        for name in [*RECORD_MODELS[record["kind"]].model_computed_fields, *(k for k, v in record.items() if v is None or v == [])]:
            record.pop(name, None)  # derived (`year` from `date`) or left out (None, an empty list) in the shipped files
        for party in record.get("parties") or []:
            party.pop("name", None)  # derived by the loader from the organisation, not written in packs
            party.pop("country", None)
    return sorted(records, key=lambda r: _TARGETS_FIRST.get(r["kind"], 2))


def copy_record(record: dict[str, Any], prefix: str, number: int) -> dict[str, Any]:
    """Copy `number` of a shipped record: a new id and subject, links renamed alike, citations and notes as shipped."""
    tag = f"{prefix}{number:04d}"
    copy: dict[str, Any] = json.loads(json.dumps(record))
    copy["id"] = f"{tag}-{record['id']}"
    # What makes a claim comparable with others (claims.comparison_key) is new in each copy, so each
    # copy's claims meet one another, not those of the other copies.
    if "subject" in copy:
        copy["subject"] = f"{record['subject']}-{tag}"
    if copy.get("legal_basis"):
        copy["legal_basis"] = f"{record['legal_basis']} ({tag})"
    if "importer" in copy:  # a country code: the next one per copy, never the partner
        codes = [c for c in _CODES if c != record["partner"]]
        copy["importer"] = codes[(codes.index(record["importer"]) + number) % len(codes)]
    for key in ("operator", "deposit"):
        if copy.get(key):
            copy[key] = f"{tag}-{copy[key]}"
    if copy.get("orgs"):
        copy["orgs"] = [f"{tag}-{org}" for org in copy["orgs"]]
    for party in copy.get("parties") or []:
        party["org"] = f"{tag}-{party['org']}"
    return copy


def generate_copies(count: int, out_dir: Path, *, prefix: str = "copy", per_file: int = 5_000) -> dict[str, Any]:
    """N records copied from the shipped set, `per_file` to a file; their citations name the shipped sources."""
    if not SLUG.match(prefix):
        raise SystemExit(f"--prefix {prefix!r} is not a slug (lower-case letters, digits and dashes)")
    if count < 0 or per_file < 1:
        raise SystemExit("N must be >= 0 and --per-file >= 1")
    pack_dir = out_dir / "pack"
    if pack_dir.exists():
        shutil.rmtree(pack_dir)
    pack_dir.mkdir(parents=True)
    shipped = shipped_records()
    kinds: dict[str, int] = {}
    batch: list[dict[str, Any]] = []
    files = 0

    def flush() -> None:
        nonlocal files, batch
        files += 1
        header = "# Copies of the shipped records generated by benchmarks/make_pack.py --copies; do not edit.\n"
        body = "\n".join("\n".join(_yaml([r], 0)) for r in batch)
        (pack_dir / f"part-{files:04d}.yaml").write_text(header + body + "\n", encoding="utf-8")
        batch = []

    for index in range(count):
        record = copy_record(shipped[index % len(shipped)], prefix, index // len(shipped) + 1)
        batch.append(record)
        kinds[record["kind"]] = kinds.get(record["kind"], 0) + 1
        if len(batch) == per_file:
            flush()
    if batch or not files:
        flush()
    return {"records": count, "sources": 0, "files": files, "kinds": kinds, "pack": str(pack_dir), "source_dir": None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", metavar="N", type=int, help="number of fact records (source records come on top)")
    parser.add_argument("out_dir", metavar="OUT_DIR", type=Path, help="writes OUT_DIR/pack and OUT_DIR/sources (both replaced)")
    parser.add_argument(
        "--copies", action="store_true", help="copies of the shipped records (what the benchmark loads), not synthetic ones"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1); same seed, same bytes")
    parser.add_argument("--prefix", help="id prefix, a slug (default copy, or synth)")
    parser.add_argument("--per-file", type=int, help="records per pack file (default 5000 copies or 10000 synthetic records: about 4-5 MB)")
    parser.add_argument("--link-sources", type=Path, help="also symlink the real source texts from this folder into OUT_DIR/sources")
    args = parser.parse_args(argv)
    if args.copies:
        summary = generate_copies(args.count, args.out_dir, prefix=args.prefix or "copy", per_file=args.per_file or 5_000)
    else:
        summary = generate(
            args.count,
            args.out_dir,
            seed=args.seed,
            prefix=args.prefix or "synth",
            per_file=args.per_file or 10_000,
            link_sources=args.link_sources,
        )
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(summary["kinds"].items()))
    sys.stderr.write(
        f"wrote {summary['records']} records ({kinds}) and {summary['sources']} source(s) to {summary['pack']}"
        + (f"; texts in {summary['source_dir']}\n" if summary["source_dir"] else "\n")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
