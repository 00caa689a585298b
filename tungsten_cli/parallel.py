"""Run one function over pack files in worker processes, the results coming back in the files' order;
and one computation beside the rest of a cold load, in a forked child.

A cold load parses and validates each file on its own (the checks between records come after), so
the files can go to several processes; taking the results in the order the files were given makes
everything built from them (records, ids, problems and their order) the same as in one process.
"""

from __future__ import annotations

import gc
import marshal
import os
import signal
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from tungsten_cli.errors import TungstenError

if TYPE_CHECKING:
    from concurrent.futures import Executor  # imported only by a parallel load: 6 ms
    from multiprocessing.process import BaseProcess

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many bytes of YAML a load stays in this process. Measured (fresh processes, median of 7,
# serial against two workers, on 2 cores that 7 other jobs shared, load average 4.6-7): the built-in
# set (0.5 MB in 30 files) 97 against 168 ms, where forking and sending the records back cost more
# than half the parse saves; 1,000 copies of the shipped records (1.4 MB) 1.40 against 1.03 s.
MIN_PARALLEL_BYTES = 1_000_000


def processes_for(sizes: Sequence[int]) -> int:
    """How many processes to read files of these sizes with: 1 (this one) for a small load, a single
    file or a single core, otherwise one per core this process may run on, at most one per file."""
    if len(sizes) < 2 or sum(sizes) < MIN_PARALLEL_BYTES or not hasattr(os, "fork"):
        return 1
    return min(_cores(), len(sizes))


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def ordered_map(work: Callable[[Item], Result], items: Iterable[Item], processes: int) -> Generator[Result, None, None]:
    """`map(work, items)`, in `processes` forked workers when more than one; results in the items' order.

    Forked, not spawned: the workers start with the parser and the models already imported (spawning
    would import pydantic again in each, about 0.3 s). A worker that dies (killed, out of memory)
    fails the load with one line, where a multiprocessing.Pool would wait for its result forever.
    Workers ignore Ctrl-C, which reaches the whole process group: this process alone stops, ends
    the workers and leaves as any interrupted run does.
    """
    if processes < 2:
        yield from map(work, items)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    others = set(multiprocessing.active_children())  # a library caller's own processes, left alone
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_interrupt)
    try:
        with _interrupt_held():  # pool.map forks every worker now, submitting every item
            results = pool.map(work, items)
        yield from results
    except BrokenProcessPool:
        _stop(pool, others)
        raise TungstenError("a worker process reading the fact packs died (killed, or out of memory?); nothing was cached") from None
    except BaseException:  # Ctrl-C, or the caller stopped reading
        _stop(pool, others)
        raise
    pool.shutdown()


def _stop(pool: Executor, others: set[BaseProcess]) -> None:
    """Cancel what is queued and end the workers now, not after the files they are reading."""
    import multiprocessing

    if hasattr(signal, "SIGPIPE") and threading.current_thread() is threading.main_thread():
        # The pool's queue thread may still write to the workers ended below. The pool silences that
        # EPIPE, but under the CLI's SIGPIPE default (a quiet exit for a closed stdout) the signal
        # ended the run with status 141 and no message (5 of 16 Ctrl-Cs during a cold load). The
        # run is ending: that default is not needed again.
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    pool.shutdown(wait=False, cancel_futures=True)
    children = [child for child in multiprocessing.active_children() if child not in others]
    for child in children:
        child.terminate()
    for child in children:
        child.join(1)


def _ignore_interrupt() -> None:
    """A forked process's signals: Ctrl-C is the parent's to handle; SIGTERM and SIGHUP end it at once.
    The CLI's handler for those (raise `Terminated`) is inherited through fork: a pool worker caught
    what it raised as an item's result, ignored `terminate()`, and outlived an interrupted run
    waiting for work (two orphans per Ctrl-C during a cold load), or printed a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)  # held since the fork (_interrupt_held)


_HELD = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)}


@contextmanager
def _interrupt_held() -> Iterator[None]:
    """Ctrl-C (and SIGTERM, SIGHUP) held back while the workers are forked, delivered when they all
    are: one arriving between a fork and a worker's `_ignore_interrupt` printed a KeyboardInterrupt
    traceback from the worker, one arriving in the parent before a new worker was listed left that
    worker orphaned."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


class Beside(Generic[Result]):
    """`work()` computed in a forked child while this process goes on (`beside`); `result()` waits for it.

    The child shares this process's memory as it was (copy on write) and sends back only the result,
    marshalled: a plain value (dicts, lists, tuples, strings, numbers, frozensets). A child that fails
    or dies costs only time: `result()` then computes `work()` here, raising what it raises. Leaving
    the `with` block without the result ends the child. Without a child the result is marshalled and
    read back all the same: what is built from it (the cache) is then the same bytes either way.
    """

    def __init__(self, work: Callable[[], Result], fork: bool) -> None:
        self._work = work
        self._done = False
        self._value: Result
        self._child: tuple[int, int] | None = None  # pid, read end of the pipe
        if fork and hasattr(os, "fork") and _cores() > 1:
            try:  # held over the fork: in the child, a Ctrl-C before its `_ignore_interrupt` ran this
                # process's code there (the run's message twice); here, one before `_child` was set left the child running
                with _interrupt_held():
                    self._child = _forked(work)
            except BaseException:
                self.__exit__(None, None, None)
                raise

    def result(self) -> Result:
        """The result, computed once (asked for again, the same object)."""
        if not self._done:
            self._value, self._done = self._received(), True
        return self._value

    def _received(self) -> Result:
        if self._child is None:
            return self._here()
        pid, read_end = self._child
        self._child = None
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        return cast(Result, marshal.loads(data)) if status == 0 else self._here()

    def _here(self) -> Result:
        """Marshalled too, so the result is the same either way, down to which objects it shares (marshal notes those)."""
        return cast(Result, marshal.loads(marshal.dumps(cast(Any, self._work()))))

    def __enter__(self) -> Beside[Result]:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self._child is not None:  # an error or Ctrl-C before the result was taken
            pid, read_end = self._child
            self._child = None
            os.kill(pid, signal.SIGKILL)
            os.close(read_end)
            os.waitpid(pid, 0)


def beside(work: Callable[[], Result], *, fork: bool) -> Beside[Result]:
    """Start `work` beside what this process does next: in a forked child when `fork` and there is a
    core for it, else (or on a system without fork) when its result is asked for."""
    return Beside(work, fork)


def _forked(work: Callable[[], Result]) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return pid, read_end
    status = 1
    try:  # the child: whatever happens, it leaves by os._exit, never through the parent's code
        os.close(read_end)
        _ignore_interrupt()
        gc.disable()
        data = marshal.dumps(cast(Any, work()))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        status = 0
    finally:
        os._exit(status)
