"""Dashboard at scale: build a store of N current reports (synthetic, many units and regions), then time
the statistics page: cold (no stored summary: every report read), from the stored summaries (a new
process), after one review decision (one region summed again), warm (in memory), 50 concurrent requests
(memory cache emptied), and the full computation an export makes.

    python benchmarks/bench_dashboard.py -n 20000 --db /tmp/dash.db

Peak memory is the process's maximum resident size (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import resource
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import delete

from zfxxgk import synth
from zfxxgk.check import check
from zfxxgk.store import Store, prepare
from zfxxgk.store import dashboard as dash
from zfxxgk.store.schema import SummaryRow


def build(store: Store, n: int, year: int) -> None:
    """N reports of N units in ~n/400 counties of 10 cities (one parse, renamed per unit)."""
    base = synth.plan(1, 7, "txt", None, 0.0).report
    data = synth.write_bytes(synth.plan(1, 7, "txt", None, 0.0))
    findings = check(base).findings
    batch = []
    for i in range(n):
        report = base
        report.unit = f"甲省{i % 10}市{i % (max(1, n // 400))}县第{i}镇人民政府"
        report.year = year
        batch.append(prepare(f"r{i}.txt", data + str(i).encode(), report, findings))
        if len(batch) == 2000:
            store.import_prepared(batch)
            batch = []
    if batch:
        store.import_prepared(batch)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=20000)
    ap.add_argument("--db", default="/tmp/zfxxgk-dash.db")
    ap.add_argument("--year", type=int, default=2024)
    args = ap.parse_args()
    path = Path(args.db)
    store = Store(str(path))
    have = store.count_reports()
    if have < args.n:
        t = time.perf_counter()
        build(store, args.n - have, args.year)
        print(f"built {args.n - have} reports in {time.perf_counter() - t:.1f} s")
    with store.session() as s:
        s.execute(delete(SummaryRow))
    dash._CACHE.clear()
    timings = {}
    t = time.perf_counter()
    dash.dashboard(store, args.year)
    timings["cold"] = time.perf_counter() - t
    dash._CACHE.clear()
    t = time.perf_counter()
    dash.dashboard(store, args.year)
    timings["stored"] = time.perf_counter() - t
    rid = store.report_ids()[-1]
    finding = next((f for f, _d in store.findings(rid) if f.severity in ("error", "warning")), None)
    if finding is not None:
        store.review(rid, finding.fingerprint, "confirmed", "bench")
    t = time.perf_counter()
    dash.dashboard(store, args.year)
    timings["one-change"] = time.perf_counter() - t
    t = time.perf_counter()
    dash.dashboard(store, args.year)
    timings["warm"] = time.perf_counter() - t
    t = time.perf_counter()
    dash.dashboard(store, args.year, limit=None)
    timings["export"] = time.perf_counter() - t
    errors: list[BaseException] = []
    dash._CACHE.clear()

    def ask() -> None:
        try:
            dash.dashboard(store, args.year)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=ask) for _ in range(50)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    burst = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"reports={store.count_reports()} " + " ".join(f"{k}={v:.3f}s" for k, v in timings.items())
          + f" 50-concurrent={burst:.2f}s errors={len(errors)} peak={peak:.0f}MB")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
