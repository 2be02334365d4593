"""Feed mutated and hand-made hostile files to the parser and checker, each in a bounded worker.

An input passes when ``parse_bytes`` returns a report (then ``check`` must return too) or raises
``ParseError`` with a reason; anything else is a *crash*, a worker stopped for time is a *hang*, one
stopped for memory an *exhausted* input. The same budget guards every real run (``app.executor``).

    python -m fuzz.harness --seconds 600 --out /tmp/fuzz      # a long run; findings saved as files
    python -m fuzz.harness --inputs 300                       # the short run CI does (tests/test_fuzz.py)

With atheris installed (``pip install atheris``), ``python -m fuzz.harness --atheris`` runs the same
target under libFuzzer's coverage-guided mutation instead.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from zfxxgk.app.executor import Budget, bounded_map
from zfxxgk.check import check
from zfxxgk.parse import ParseError, parse_bytes
from zfxxgk.render import render_template

# Fragments that broke readers before (issue 16's audit) or that stress a reader's limits.
HOSTILE = [
    b'"1E999999999"', b"9" * 5000, b"1E+30", b"12 345 678", b"\xd9\xa3\xd9\xa4", b"\xe2\x91\xa0",
    b'<td rowspan="99999" colspan="99999">', b"<div>" * 1500, b"<table><tr><td>" * 300,
    b'<meta charset="undefined">', b"\xff\xfe\x41", b"\x00" * 64, b"\n" * 20000, b"=SUM(A1:XFD1048576)",
    b'w:gridSpan w:val="4294967296"', b'w:gridSpan w:val="x"', b"[" * 5000, b"a: " * 3000, b"\xef\xbb\xbf",
    "重复 ".encode() * 3000, b"/MediaBox [0 0 99999999 99999999]", b"A1:B2:C3",
]


@dataclass(slots=True)
class Tally:
    """What a run found."""

    inputs: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    findings: list[tuple[str, str, str]] = field(default_factory=list)  # (name, outcome, detail)
    peak_mb: float = 0.0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        """JSON form (the docs' figures)."""
        return {"inputs": self.inputs, "outcomes": dict(self.outcomes), "peak_worker_mb": round(self.peak_mb, 1),
                "seconds": round(self.seconds, 1), "findings": self.findings[:50]}


def target(case: tuple[str, bytes]) -> tuple[str, str, str, float]:
    """Parse and check one input: (name, ok | refused | crash, detail, worker peak MB)."""
    name, data = case
    try:
        report = parse_bytes(data, name)
        check(report)
        outcome, detail = "ok", ""
    except ParseError as e:
        outcome, detail = "refused", e.reason[:200]
    except Exception as e:  # noqa: BLE001 - the point: every other exception is a finding
        outcome, detail = "crash", f"{type(e).__name__}: {str(e)[:200]}"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return name, outcome, detail, peak


def stopped(case: tuple[str, bytes], reason: str) -> tuple[str, str, str, float]:
    """A worker stopped by its budget."""
    kind = "hang" if "超时" in reason else "exhausted" if "内存" in reason else "crash"
    return case[0], kind, reason, 0.0


def seeds() -> list[tuple[str, bytes]]:
    """Real sample reports and one synthetic report of every format the reader knows."""
    from zfxxgk import synth

    root = Path(__file__).resolve().parents[1] / "src" / "zfxxgk" / "samples"
    out = [(p.name, p.read_bytes()) for p in sorted(root.glob("*.txt"))]
    for i, fmt in enumerate(synth.FORMATS):
        out.append((f"seed{i}.{fmt}", synth.write_bytes(synth.plan(i, 7, fmt, None, 0.3))))
    report = synth.plan(9, 7, "txt", None, 0.0).report
    out.append(("seed.xlsx", render_template(report)))  # the filled 填报模板
    data = report.to_dict()
    data["sections"] = {str(n): s.text for n, s in report.sections.items()}
    out.append(("seed.json", json.dumps(data, ensure_ascii=False).encode()))
    return out


def _mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        pos = rng.randrange(len(b) + 1)
        if op < 0.35:
            b[pos:pos] = rng.choice(HOSTILE)
        elif op < 0.55 and b:
            for _ in range(rng.randint(1, 16)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif op < 0.7 and b:
            end = min(len(b), pos + rng.randint(1, 4096))
            b[pos:pos] = bytes(b[pos:end]) * rng.randint(2, 20)  # repeat a piece
        elif op < 0.85:
            del b[pos:pos + rng.randint(1, 2048)]
        else:
            del b[pos:]  # truncate
    return bytes(b)


def mutate(rng: random.Random, name: str, data: bytes) -> bytes:
    """A mutant of a seed: bytes, or the XML parts inside a DOCX/XLSX (so the zip itself still opens)."""
    if data[:2] == b"PK" and rng.random() < 0.7:
        try:
            src = zipfile.ZipFile(io.BytesIO(data))
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in src.infolist():
                    part = src.read(info)
                    if info.filename.endswith(".xml") and rng.random() < 0.5:
                        part = _mutate_bytes(rng, part)
                    dst.writestr(info.filename, part)
            return buf.getvalue()
        except (zipfile.BadZipFile, ValueError, OSError):
            pass
    return _mutate_bytes(rng, data)


def cases(n: int | None, seed: int, deadline: float | None) -> Iterator[tuple[str, bytes]]:
    """``n`` inputs (or until ``deadline``): the hostile fragments alone, then mutants of the seeds."""
    rng = random.Random(seed)
    pool = seeds()
    made = 0
    for i, frag in enumerate(HOSTILE):
        for ext in ("txt", "html", "json"):
            if n is not None and made >= n:
                return
            yield f"hostile{i}.{ext}", frag * (1 if len(frag) > 100 else 50)
            made += 1
    while (n is None or made < n) and (deadline is None or time.monotonic() < deadline):
        name, data = rng.choice(pool)
        yield f"m{made}-{name}", mutate(rng, name, data)
        made += 1


def run(n: int | None = None, seconds: float | None = None, seed: int = 1, workers: int = 2,
        budget: Budget | None = None, out: Path | None = None) -> Tally:
    """Fuzz ``n`` inputs (or for ``seconds``) on ``workers`` bounded workers; save findings under ``out``."""
    budget = budget or Budget(seconds=20)  # the real runs' memory budget: OCR of a 3-page scan takes ~1 GB
    start = time.monotonic()
    tally = Tally()
    kept: dict[str, bytes] = {}
    source = cases(n, seed, start + seconds if seconds else None)

    def remember() -> Iterator[tuple[str, bytes]]:
        for case in source:
            kept[case[0]] = case[1]
            yield case

    for name, outcome, detail, peak in bounded_map(target, remember(), workers, budget, stopped):
        data = kept.pop(name, b"")
        tally.inputs += 1
        tally.outcomes[outcome] += 1
        tally.peak_mb = max(tally.peak_mb, peak)
        if outcome in ("crash", "hang", "exhausted"):
            tally.findings.append((name, outcome, detail))
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                (out / f"{outcome}-{name}").write_bytes(data)
    tally.seconds = time.monotonic() - start
    return tally


def TestOneInput(data: bytes) -> None:  # noqa: N802 - atheris' name
    """The atheris entry point: the file name's extension is taken from the first byte."""
    exts = ("txt", "html", "docx", "xlsx", "pdf", "json", "yaml", "md")
    name, outcome, detail, _ = target((f"input.{exts[data[0] % len(exts)] if data else 'txt'}", data[1:]))
    if outcome == "crash":
        raise RuntimeError(detail)


def main(argv: list[str] | None = None) -> int:
    """The command line: a short or long run, or atheris."""
    ap = argparse.ArgumentParser(description="zfxxgk 解析器模糊测试")
    ap.add_argument("--inputs", type=int, help="输入个数")
    ap.add_argument("--seconds", type=float, help="运行时长（秒）")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, help="保存崩溃、超时、超内存的输入")
    ap.add_argument("--atheris", action="store_true", help="用 atheris（libFuzzer）运行")
    args = ap.parse_args(argv)
    if args.atheris:
        import atheris  # type: ignore[import-not-found]

        atheris.Setup(sys.argv[:1], TestOneInput)
        atheris.Fuzz()
        return 0
    tally = run(args.inputs, args.seconds, args.seed, args.workers, out=args.out)
    print(json.dumps(tally.to_dict(), ensure_ascii=False, indent=1))
    return 1 if tally.findings else 0


if __name__ == "__main__":
    sys.exit(main())
