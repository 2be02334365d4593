"""Bounded workers: a task that hangs, grows or crashes fails alone; the others come back in order."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from zfxxgk.app.executor import Budget, bounded_map


def square(x: int) -> int:
    return x * x


def misbehave(x: int) -> int:
    if x == 2:
        time.sleep(120)  # hangs
    if x == 4:
        hog = bytearray(600 * 2**20)  # grows far beyond the budget
        time.sleep(120)
        return len(hog)
    if x == 6:
        os._exit(3)  # a crash in a C library kills the process
    if x == 8:
        raise ValueError("坏输入")
    return x * x


def failed(x: int, reason: str) -> str:
    return f"{x}: {reason}"


def test_results_come_in_task_order():
    assert list(bounded_map(square, range(20), 2, Budget(), failed)) == [x * x for x in range(20)]


def test_a_task_that_hangs_grows_crashes_or_raises_fails_alone():
    out = list(bounded_map(misbehave, range(10), 2, Budget(seconds=3, memory=300 * 2**20), failed))
    assert [out[i] for i in (0, 1, 3, 5, 7, 9)] == [0, 1, 9, 25, 49, 81]
    assert "超时" in out[2]
    assert "内存超限" in out[4] or "意外退出" in out[4]
    assert "意外退出" in out[6]
    assert "内部错误" in out[8] and "坏输入" in out[8]


def test_workers_die_with_their_parent(tmp_path):
    """A ``kill -9`` of the process running a batch leaves no worker behind."""
    pids = tmp_path / "pids"
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path[:0] = {sys.path!r}
        from zfxxgk.app.executor import Budget, bounded_map
        from tests.test_executor import failed, sleeper
        for _ in bounded_map(sleeper, [{str(pids)!r}] * 2, 2, Budget(seconds=600), failed):
            pass
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=os.getcwd())
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not pids.exists() or len(pids.read_text().split()) < 2):
            time.sleep(0.1)
        workers = [int(p) for p in pids.read_text().split()]
        assert len(workers) == 2
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers)


def sleeper(path: str) -> None:
    with open(path, "a") as f:
        f.write(f"{os.getpid()}\n")
    time.sleep(600)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


def die(x: int) -> int:
    if x % 3 == 0:
        os._exit(3)  # dies at once: the parent is still queueing work for it
    return x


def test_workers_that_die_at_once_lose_only_their_own_task():
    for _ in range(5):
        out = list(bounded_map(die, range(30), 2, Budget(seconds=30), failed))
        assert [o for i, o in enumerate(out) if i % 3] == [i for i in range(30) if i % 3]
        assert all("意外退出" in out[i] for i in range(0, 30, 3))


def length_or_hang(x: bytes) -> int:
    if x == b"hang":
        time.sleep(120)
    return len(x)


def test_a_large_task_behind_a_stuck_one_does_not_stop_the_budget_checks():
    # an uploaded file travels in the task: sent to a busy worker it would fill the pipe and block the
    # sender until the stuck task ends, and the stuck task is never stopped
    tasks = [b"hang", b"x" * 300_000, b"y" * 300_000, b"ok"]
    out = list(bounded_map(length_or_hang, tasks, 1, Budget(seconds=2), failed))
    assert "超时" in out[0]
    assert out[1:] == [300_000, 300_000, 2]


def test_the_caller_may_stop_early_and_no_worker_is_left():
    import multiprocessing as mp

    before = set(mp.active_children())  # e.g. the OCR pool an earlier test left running on purpose
    results = bounded_map(square, range(1000), 2, Budget(), failed)
    assert [next(results) for _ in range(5)] == [0, 1, 4, 9, 16]
    results.close()
    assert set(mp.active_children()) - before == set()


def test_a_process_with_threads_of_its_own_forks_from_the_fork_server(monkeypatch):
    from zfxxgk.app import executor

    monkeypatch.setattr(executor, "_threads", lambda: 1)
    assert executor._context().get_start_method() == "fork"
    monkeypatch.setattr(executor, "_threads", lambda: 3)  # e.g. an OCR model's thread pool, started in C
    assert executor._context().get_start_method() == "forkserver"
    assert list(bounded_map(square, range(6), 2, Budget(), failed)) == [x * x for x in range(6)]
