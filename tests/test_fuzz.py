"""The short fuzz run (docs/fuzzing.md has the long one): hostile fragments and mutants of every format,
each in a bounded worker — no crash, no hang, no worker beyond its memory budget."""

from __future__ import annotations

from fuzz.harness import HOSTILE, cases, run, seeds, stopped, target


def test_short_fuzz_run_finds_nothing():
    tally = run(n=240, seed=20261206, workers=2)
    assert tally.inputs == 240
    assert tally.findings == []
    assert tally.outcomes["ok"] > 0 and tally.outcomes["refused"] > 0


def test_the_harness_can_fail():
    """A crash, a hang and an exhausted worker are each reported (the run is not vacuous)."""
    assert target(("x.txt", b"\xff" * 3))[1] in ("ok", "refused")
    assert stopped(("a.txt", b""), "处理超时（超过 20 秒）")[1] == "hang"
    assert stopped(("a.txt", b""), "处理时内存超限")[1] == "exhausted"
    assert stopped(("a.txt", b""), "处理进程意外退出")[1] == "crash"


def test_every_format_is_seeded_and_every_fragment_is_tried():
    exts = {name.rsplit(".", 1)[-1] for name, _ in seeds()}
    assert {"txt", "html", "docx", "xlsx", "pdf"} <= exts
    names = [name for name, _ in cases(len(HOSTILE) * 3, 1, None)]
    assert len(names) == len(HOSTILE) * 3
