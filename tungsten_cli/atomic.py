"""Replace a file atomically: write a temporary file beside it, rename it over, leave nothing behind."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# SQLite writes these beside a database while a transaction is open.
_SIDE_FILES = ("", "-journal", "-wal", "-shm")


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A fresh temporary path beside `target` that replaces it when the block succeeds.

    Readers never see half a file. On any failure (a full disk, Ctrl-C) the temporary file and the
    journal files SQLite may have left beside it are removed. A symlink is written through: the
    file it points at is replaced, the link stays. The new file's mode follows the umask, as a
    file created by `open()` would, not mkstemp's private 0600.
    """
    import tempfile

    real = Path(os.path.realpath(target))
    fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    try:
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())
        yield Path(tmp)
        os.replace(tmp, real)
    except BaseException:
        for suffix in _SIDE_FILES:
            Path(tmp + suffix).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process umask; reading it means setting it, so it is set straight back."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
