"""The one way tungsten writes a file: the user's output files and the cache alike are a regular file
or nothing. A target is checked before anything is opened (never a device, FIFO, socket or folder;
in the cache never a symlink), the new file is built beside it and renamed over it, errors name the
path the user gave, and no run, finished, failed or interrupted, leaves a temporary file behind."""

from __future__ import annotations

import os
import signal
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tungsten_cli.errors import NotFoundError, UsageError

# SQLite writes these beside a database while a transaction is open.
_SIDE_FILES = ("", "-journal", "-wal", "-shm")

_KINDS = (
    (stat.S_ISDIR, "is a folder"),
    (stat.S_ISFIFO, "is a FIFO (named pipe)"),
    (stat.S_ISCHR, "is a device"),
    (stat.S_ISBLK, "is a device"),
    (stat.S_ISSOCK, "is a socket"),
    (stat.S_ISLNK, "is a symlink"),
)


class TargetError(UsageError):
    """An output path that names something other than a regular file: nothing was written."""


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words (`is a FIFO (named pipe)`); None for a regular file."""
    return next((words for test, words in _KINDS if test(mode)), None if stat.S_ISREG(mode) else "is not a regular file")


def check_target(target: Path, *, follow: bool = True) -> None:
    """Refuse a target that is not absent or a regular file, or whose folder is missing.

    The type is read without opening anything: opening a FIFO blocks until a writer comes, and
    renaming over a device node replaces it. `follow`: a symlink the user named is written through
    (the file it points at is replaced, the link stays), when that file is a regular one; the
    cache's own files (`follow=False`) are never links.
    """
    try:
        info = os.stat(target) if follow else os.lstat(target)
    except FileNotFoundError:
        folder = Path(os.path.realpath(target)).parent if follow else target.parent
        if not folder.is_dir():
            raise NotFoundError(f"{target.parent}: no such folder") from None
        return
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(target)) from None
    words = kind_of(info.st_mode)
    if words is not None:
        raise TargetError(f"{target}: {words}; tungsten writes only regular files")


def check_folder(folder: Path, names: Sequence[str]) -> bool:
    """Refuse a folder for the files `names` that is not one, or is missing with its parent, or
    holds one of them as anything but a regular file; whether the folder exists."""
    if not os.path.lexists(folder):
        if not Path(os.path.realpath(folder)).parent.is_dir():
            raise NotFoundError(f"{folder.parent}: no such folder")
        return False
    words = kind_of(os.stat(folder).st_mode)
    if words != "is a folder":
        raise TargetError(f"{folder}: {words or 'is a file'}, expected a folder")
    for name in names:
        check_target(folder / name)
    return True


def read_head(path: Path, size: int) -> bytes | None:
    """The first `size` bytes of a regular file, or None for anything else (absent, unreadable, a
    FIFO, a device): opened without blocking, its type checked on the open file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        return os.read(fd, size) if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except OSError:
        return None
    finally:
        os.close(fd)


@contextmanager
def replacing(target: Path, *, follow: bool = True) -> Iterator[Path]:
    """A fresh temporary path beside `target` that replaces it when the block succeeds.

    Readers never see half a file. On any failure (a full disk, Ctrl-C, SIGTERM, which the CLI
    turns into an exception) the temporary file and the journal files SQLite may have left beside
    it are removed, and an OSError about the temporary file is raised again naming `target`. The
    new file's mode follows the umask, as a file created by `open()` would, not mkstemp's 0600.
    """
    import tempfile

    check_target(target, follow=follow)
    real = Path(os.path.realpath(target)) if follow else target
    try:
        fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(target)) from None
    try:
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())
        yield Path(tmp)
        check_target(target, follow=follow)  # again: the block may have run for seconds
        os.replace(tmp, real)
    except OSError as err:
        _remove(tmp)
        if err.filename in (None, tmp):
            raise OSError(err.errno, err.strerror, str(target)) from None
        raise
    except BaseException:
        _remove(tmp)
        raise


@contextmanager
def replacing_set(folder: Path, names: Sequence[str]) -> Iterator[Path]:
    """A temporary folder for the files `names`, moved into `folder` whole when the block succeeds.

    A new `folder` is the temporary folder beside it, renamed into place. Into an existing one the
    files are renamed one by one from a temporary folder inside it (the same file system, a folder
    already proven writable), with SIGINT and SIGTERM held back until the last rename: an
    interrupted export leaves the earlier set whole, never half of each. Other files in `folder`
    are left alone. Each target is checked first, as `check_target` does.
    """
    import tempfile
    from shutil import rmtree

    exists = check_folder(folder, names)
    real = Path(os.path.realpath(folder))
    try:
        tmp = Path(tempfile.mkdtemp(dir=real if exists else real.parent, prefix=f".{real.name}.", suffix=".tmp"))
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(folder)) from None
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        for name in names:
            os.chmod(tmp / name, 0o666 & ~_umask())
        with _signals_held():
            if exists:
                for name in names:
                    check_target(folder / name)
                    os.replace(tmp / name, real / name)
                tmp.rmdir()
            else:
                os.rename(tmp, real)
    except OSError as err:
        rmtree(tmp, ignore_errors=True)
        if err.filename is None or str(err.filename).startswith(str(tmp)):
            raise OSError(err.errno, err.strerror, str(folder)) from None
        raise
    except BaseException:
        rmtree(tmp, ignore_errors=True)
        raise


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for a few renames; one that came is delivered on leaving."""
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _remove(tmp: str) -> None:
    for suffix in _SIDE_FILES:
        Path(tmp + suffix).unlink(missing_ok=True)


def _umask() -> int:
    """The process umask; reading it means setting it, so it is set straight back."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
