"""tungsten_cli/vocabulary.py is generated from pycountry and the models, and must stay in step with both."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

from tungsten_cli.model import vocabulary
from tungsten_cli.vocabulary import COUNTRIES, VOCAB

sys.path.insert(0, str(ROOT / "scripts"))
import generate_vocabulary

REGENERATE = "python scripts/generate_vocabulary.py"


def test_the_module_is_what_the_generator_writes() -> None:
    text = generate_vocabulary.MODULE.read_text(encoding="utf-8")
    assert generate_vocabulary.render() == text, f"tungsten_cli/vocabulary.py is out of date: run `{REGENERATE}`"


def test_the_constants_hold_pycountry_and_the_models() -> None:
    assert generate_vocabulary.countries() == COUNTRIES
    assert vocabulary() == VOCAB
    assert COUNTRIES["KZ"][:3] == ["KZ", "KAZ", "Kazakhstan"] and "Russia" in COUNTRIES["RU"]


def test_a_warm_query_imports_neither_pycountry_nor_pydantic() -> None:
    code = "import sys; from tungsten_cli import countries, views; countries.resolve('Kazakhstan'); print(sorted(m for m in ('pycountry', 'pydantic') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
