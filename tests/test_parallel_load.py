"""A cold load read in several processes gives byte for byte what one process gives: output, cache, errors."""

from __future__ import annotations

import contextlib
import marshal
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, run
from conftest import deadline as timeout

from tungsten_cli import index, load, parallel
from tungsten_cli import validate as validate_module
from tungsten_cli.errors import FactsError, TungstenError
from tungsten_cli.load import BUILTIN, fact_files, validate

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_pack  # the benchmark's pack of shipped-record copies


def _processes(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    monkeypatch.setattr(validate_module, "processes_for", lambda sizes: count)


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,200 copies of the shipped records in 5 files."""
    folder = tmp_path_factory.mktemp("copies")
    make_pack.generate_copies(1200, folder, per_file=250)
    return folder / "pack"


def _pid(item: int) -> tuple[int, int]:
    return item, os.getpid()


def test_workers_are_other_processes_and_results_keep_the_order() -> None:
    results = list(parallel.ordered_map(_pid, range(12), 2))
    assert [item for item, _ in results] == list(range(12))
    assert os.getpid() not in {pid for _, pid in results}
    assert list(parallel.ordered_map(_pid, range(3), 1)) == [(i, os.getpid()) for i in range(3)]


def _dies_at_three(item: int) -> int:
    if item == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
    time.sleep(0.05)
    return item


def _slow(item: int) -> int:
    time.sleep(5)
    return item


@pytest.fixture
def deadline() -> Iterator[None]:
    """A hang fails the test after 60 s instead of stopping the suite."""
    with timeout(60, "hung"):
        yield


def test_a_worker_that_dies_fails_the_load_instead_of_hanging(deadline: None) -> None:
    with pytest.raises(TungstenError, match="worker process reading the fact packs died"):
        list(parallel.ordered_map(_dies_at_three, range(8), 2))
    assert _ended()


def _ended() -> bool:
    """No worker left within 10 s (terminated workers take a moment to go on a busy machine)."""
    for _ in range(100):
        if not multiprocessing.active_children():
            return True
        time.sleep(0.1)
    return False


def test_ctrl_c_ends_the_workers_at_once(deadline: None) -> None:
    """Interrupted while the workers are busy: they are ended, not left to finish their 5 s items."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # whatever an earlier test left
    started = time.monotonic()
    threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()  # the workers ignore it; this process stops
    try:
        with pytest.raises(KeyboardInterrupt):
            list(parallel.ordered_map(_slow, range(6), 2))
    finally:
        signal.signal(signal.SIGINT, previous)
    assert time.monotonic() - started < 3
    assert _ended()


def test_ctrl_c_ends_the_workers_even_under_the_clis_sigterm_handler(deadline: None) -> None:
    """The CLI raises Terminated on SIGTERM (entry._terminated); forked workers must not inherit it,
    or `terminate()` is caught as an item's error and the workers outlive the run."""
    from tungsten_cli.entry import _terminated

    previous = signal.signal(signal.SIGINT, signal.default_int_handler), signal.signal(signal.SIGTERM, _terminated)
    workers: list[multiprocessing.process.BaseProcess] = []

    def interrupt() -> None:
        workers.extend(multiprocessing.active_children())
        os.kill(os.getpid(), signal.SIGINT)

    threading.Timer(0.5, interrupt).start()
    try:
        with pytest.raises(KeyboardInterrupt):
            list(parallel.ordered_map(_slow, range(6), 2))
    finally:
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])
    assert _ended()
    assert workers and {worker.exitcode for worker in workers} == {-signal.SIGTERM}


def test_ctrl_c_between_two_files_results_ends_the_workers_there(copies: Path, deadline: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted in the loop that takes the workers' results, between two files: the CLI then leaves
    by os._exit while the traceback still holds the generator, which is never collected, so the
    workers must be ended as the loop is left (they ran on, orphaned, in about 1 Ctrl-C in 8)."""
    _processes(monkeypatch, 2)

    def interrupted(blob: bytes) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(validate_module, "marshal", types.SimpleNamespace(dumps=marshal.dumps, loads=interrupted))
    with pytest.raises(KeyboardInterrupt) as caught:
        validate(fact_files([str(copies)]))
    assert caught.value.__traceback__ is not None  # held, as the CLI holds it while it exits
    assert _ended()


def _gone(pid: int) -> bool:
    """Ended (reaped, or a zombie left for its parent) within 10 s."""
    for _ in range(100):
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"):
                return True
        except (FileNotFoundError, ProcessLookupError):
            return True
        time.sleep(0.1)
    return False


@contextlib.contextmanager
def _ctrl_c_at_fork(monkeypatch: pytest.MonkeyPatch, nth: int) -> Iterator[list[int]]:
    """Ctrl-C to this process right after its `nth` fork (in the parent), expected to stop what the
    block runs; yields the pids forked."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    forked: list[int] = []
    fork = os.fork

    def forking() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
            if len(forked) == nth:
                signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        return pid

    monkeypatch.setattr(os, "fork", forking)
    try:
        with pytest.raises(KeyboardInterrupt):
            yield forked
    finally:
        signal.signal(signal.SIGINT, previous)
        monkeypatch.undo()


def _gone_then_killed(pids: list[int]) -> list[bool]:
    """Whether each process ended by itself; then none is left running (a process left behind would
    hold the test run's output open)."""
    ended = [_gone(pid) for pid in pids]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return ended


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_between_the_workers_forks_ends_them_all(deadline: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Held back while forking: a worker forked after the parent took Ctrl-C was never listed, so never ended."""
    with _ctrl_c_at_fork(monkeypatch, 1) as forked:  # Ctrl-C between the first fork and the second
        list(parallel.ordered_map(_slow, range(6), 2))
    assert _gone_then_killed(forked) == [True, True]


def _sleeps() -> int:
    time.sleep(30)
    return 1


def test_ctrl_c_as_the_comparison_child_is_forked_ends_it(deadline: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Held back over the fork: delivered before `Beside` knew its child, the child went on alone."""
    monkeypatch.setattr(parallel, "_cores", lambda: 2)
    with _ctrl_c_at_fork(monkeypatch, 1) as forked, parallel.beside(_sleeps, fork=True):
        pass
    assert _gone_then_killed(forked) == [True]


_INTERRUPTED_UNDER_SIGPIPE_DEFAULT = """
import os, signal, sys, threading, time
from tungsten_cli import parallel

def slow(item):
    time.sleep(5)
    return item

signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # as the CLI's entry sets it
for _ in range(5):  # the pool's thread wrote to the ended workers in about half the runs
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        list(parallel.ordered_map(slow, range(6), 2))
    except KeyboardInterrupt:
        time.sleep(0.5)  # the pool's threads go on after the workers were ended
sys.exit(130)
"""


def test_ctrl_c_under_the_clis_sigpipe_default_ends_with_the_runs_own_status() -> None:
    """Not status 141 and no message: SIGPIPE from the pool's queue writing to the ended workers."""
    done = subprocess.run([sys.executable, "-c", _INTERRUPTED_UNDER_SIGPIPE_DEFAULT], capture_output=True, timeout=60, check=False)
    assert (done.returncode, done.stderr) == (130, b"")


def test_small_loads_stay_in_this_process() -> None:
    assert parallel.processes_for([parallel.MIN_PARALLEL_BYTES - 1, 0]) == 1
    assert parallel.processes_for([parallel.MIN_PARALLEL_BYTES * 4]) == 1  # one file
    assert parallel.processes_for([parallel.MIN_PARALLEL_BYTES] * 2) == min(2, len(os.sched_getaffinity(0)))


@pytest.mark.parametrize("command", [["facts", "--json"], ["crosscheck", "--json"], ["revisions"], ["deposits", "--country", "KZ"]])
def test_parallel_and_serial_loads_print_the_same_bytes_and_write_the_same_cache(
    copies: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    outputs, caches = [], []
    for count in (2, 1):
        _processes(monkeypatch, count)
        monkeypatch.setattr(index, "MIN_BESIDE", 0 if count > 1 else 10**9)  # the comparison tables in a child, or here
        monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / f"cache-{count}"))
        result = run(*command, "--facts", BUILTIN, "--facts", str(copies))
        assert result.exit_code == 0, result.stderr
        outputs.append(result.stdout)
        caches.append({p.name: p.read_bytes() for p in (tmp_path / f"cache-{count}").iterdir()})
    assert outputs[0] == outputs[1] and outputs[0]
    assert caches[0] == caches[1] and len(caches[0]) == 1


def _break(pack: Path) -> None:
    """Problems in every file, of every kind a file or the merge finds."""
    parts = sorted(pack.glob("part-*.yaml"))
    texts = [part.read_text(encoding="utf-8") for part in parts]
    starts = [i for i in range(len(texts[0])) if texts[0].startswith("- id:", i)]
    texts[2] += texts[0][starts[1] : starts[2]]  # an id of the first file again
    texts[0] = texts[0].replace('  org_kind: "company"', '  org_kind: "company"\n  colour: "red"', 1)  # unknown field
    texts[1] += "- kind: [unclosed\n"  # a syntax error
    texts[3] = texts[3].replace('  kind: "figure"', '  kind: "figure"\n  kind: "figure"', 1)  # a repeated key
    texts[4] = texts[4].replace('    - org: "copy', '    - org: "nobody-', 1)  # a link to a missing organisation
    for part, text in zip(parts, texts):
        part.write_text(text, encoding="utf-8")


def _errors_both_ways(monkeypatch: pytest.MonkeyPatch, paths: list[str]) -> list[FactsError]:
    """The FactsError of a load read by two worker processes, then of one in this process."""
    errors = []
    for count in (2, 1):
        _processes(monkeypatch, count)
        with pytest.raises(FactsError) as raised:
            validate(fact_files(paths))
        errors.append(raised.value)
    return errors


def test_a_broken_pack_gives_the_same_problems_in_the_same_order(copies: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for part in copies.iterdir():
        (broken / part.name).write_bytes(part.read_bytes())
    _break(broken)
    problems = [error.problems for error in _errors_both_ways(monkeypatch, [BUILTIN, str(broken)])]
    messages = []
    for count in (2, 1):
        _processes(monkeypatch, count)
        result = run("validate", BUILTIN, str(broken))
        assert result.exit_code == 1
        messages.append(result.stderr)
    assert problems[0] == problems[1]
    assert messages[0] == messages[1]
    files = {Path(p.file).name for p in problems[0]}
    assert files == {f"part-000{n}.yaml" for n in range(1, 6)}
    text = messages[0]
    for expected in ("unknown field", "duplicate id", "no organization with id 'nobody-", "duplicate key"):
        assert expected in text


def test_an_oversized_file_read_by_a_worker_fails_as_in_one_process(copies: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker reads its files itself: the size limit it enforces comes back as the same one problem."""
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 100_000)  # the copies' files are larger; the shipped ones smaller
    errors = _errors_both_ways(monkeypatch, [BUILTIN, str(copies)])
    problems = [error.problems for error in errors]
    assert problems[0] == problems[1] and str(errors[0]) == str(errors[1])
    assert [p.message for p in problems[0]] == [
        f"file is {(copies / 'part-0001.yaml').stat().st_size:,} bytes, over the 100,000-byte limit"
    ]


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value


def test_work_beside_runs_in_a_child_and_gives_its_result() -> None:
    with parallel.beside(lambda: _pid_and(7), fork=True) as child:
        pid, value = child.result()
    assert value == 7 and pid != os.getpid()
    assert child.result() == (pid, 7)  # computed once
    with parallel.beside(lambda: _pid_and(8), fork=False) as here:
        assert here.result() == (os.getpid(), 8)


def test_a_child_that_dies_costs_only_time(deadline: None) -> None:
    """Killed (as by the OOM killer) or failing in the child: the work is done again here."""
    parent = os.getpid()

    def dies_in_the_child() -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return 5

    with parallel.beside(dies_in_the_child, fork=True) as child:
        assert child.result() == 5
    with parallel.beside(lambda: {"not marshallable": object()}, fork=True) as child, pytest.raises(ValueError):
        child.result()  # fails in the child, then here, raising what it raises


def test_leaving_without_the_result_ends_the_child(deadline: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ended at once, not waited for: an error or Ctrl-C during a cold load must not sit out the comparison tables."""
    monkeypatch.setattr(parallel, "_cores", lambda: 2)  # a child even on a single-core runner
    with parallel.beside(lambda: time.sleep(30), fork=True) as child:
        assert child._child is not None
        pid = child._child[0]
        started = time.monotonic()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped
