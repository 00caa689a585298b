"""Messages on stderr quote pack values escaped, so a pack cannot drive the terminal through them."""

from __future__ import annotations

from pathlib import Path

from conftest import run

PACK = """- kind: organization
  id: acme
  name: Acme
  org_kind: company
  summary: Acme.
  date: "\\e]0;owned\\a\\e[31m"
  citations:
    - source: src
      quote: x
"""


def test_a_pack_value_in_a_problem_arrives_escaped(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK, encoding="utf-8")
    result = run("validate", str(pack))
    assert result.exit_code == 1
    assert "acme: date: '\\x1b]0;owned\\x07\\x1b[31m' is not an ISO 8601 date" in result.stderr
    assert not any(c in result.stderr for c in "\x1b\x07")
