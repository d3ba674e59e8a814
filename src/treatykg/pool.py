"""Run one function over many inputs in worker processes, each input under a time and memory limit.

:func:`run` is what ``build`` uses to convert a collection. Rules:

* **One input per worker at a time.** Each worker is a spawned process that takes one input,
  runs the function and sends back its result, so the parent knows which input every worker
  holds and since when.
* **Limits per input.** An input that runs longer than ``Limits.seconds``, or whose worker's
  resident memory grows past ``Limits.memory`` bytes, has its worker killed; the input fails
  with a reason naming the limit, a new worker takes the killed one's place, and the other
  inputs go on. Memory is read from ``/proc/PID/statm`` every ``poll`` seconds (Linux); where
  there is no ``/proc`` only the time limit holds.
* **A worker that dies fails only its input** (killed from outside, the kernel's OOM killer,
  a crash in native code): the reason says how it died, and a new worker goes on.
* **Workers die with the parent.** On Linux each worker asks the kernel to kill it when the
  parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``: after ``kill -9`` of the parent too),
  and everywhere a worker leaves when its pipe to the parent closes.
* **Ctrl-C is the parent's.** A terminal sends SIGINT to the whole process group; workers
  ignore it, so only the parent sees ``KeyboardInterrupt``: it kills its workers and lets the
  interrupt go on, once, without worker tracebacks.
* An exception raised by the function is a failure of that input (its type and message), not
  of the run; the function should catch what it expects and return a result instead.
"""
from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from collections import deque
from contextlib import contextmanager
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import connection, get_context
from typing import Any, Hashable

__all__ = ["Limits", "Failed", "run", "default_memory_limit", "worker_setup"]


@dataclass(frozen=True)
class Limits:
    """How long one input may run (seconds) and how much resident memory its worker may use
    (bytes); ``None`` means no limit."""

    seconds: float | None = None
    memory: int | None = None


@dataclass(frozen=True)
class Failed:
    """What :func:`run` hands over instead of a result when an input failed in its worker:
    ``reason`` is one line ("took longer than 300 s (the time limit per document)")."""

    reason: str


def default_memory_limit(workers: int) -> int | None:
    """A memory limit per worker that leaves the machine standing with ``workers`` at work:
    the physical memory shared by the workers and the parent (one share each), or ``None``
    where the memory size is unknown."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
    return total // (max(1, workers) + 1) if total > 0 else None


def _megabytes(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB"


# ---------------------------------------------------------------- the worker side
def worker_setup(parent: int) -> None:
    """What every worker process does first: leave SIGINT to the parent ``parent`` (its pid),
    and die when it dies. Also an ``initializer`` for other pools of worker processes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the pipe still ends us
            pass
    if os.getppid() != parent:  # the parent died before we asked
        os._exit(1)


def _serve(conn, fn: Callable[..., Any], parent: int) -> None:
    """A worker: run ``fn`` on each job that comes down ``conn`` until the pipe closes.

    The garbage collector: after the first job, what it imported and cached (modules, the
    compiled shapes, the gazetteer) is frozen out of the collector's sight, and its youngest
    generation is collected every 20,000 allocations instead of 700: a job allocates many
    short-lived objects that reference counting frees, and scanning them again and again
    cost a few per cent of each job. Cycles are still collected.
    """
    worker_setup(parent)
    first = True
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            answer: tuple[str, Any] = ("ok", fn(*job))
        except BaseException as exc:  # noqa: BLE001 - a failure of this input, not of the worker
            answer = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(answer)
        except (OSError, EOFError):  # the parent is gone
            return
        except Exception as exc:  # noqa: BLE001 - the result cannot be pickled
            conn.send(("error", f"the result cannot be sent back: {type(exc).__name__}: {exc}"))
        if first:
            first = False
            gc.collect()
            gc.freeze()
            gc.set_threshold(20_000, 10, 10)


# ---------------------------------------------------------------- the parent side
#: Jobs sent to a worker ahead of the one it runs: it never waits for the parent between two.
_AHEAD = 1


class _Worker:
    def __init__(self, ctx, fn: Callable[..., Any]):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, fn, os.getpid()), daemon=True)
        with _interrupts_ignored():  # from its first instruction: a Ctrl-C during its imports is ours
            self.proc.start()
        child.close()
        self.jobs: deque[tuple[Hashable, tuple]] = deque()  # sent, in order; the first is running
        self.since = 0.0  # when the first began (as far as the parent can tell)

    def give(self, job: tuple[Hashable, tuple]) -> None:
        self.conn.send(job[1])
        if not self.jobs:
            self.since = time.monotonic()
        self.jobs.append(job)

    def done(self) -> Hashable:
        """The first job is finished: its key; the next one (if any) runs from now."""
        key, _ = self.jobs.popleft()
        self.since = time.monotonic()
        return key

    def resident(self) -> int | None:
        """The worker's resident memory in bytes, or None where it cannot be read."""
        try:
            with open(f"/proc/{self.proc.pid}/statm", "rb") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return None

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, ValueError):  # pragma: no cover - already gone
            pass
        self.proc.join()
        self.conn.close()

    def stop(self) -> None:
        """Ask an idle worker to leave; kill it if it does not."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.proc.join(timeout=2)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


@contextmanager
def _interrupts_ignored():
    """SIGINT ignored while a worker is started: the child inherits the disposition through
    exec, and Python keeps ignoring a signal it starts with ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        why = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"the worker process was killed by {name}{why}"
    return f"the worker process ended (exit code {exitcode})"


def run(fn: Callable[..., Any], jobs: Iterable[tuple[Hashable, tuple]], handle: Callable[[Hashable, Any], None],
        *, workers: int, limits: Limits = Limits(), poll: float = 0.1,
        limit_names: tuple[str, str] = ("the time limit", "the memory limit")) -> None:
    """Call ``fn(*args)`` for each ``(key, args)`` of ``jobs`` in ``workers`` spawned processes, and
    ``handle(key, result)`` in this process as each one finishes (in the order they finish).

    ``result`` is what ``fn`` returned, or a :class:`Failed` when the input ran past a limit, its
    worker died, or ``fn`` raised. ``fn`` and its arguments must be picklable (``fn`` a
    module-level function). ``limit_names`` name the limits in reasons ("the time limit per
    document (--time-limit)"). ``handle`` may raise: the workers are killed and the exception
    goes on, as does a ``KeyboardInterrupt``.

    Each worker holds its job and :data:`_AHEAD` more, so that it never waits for this
    process between two; a worker that is killed hands the jobs it had not begun to its
    successor.
    """
    pool = _Pool(fn, iter(jobs), handle, limits, poll, limit_names)
    try:
        for _ in range(max(1, workers)):
            pool.start()
        while pool.workers:
            pool.step()
    except BaseException:
        for w in pool.workers:
            w.kill()
        raise


class _Pool:
    """The workers of one :func:`run` and the jobs not yet given out; one method per event."""

    def __init__(self, fn: Callable[..., Any], queue: Iterator[tuple[Hashable, tuple]],
                 handle: Callable[[Hashable, Any], None], limits: Limits, poll: float,
                 limit_names: tuple[str, str]):
        self.ctx = get_context("spawn")
        self.fn = fn
        self.queue = queue
        self.handle = handle
        self.limits = limits
        self.poll = poll
        self.limit_names = limit_names
        self.workers: list[_Worker] = []

    def fill(self, w: _Worker) -> None:
        """Give ``w`` jobs until it holds :data:`_AHEAD` more than the one it runs."""
        while len(w.jobs) <= _AHEAD:
            job = next(self.queue, None)
            if job is None:
                return
            w.give(job)

    def start(self, backlog: list[tuple[Hashable, tuple]] | None = None) -> None:
        """A new worker for ``backlog`` (jobs a dead worker had not begun) and the next jobs."""
        w = _Worker(self.ctx, self.fn)
        for job in backlog or ():
            w.give(job)
        self.fill(w)
        if w.jobs:
            self.workers.append(w)
        else:
            w.stop()

    def replace(self, w: _Worker, reason: str) -> None:
        """Kill ``w``, fail the job it was running with ``reason``, and start another for the rest."""
        w.kill()
        self.workers.remove(w)
        key, _ = w.jobs.popleft()
        self.handle(key, Failed(reason))
        self.start(list(w.jobs))

    def step(self) -> None:
        """Wait up to ``poll`` seconds, then look at every worker once."""
        waitables = [w.conn for w in self.workers] + [w.proc.sentinel for w in self.workers]
        ready = set(connection.wait(waitables, timeout=self.poll))
        for w in list(self.workers):
            if w.conn in ready:
                self.answered(w)
            elif w.conn.poll():
                continue  # done while we were busy with another: taken next time round
            elif w.proc.sentinel in ready:
                w.proc.join(timeout=1)
                self.replace(w, _death(w.proc.exitcode))
            else:
                self.check_limits(w)

    def answered(self, w: _Worker) -> None:
        """``w`` sent a result (or died trying): hand it over, give ``w`` the next job."""
        try:
            status, value = w.conn.recv()
        except (EOFError, OSError):
            w.proc.join(timeout=1)
            self.replace(w, _death(w.proc.exitcode))
            return
        key = w.done()
        try:
            self.fill(w)
        except OSError:  # it died after answering: the next ones go to a new worker
            w.proc.join(timeout=1)
            self.workers.remove(w)
            w.kill()
            self.start(list(w.jobs))
        self.handle(key, value if status == "ok" else Failed(value))
        if w in self.workers and not w.jobs:
            w.stop()
            self.workers.remove(w)

    def check_limits(self, w: _Worker) -> None:
        """Replace ``w`` when its job has run past the time limit or its memory past the memory limit."""
        limits = self.limits
        if limits.seconds is not None and time.monotonic() - w.since > limits.seconds:
            self.replace(w, f"took longer than {limits.seconds:g} s ({self.limit_names[0]}); stopped")
        elif limits.memory is not None:
            rss = w.resident()
            if rss is not None and rss > limits.memory:
                self.replace(w, f"needed more than {_megabytes(limits.memory)} of memory "
                                f"({self.limit_names[1]}); stopped")
