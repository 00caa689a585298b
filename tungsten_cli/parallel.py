"""Run one function over pack files in worker processes, the results coming back in the files' order.

A cold load parses and validates each file on its own (the checks between records come after), so
the files can go to several processes; taking the results in the order the files were given makes
everything built from them (records, ids, problems and their order) the same as in one process.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

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
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, len(sizes))


def ordered_map(work: Callable[[Item], Result], items: Iterable[Item], processes: int) -> Iterator[Result]:
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
        yield from pool.map(work, items)
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

    pool.shutdown(wait=False, cancel_futures=True)
    children = [child for child in multiprocessing.active_children() if child not in others]
    for child in children:
        child.terminate()
    for child in children:
        child.join(1)


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
