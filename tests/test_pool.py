"""The worker pool of `build` (treatykg.pool): limits per input, workers that die, and workers
that die with their parent. Each test's slow input would hang or exhaust the machine if a limit
did not hold; the tests assert the reasons a user reads."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pool_jobs
import pytest
from treatykg import pool


def run(fn, args_by_key, **kwargs):
    got = {}
    pool.run(fn, ((k, a) for k, a in args_by_key.items()), lambda k, r: got.__setitem__(k, r), **kwargs)
    return got


def test_every_input_gets_its_result_from_the_workers():
    got = run(pool_jobs.echo, {i: (i,) for i in range(20)}, workers=2)
    assert got == {i: 2 * i for i in range(20)}


def test_an_exception_fails_that_input_only_with_its_type_and_message():
    got = run(pool_jobs.raises, {"a": (1,)}, workers=1)
    assert got == {"a": pool.Failed("ValueError: bad input 1")}
    got = run(pool_jobs.echo, {"b": (2,)}, workers=1)
    assert got == {"b": 4}


@pytest.mark.parametrize("workers", [1, 2])
def test_an_input_over_the_time_limit_fails_and_the_others_go_on(workers):
    """With one worker, the inputs queued behind the slow one go to the worker that replaces it."""
    jobs = {"slow": (120,), "quick-1": (0,), "quick-2": (0,)}
    got = run(pool_jobs.sleeps, jobs, workers=workers, limits=pool.Limits(seconds=1),
              limit_names=("the time limit per document, --time-limit", "m"))
    assert isinstance(got["slow"], pool.Failed)
    assert got["slow"].reason == "took longer than 1 s (the time limit per document, --time-limit); stopped"
    assert got["quick-1"] == got["quick-2"] == "woke up"


def test_an_input_over_the_memory_limit_fails_and_the_others_go_on():
    got = run(pool_jobs.hogs, {"big": (600,)}, workers=1, limits=pool.Limits(memory=300 << 20),
              limit_names=("t", "the memory limit per document, --memory-limit"))
    assert got["big"] == pool.Failed("needed more than 300 MB of memory "
                                     "(the memory limit per document, --memory-limit); stopped")
    assert run(pool_jobs.echo, {"next": (1,)}, workers=1, limits=pool.Limits(memory=300 << 20)) == {"next": 2}


def test_a_worker_killed_from_outside_fails_only_its_input():
    got = run(pool_jobs.dies_on_zero, {i: (i,) for i in range(5)}, workers=2)
    assert got[0] == pool.Failed("the worker process was killed by SIGKILL (out of memory?)")
    assert [got[i] for i in range(1, 5)] == [2, 4, 6, 8]


PARENT = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[2])
    import pool_jobs
    from treatykg import pool
    if __name__ == "__main__":
        pool.run(pool_jobs.sleeps, [("k", (300, sys.argv[1]))], lambda k, r: None, workers=1)
""")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead, only not yet reaped
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _wait_for(predicate, seconds: float = 20) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_workers_die_with_their_parent_killed_with_sigkill(tmp_path):
    pidfile = tmp_path / "worker.pid"
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(pidfile), str(Path(__file__).parent)])
    try:
        assert _wait_for(lambda: pidfile.is_file() and pidfile.read_text().strip()), "the worker never started"
        worker = int(pidfile.read_text())
        assert _alive(worker)
        parent.kill()
        parent.wait()
        assert _wait_for(lambda: not _alive(worker)), "the worker outlived its parent"
    finally:
        parent.kill()
