"""The cache key covers everything a validation depends on, so a cached answer is never stale."""

from __future__ import annotations

import subprocess
import sys

from tungsten_cli.load import VALIDATING_MODULES


def test_every_module_a_validation_imports_is_in_the_cache_key() -> None:
    code = "import sys, tungsten_cli.validate; print(' '.join(m for m in sys.modules if m.startswith('tungsten_cli.')))"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    missing = {name.removeprefix("tungsten_cli.") + ".py" for name in imported} - set(VALIDATING_MODULES)
    assert not missing, f"add {sorted(missing)} to load.VALIDATING_MODULES"
