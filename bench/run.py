"""Benchmark at enterprise scale (issue 7): scoring, drill-down, full rescore,
alerts, upload and page render against DuckDB's own raw scan.

    python bench/run.py                          # full size: 10,000 persons, 36 months
    python bench/run.py --persons 2000 --months 12 --runs 3   # a quick run
    python bench/run.py --db /tmp/big.duckdb     # keep (or reuse) the generated file

Each step runs in its own child process (``--step``), so its peak memory is
that process's peak resident size (``VmHWM``, the ``ru_maxrss`` of this
process image): the whole process (Python, pandas, DuckDB's native buffers),
which ``tracemalloc`` cannot see. ``base`` is the resident
size after imports and opening the store, before the step's warm-up. Each
figure is the median of ``--runs`` runs after one warm-up. The table is
printed and written to bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench import generate  # noqa: E402
from kpi_core import bulk, scorecard  # noqa: E402
from kpi_core.org import Org  # noqa: E402
from kpi_core.store import Store  # noqa: E402

UPLOAD_ROWS = 100_000
#: A validated upload slower than this is measured once, not repeated (and
#: aborted past it), so that a run stays under 10 minutes.
UPLOAD_BUDGET_S = 150
#: name, label, goal (seconds, ratio to the limit, or ratio to read_csv)
STEPS = ("limit", "company", "department", "person", "rescore", "alerts", "upload", "render")
GOALS = {
    "company": {"seconds": 0.100, "x_limit": 3.0},
    "department": {"seconds": 0.020},
    "person": {"seconds": 0.020},
    "rescore": {"seconds": 1.5, "stretch": 0.6},
    "alerts": {"seconds": 0.5},
    "upload": {"x_read_csv": 2.5},
    "render_company": {"seconds": 1.5},
    "render_department": {"seconds": 0.5},
}
MEMORY_GOAL_MB = 1024


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    """Peak resident size of this process image (``VmHWM``). ``ru_maxrss`` is
    not used: Linux carries it over fork and exec, so a child would report
    the parent's peak (the generator's) when that is higher."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, runs: int, budget_s: float = float("inf")) -> list[float]:
    """Times of ``runs`` calls after a warm-up; fewer (at least one) when they
    have taken ``budget_s`` together."""
    fn()  # warm-up
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
        if sum(out) > budget_s:
            break
    return out


# --------------------------------------------------------------------------- steps (child side)


def _latest(store: Store) -> str:
    """The last generated month (the upload step adds later months)."""
    return generate.LAST_MONTH


def step_limit(store: Store, runs: int) -> dict:
    return {"limit": timed(store.unit_sums, runs)}


def _page(store: Store, unit: str, period: str, org: Org) -> None:
    for view in ("month", "ytd"):
        card = scorecard.build(store, unit, period, view, org)
        assert len(card.kpis), (unit, period, view)


def step_company(store: Store, runs: int) -> dict:
    org = Org.from_frame(store.units())
    period = _latest(store)
    return {"company": timed(lambda: _page(store, org.company_id, period, org), runs)}


def step_department(store: Store, runs: int) -> dict:
    org = Org.from_frame(store.units())
    period = _latest(store)
    dept = org.children(org.company_id)[0]
    return {"department": timed(lambda: _page(store, dept, period, org), runs)}


def step_person(store: Store, runs: int) -> dict:
    org = Org.from_frame(store.units())
    period = _latest(store)
    person = org.children(org.children(org.company_id)[0])[0]
    return {"person": timed(lambda: _page(store, person, period, org), runs)}


def step_rescore(store: Store, runs: int) -> dict:
    sizes = {}

    def run() -> None:
        result = bulk.rescore(store, views=("month", "ytd"))
        sizes["kpi_cells"] = sum(len(b.cells["score"]) for b in result.blocks)
        sizes["unit_totals"] = len(result.totals)

    times = timed(run, runs)
    result = bulk.rescore(store, views=("month", "ytd"))
    org = Org.from_frame(store.units())
    dept = org.children(org.company_id)[0]
    person = org.children(dept)[0]
    out = {"rescore": times, "rescore_rows": sizes}
    for name, unit in (("company", org.company_id), ("department", dept), ("person", person)):
        codes = np.searchsorted(np.asarray(result.unit_ids, dtype=object), [unit, *org.children(unit)])
        out[f"{name}_from_rescore"] = timed(lambda codes=codes: _slice(result, codes, _latest(store)), runs)
    return out


def _slice(result: bulk.Rescore, codes: np.ndarray, period: str) -> None:
    """Page data from a rescore held in memory: the unit's KPI rows and its
    children's totals, month and YTD (what a page would read from a cache)."""
    year, month = int(period[:4]), int(period[5:7]) - 1
    t = result.totals
    for view in ("month", "ytd"):
        block = next(b for b in result.blocks if b.view == view and b.year == year)
        n = len(block.unit)
        part = slice(block.months.index(month) * n, (block.months.index(month) + 1) * n)
        own = block.unit == codes[0]
        kpis = {name: array[part][own] for name, array in block.cells.items()}
        assert len(kpis["score"])
        rows = t["unit_id"].cat.codes.to_numpy()
        pick = np.isin(rows, codes) & (t["period"] == period).to_numpy() & (t["view"] == view).to_numpy()
        assert pick.any()


def step_alerts(store: Store, runs: int) -> dict:
    try:
        from kpi_core import alerts
    except ImportError:
        return {"alerts": None}
    evaluate = getattr(alerts, "evaluate", None)
    if evaluate is None:
        return {"alerts": None}
    period = _latest(store)
    return {"alerts": timed(lambda: evaluate(store, period), runs)}


def step_upload(store: Store, runs: int, size: generate.Size) -> dict:
    """Each run loads a new month (2026-05, 06 ...): 100k new actuals, the
    monthly upload. The plain read_csv loads the same file into a new table."""
    from kpi_core import ingest

    first = generate.month_index(max(generate.LAST_MONTH, store.latest_period())) + 1
    periods = [generate.month_text(first + i) for i in range(runs + 1)]
    files = [generate.upload_csv(size, store, p, UPLOAD_ROWS, i) for i, p in enumerate(periods)]
    folder = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    paths = []
    for p, data in zip(periods, files, strict=True):
        path = folder / f"actuals_{p}.csv"
        path.write_bytes(data)
        paths.append(path)
    ingest_times, plain_times = [], []
    note = ""
    for i, (path, data) in enumerate(zip(paths, files, strict=True)):
        t0 = time.perf_counter()
        signal.signal(signal.SIGALRM, _too_slow)
        signal.alarm(UPLOAD_BUDGET_S)
        try:
            report = ingest.load(store, "actuals", data, path.name, uploaded_by="bench")
        except TimeoutError:
            ingest_times = [float(UPLOAD_BUDGET_S)]
            note = f"aborted after {UPLOAD_BUDGET_S} s (one run, no warm-up)"
            break
        finally:
            signal.alarm(0)
        elapsed = time.perf_counter() - t0
        expected = data.count(b"\n") - 1
        if not report.validated.ok or report.result is None or report.result.rows_added != expected:
            raise RuntimeError(f"upload failed: {[str(p) for p in report.validated.errors[:3]]} {report.result}")
        if elapsed > 20:
            ingest_times = [elapsed]
            note = "one run, no warm-up (too slow to repeat)"
            break
        if i:
            ingest_times.append(elapsed)
    cur = store.cursor()
    for i, path in enumerate(paths):
        t0 = time.perf_counter()
        # benchmark-only scratch table: DuckDB's own loader, no validation
        cur.execute("CREATE OR REPLACE TABLE bench_plain_csv AS SELECT * FROM read_csv(?)", [str(path)])
        elapsed = time.perf_counter() - t0
        if i:
            plain_times.append(elapsed)
    cur.execute("DROP TABLE bench_plain_csv")
    rows = files[0].count(b"\n") - 1
    return {"upload": ingest_times, "read_csv": plain_times, "upload_rows": rows, "upload_note": note}


def _too_slow(signum: int, frame: object) -> None:
    raise TimeoutError


def step_render(store: Store, runs: int) -> dict:
    """AppTest of app.py on the large database, query params unit and period;
    Streamlit's data cache is cleared before each run (the first viewer of a
    view after an upload); the open store stays cached as in a server."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    org = Org.from_frame(store.units())
    period = _latest(store)
    dept = org.children(org.company_id)[0]
    store.close()  # the app opens the file itself (one process, one holder)
    out = {}
    for name, unit in (("render_company", org.company_id), ("render_department", dept)):
        problems = []

        def run(unit: str = unit, problems: list = problems) -> None:
            st.cache_data.clear()
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
            at.query_params["unit"] = unit
            at.query_params["period"] = period
            at.run()
            if at.exception:
                problems.append(str(at.exception[0].value)[:300])

        out[name] = timed(run, runs, budget_s=60)
        out[f"{name}_exceptions"] = problems[:1]
    return out


def child(args: argparse.Namespace) -> None:
    os.environ["KPI_DB_PATH"] = args.db
    size = generate.Size(args.persons, args.departments, args.kpis, args.per_unit, args.months)
    store = Store(args.db)
    base = rss_mb()
    step = args.step
    load_before = os.getloadavg()[0]
    if step == "upload":
        result = step_upload(store, args.runs, size)
    else:
        result = globals()[f"step_{step}"](store, args.runs)
    result[f"{step}_load"] = {"loadavg_1m_before": load_before, "loadavg_1m_after": os.getloadavg()[0]}
    result["rss_base_mb"] = base
    result["rss_peak_mb"] = peak_mb()
    print("RESULT " + json.dumps(result))


# --------------------------------------------------------------------------- parent side


def run_step(args: argparse.Namespace, step: str) -> dict:
    cmd = [sys.executable, __file__, "--step", step, "--db", args.db, "--runs", str(args.runs)]
    cmd += ["--persons", str(args.persons), "--months", str(args.months), "--departments", str(args.departments)]
    cmd += ["--kpis", str(args.kpis), "--per-unit", str(args.per_unit)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=900)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode or line is None:
        return {"error": (proc.stderr or proc.stdout)[-2000:]}
    return json.loads(line[len("RESULT ") :])


def _stats(times: list[float] | None) -> dict | None:
    if not times:
        return None
    return {"min": min(times), "median": statistics.median(times), "max": max(times), "runs": len(times)}


def _verdict(name: str, median: float, limit: float, read_csv: float | None) -> str:
    goal = GOALS.get(name)
    if goal is None:
        return ""
    ok = True
    parts = []
    if "seconds" in goal:
        ok &= median <= goal["seconds"]
        parts.append(f"<= {goal['seconds'] * 1000:g} ms")
    if "x_limit" in goal:
        ok &= median <= goal["x_limit"] * limit
        parts.append(f"<= {goal['x_limit']:g}x limit")
    if "x_read_csv" in goal and read_csv:
        ok &= median <= goal["x_read_csv"] * read_csv
        parts.append(f"<= {goal['x_read_csv']:g}x read_csv")
    text = ("met" if ok else "MISSED") + " (" + ", ".join(parts) + ")"
    if "stretch" in goal:
        reached = "met" if median <= goal["stretch"] else "missed"
        text += f"; stretch <= {goal['stretch'] * 1000:g} ms {reached}"
    return text


def table(results: dict) -> tuple[list[dict], str]:
    limit = results["limit"]["median"]
    read_csv = (results.get("read_csv") or {}).get("median")
    rows = []
    for name in (
        "limit",
        "company",
        "department",
        "person",
        "rescore",
        "company_from_rescore",
        "department_from_rescore",
        "person_from_rescore",
        "alerts",
        "upload",
        "read_csv",
        "render_company",
        "render_department",
    ):
        r = results.get(name)
        mem = results.get(f"{name}_memory") or {}
        if r is None:
            if name.endswith("_from_rescore"):
                continue
            rows.append({"step": name, "note": "not available"})
            continue
        row = {"step": name, **{k: r[k] for k in ("min", "median", "max")}, "x_limit": r["median"] / limit}
        if name == "upload" and read_csv:
            row["x_read_csv"] = r["median"] / read_csv
        row.update(mem)
        row["goal"] = _verdict(name, r["median"], limit, read_csv)
        if r["runs"] < 5:
            row["goal"] += f" [{r['runs']} run(s)]"
        if name == "upload" and results.get("upload_note"):
            row["goal"] += f" [{results['upload_note']}]"
        mem_ok = mem.get("peak_mb", 0) <= MEMORY_GOAL_MB
        row["goal"] += ("; " if row["goal"] else "") + f"memory {'met' if mem_ok else 'MISSED'}"
        rows.append(row)
    lines = [
        f"{'step':<18} {'min ms':>9} {'median ms':>10} {'max ms':>9} {'x limit':>8} {'base MB':>8} {'peak MB':>8}  goal"
    ]
    for row in rows:
        if "median" not in row:
            lines.append(f"{row['step']:<18} {'not available':>38}")
            continue
        extra = f" ({row['x_read_csv']:.2f}x read_csv)" if "x_read_csv" in row else ""
        lines.append(
            f"{row['step']:<18} {row['min'] * 1000:>9.1f} {row['median'] * 1000:>10.1f} {row['max'] * 1000:>9.1f} "
            f"{row['x_limit']:>8.1f} {row.get('base_mb', float('nan')):>8.0f} {row.get('peak_mb', float('nan')):>8.0f}  "
            f"{row['goal']}{extra}"
        )
    return rows, "\n".join(lines)


def machine() -> dict:
    mem_kb = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "platform": platform.platform(),
    }


def parent(args: argparse.Namespace) -> None:
    size = generate.Size(args.persons, args.departments, args.kpis, args.per_unit, args.months)
    if args.db is None:
        args.db = str(Path(tempfile.mkdtemp(prefix="bench-")) / "bench.duckdb")
    fresh = not Path(args.db).exists()
    started = time.perf_counter()
    if fresh:
        print(f"generating {size} into {args.db}")
        with Store(args.db) as store:
            counts = generate.build(store, size)
    else:
        with Store(args.db) as store:
            counts = {"targets": store.cursor().execute("SELECT count(*) FROM targets").fetchone()[0]}
    generated = time.perf_counter() - started
    print(f"data ready in {generated:.1f} s: {counts}")
    results: dict = {"machine": machine(), "size": size.__dict__, "rows": counts, "generate_s": generated}
    steps = [s for s in STEPS if not args.only or s in args.only]
    for step in steps:
        t0 = time.perf_counter()
        got = run_step(args, step)
        print(f"  {step}: {time.perf_counter() - t0:.1f} s", flush=True)
        if "error" in got:
            print(got["error"], file=sys.stderr)
            results[f"{step}_error"] = got["error"]
            continue
        memory = {"base_mb": round(got.pop("rss_base_mb"), 1), "peak_mb": round(got.pop("rss_peak_mb"), 1)}
        for key, value in got.items():
            if isinstance(value, list) and value and isinstance(value[0], float):
                results[key] = _stats(value)
                results[f"{key}_memory"] = memory
            elif key == step and value is None:
                results[key] = None
            else:
                results[key] = value
    rows, text = table(results)
    results["table"] = rows
    print()
    print(f"machine: {results['machine']}")
    print(text)
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nwritten {out}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--persons", type=int, default=10_000)
    p.add_argument("--departments", type=int, default=50)
    p.add_argument("--kpis", type=int, default=60)
    p.add_argument("--per-unit", type=int, default=12)
    p.add_argument("--months", type=int, default=36)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--db", help="database file: generated when missing, reused when present")
    p.add_argument("--only", nargs="*", choices=STEPS, help="run only these steps (limit always runs)")
    p.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.only and "limit" not in args.only:
        args.only = ["limit", *args.only]
    if args.step:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
