"""Benchmark at enterprise scale: page data, full rescore, alerts, upload and
page render, each against a yardstick measured in the same run: DuckDB's own
raw scan (``limit``), a plain ``read_csv`` of the upload file, and the company
page computed by one SQL query as a BI tool would (``sql_peer``,
bench/sql_peer.py). The goals are ratios to those (see ``GOALS``).

    python bench/run.py                          # full size: 10,000 persons, 36 months
    python bench/run.py --persons 2000 --months 12 --runs 3   # a quick run
    python bench/run.py --db /tmp/big.duckdb     # keep (or reuse) the generated file
    python bench/run.py --db postgresql://kpi@localhost/bench   # the same steps on PostgreSQL

Each step runs in its own child process (``--step``), so its peak memory is
that process's peak resident size (``VmHWM``, the ``ru_maxrss`` of this
process image): the whole process (Python, pandas, DuckDB's native buffers),
which ``tracemalloc`` cannot see. ``base`` is the resident
size after imports and opening the store, before the step's warm-up. Each
figure is the median of ``--runs`` runs after one warm-up. The table, with
each goal met or missed and its ratio, is printed and written to
bench/results.json.

The page steps read the stored scores (what the pages read); the stored
scores are made current (rebuilt if needed) when a step opens the store,
before its timing.
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from bench import generate, sql_peer  # noqa: E402
from kpi_core import alerts, ingest, scorecard, scores  # noqa: E402
from kpi_core.org import Org  # noqa: E402
from kpi_core.store import Store  # noqa: E402
from kpi_core.store.dialect import is_postgres  # noqa: E402

UPLOAD_ROWS = 100_000
#: A validated upload slower than this is measured once, not repeated (and
#: aborted past it), so that a run stays under 10 minutes.
UPLOAD_BUDGET_S = 150
#: Child steps, in running order (``render`` gives render_company and render_department).
STEPS = ("limit", "sql_peer", "company", "department", "person", "rescore", "rebuild", "alerts", "upload", "render")


@dataclass(frozen=True)
class Goal:
    """``median(step) <= at_most x median(base)`` (``base`` "seconds": an
    absolute time in seconds); ``strict``: ``<`` (faster than); ``stretch``:
    reported, not counted."""

    base: str
    at_most: float
    strict: bool = False
    stretch: bool = False

    @property
    def text(self) -> str:
        if self.base == "seconds":
            return f"<= {self.at_most:g} s"
        if self.strict and self.at_most == 1:
            return f"faster than {self.base}"
        return f"{'<' if self.strict else '<='} {self.at_most:g}x {self.base}"


#: Goals as ratios to yardsticks measured in the same run (a loaded, shared
#: machine slows both alike). Page data = month + YTD + children's totals.
GOALS: dict[str, tuple[Goal, ...]] = {
    "company": (Goal("limit", 0.5), Goal("sql_peer", 1.0, strict=True)),
    "department": (Goal("limit", 0.5),),
    "person": (Goal("limit", 0.5),),
    "render_company": (Goal("seconds", 0.5),),
    "render_department": (Goal("seconds", 0.5),),
    "rescore": (Goal("limit", 35.0), Goal("limit", 17.5, stretch=True)),
    "upload": (Goal("read_csv", 10.0),),
    "alerts": (Goal("limit", 5.0),),
}
#: Peak resident memory of every step's process.
MEMORY_GOAL_MB = 1024
#: Rows of the table, in order (``rebuild``: information, no goal).
TABLE = (
    "limit",
    "sql_peer",
    "company",
    "department",
    "person",
    "rescore",
    "rebuild",
    "alerts",
    "upload",
    "read_csv",
    "render_company",
    "render_department",
)


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


def step_sql_peer(store: Store, runs: int) -> dict:
    """The company page's figures by one SQL query over the raw tables (a BI
    tool's way; bench/sql_peer.py), through the store's cursor."""
    rows = sql_peer.company_page(store)
    if not rows or rows[0][0] != _latest(store):
        raise RuntimeError(f"sql_peer scored {rows[0][0] if rows else 'nothing'}, not {_latest(store)}")
    times = timed(lambda: sql_peer.company_page(store), runs)
    peak = peak_mb()  # before the self-check below, which runs the product's scoring
    return {"sql_peer": times, "sql_peer_check": sql_peer.check(store, rows), "rss_peak_mb": peak}


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
    """The full rescore: every unit, KPI, month and view scored by the engine
    from the facts (nothing written)."""
    sizes: dict[str, int] = {}

    def run() -> None:
        cells = units = 0
        for scored in scores.rescore_years(store):
            cells += sum(v.score.size for v in scored.views.values())
            units += sum(u.total.size for u in scored.units.values())
        sizes.update({"kpi_cells": cells, "unit_figures": units})

    return {"rescore": timed(run, runs), "rescore_rows": sizes}


def step_rebuild(store: Store, runs: int) -> dict:
    """Rescore and store every score in one transaction, as opening a file
    without stored scores (or made by an older engine) does: once, no goal."""
    t0 = time.perf_counter()
    scores.rebuild(store)  # one run, no warm-up: it takes tens of seconds at full size
    return {"rebuild": [time.perf_counter() - t0]}


def step_alerts(store: Store, runs: int) -> dict:
    period = _latest(store)
    return {"alerts": timed(lambda: alerts.evaluate(store, period), runs)}


def _upload(store: Store, data: bytes, file_name: str) -> object:
    """A validated upload of actuals, including the refresh of the stored
    scores in the same transaction (the goal counts both): ``ingest.load``."""
    return ingest.load(store, "actuals", data, file_name, uploaded_by="bench")


def step_upload(store: Store, runs: int, size: generate.Size) -> dict:
    """Each run loads a new month (2026-05, 06 ...): 100k new actuals, the
    monthly upload. The plain read_csv loads the same file into a new table.
    The uploads are rolled back afterwards (untimed), so that the file stays
    as generated and can be reused by the next run."""
    loaded: list[int] = []
    try:
        return _measure_upload(store, runs, size, loaded)
    finally:
        for batch_id in reversed(loaded):
            store.rollback_batch(batch_id, uploaded_by="bench")


def _measure_upload(store: Store, runs: int, size: generate.Size, loaded: list[int]) -> dict:
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
            report = _upload(store, data, path.name)
        except TimeoutError:
            ingest_times = [float(UPLOAD_BUDGET_S)]
            note = f"aborted after {UPLOAD_BUDGET_S} s (one run, no warm-up)"
            break
        finally:
            signal.alarm(0)
        elapsed = time.perf_counter() - t0
        if report.result is not None and report.result.batch_id is not None:
            loaded.append(report.result.batch_id)
        expected = data.count(b"\n") - 1
        if not report.validated.ok or report.result is None or report.result.rows_added != expected:
            raise RuntimeError(f"upload failed: {[str(p) for p in report.validated.errors[:3]]} {report.result}")
        if elapsed > 20:
            ingest_times = [elapsed]
            note = "one run, no warm-up (too slow to repeat)"
            break
        if i:
            ingest_times.append(elapsed)
    for i, path in enumerate(paths):
        t0 = time.perf_counter()
        _plain_load(store, path)
        elapsed = time.perf_counter() - t0
        if i:
            plain_times.append(elapsed)
    rows = files[0].count(b"\n") - 1
    return {"upload": ingest_times, "read_csv": plain_times, "upload_rows": rows, "upload_note": note}


def _plain_load(store: Store, path: Path) -> None:
    """The database's own CSV loader, no validation (the upload's yardstick):
    DuckDB's ``read_csv``; PostgreSQL's ``COPY ... FROM STDIN`` into text columns."""
    if store.backend == "duckdb":
        cur = store.cursor()
        # benchmark-only scratch table
        cur.execute("CREATE OR REPLACE TABLE bench_plain_csv AS SELECT * FROM read_csv(?)", [str(path)])
        cur.execute("DROP TABLE bench_plain_csv")
        return
    header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    columns = ", ".join(f'"{c.strip()}" text' for c in header)
    with store._pg.pool.connection() as conn:
        conn.execute("CREATE TEMPORARY TABLE bench_plain_csv (" + columns + ")")
        with conn.cursor() as cur, cur.copy("COPY bench_plain_csv FROM STDIN (FORMAT csv, HEADER true)") as copy:
            copy.write(path.read_bytes())
        conn.execute("DROP TABLE bench_plain_csv")


def _too_slow(signum: int, frame: object) -> None:
    raise TimeoutError


def step_render(store: Store, runs: int) -> dict:
    """AppTest of app.py on the large database, query params unit and period;
    Streamlit's data cache is cleared before each run (the first viewer of a
    view after an upload); the open store stays cached as in a server."""
    # imported here: only this step's child process needs Streamlit
    import streamlit as st
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    # the app's config hides exception details; the benchmark wants to name them
    config.set_option("client.showErrorDetails", "full")

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
                trace = at.exception[0].stack_trace or [""]
                problems.append(f"{at.exception[0].value} at {trace[-1].strip()}"[:400])

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
    result["rss_peak_mb"] = result.get("rss_peak_mb") or peak_mb()
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


def _judge(goal: Goal, median: float, results: dict) -> dict:
    """One goal of one step: its ratio (seconds for an absolute goal) and
    whether it is met (None when its yardstick was not measured)."""
    if goal.base == "seconds":
        ratio = median
    else:
        base = (results.get(goal.base) or {}).get("median")
        if not base:
            return {"goal": goal.text, "ratio": None, "met": None, "stretch": goal.stretch}
        ratio = median / base
    met = ratio < goal.at_most if goal.strict else ratio <= goal.at_most
    return {"goal": goal.text, "ratio": ratio, "met": met, "stretch": goal.stretch}


def _verdict_text(v: dict) -> str:
    word = {True: "met", False: "missed" if v["stretch"] else "MISSED", None: "not measured"}[v["met"]]
    if v.get("raised"):
        word += ", the page raised an exception"
    if v["ratio"] is None:
        figure = ""
    elif v["goal"].startswith("peak"):
        figure = f" ({v['ratio']:.0f} MB)"
    elif v["goal"].endswith(" s"):
        figure = f" ({v['ratio']:.2f} s)"
    else:
        figure = f" ({v['ratio']:.2f}x)"
    return f"{'stretch ' if v['stretch'] else ''}{v['goal']}: {word}{figure}"


def _row(name: str, r: dict, results: dict) -> dict:
    """One measured step of the table, its goals judged."""
    limit = (results.get("limit") or {}).get("median") or float("nan")
    mem = results.get(f"{name}_memory") or {}
    row = {"step": name, **{k: r[k] for k in ("min", "median", "max", "runs")}, "x_limit": r["median"] / limit, **mem}
    verdicts = [_judge(g, r["median"], results) for g in GOALS.get(name, ())]
    raised = results.get(f"{name}_exceptions")
    if raised:  # a page that fails fast meets no time goal
        verdicts = [{**v, "met": False, "raised": True} for v in verdicts]
    if "peak_mb" in mem:
        peak = mem["peak_mb"]
        verdicts.append(
            {"goal": f"peak <= {MEMORY_GOAL_MB} MB", "ratio": peak, "met": peak <= MEMORY_GOAL_MB, "stretch": False}
        )
    notes = [f"{r['runs']} run(s)"] if r["runs"] < 5 else []
    if name == "upload" and results.get("upload_note"):
        notes.append(results["upload_note"])
    if raised:
        notes.append(f"the page raised: {raised[0]}")
    return {**row, "goals": verdicts, "note": "; ".join(notes)}


def table(results: dict) -> tuple[list[dict], str]:
    """Rows of every step with its goals judged, and the printed table."""
    rows = []
    for name in TABLE:
        r = results.get(name)
        if r is not None:
            rows.append(_row(name, r, results))
        elif name != "rebuild":
            verdicts = [{"goal": g.text, "ratio": None, "met": None, "stretch": g.stretch} for g in GOALS.get(name, ())]
            rows.append({"step": name, "note": "not available", "goals": verdicts})
    head = (
        f"{'step':<24} {'min ms':>9} {'median ms':>10} {'max ms':>9} {'x limit':>8} {'base MB':>8} {'peak MB':>8} "
        f"{'<=1GB':>6}  goals"
    )
    lines = [head]
    for row in rows:
        memory = [v for v in row["goals"] if v["goal"].startswith("peak")]
        text = "; ".join(_verdict_text(v) for v in row["goals"] if v not in memory)
        if "median" not in row:
            lines.append(f"{row['step']:<24} {'not available':>38}  {text}")
            continue
        note = f" [{row['note']}]" if row["note"] else ""
        mem = ("met" if memory[0]["met"] else "MISSED") if memory else "?"
        lines.append(
            f"{row['step']:<24} {row['min'] * 1000:>9.1f} {row['median'] * 1000:>10.1f} {row['max'] * 1000:>9.1f} "
            f"{row['x_limit']:>8.2f} {row.get('base_mb', float('nan')):>8.0f} {row.get('peak_mb', float('nan')):>8.0f} "
            f"{mem:>6}  {text or '-'}{note}"
        )
    verdicts = [v for row in rows for v in row["goals"] if not v["stretch"]]
    lines.append("")
    for label, group in (
        ("time goals", [v for v in verdicts if not v["goal"].startswith("peak")]),
        ("memory goal (peak <= 1 GB)", [v for v in verdicts if v["goal"].startswith("peak")]),
    ):
        line = f"{label} met: {sum(v['met'] is True for v in group)} of {len(group)}"
        unmeasured = sum(v["met"] is None for v in group)
        lines.append(line + (f" ({unmeasured} not measured)" if unmeasured else ""))
    for row in rows:
        lines += [f"{row['step']} {_verdict_text(v)}" for v in row["goals"] if v["stretch"]]
    return rows, "\n".join(lines)


def machine() -> dict:
    mem_kb = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "psycopg": _version("psycopg"),
        "pandas": pd.__version__,
        "platform": platform.platform(),
    }


def _version(package: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(package)
    except Exception:  # noqa: BLE001 - not installed
        return None


def _fresh(db: str) -> bool:
    """Whether the data must be generated: a missing file, or an empty PostgreSQL database."""
    if not is_postgres(db):
        return not Path(db).exists()
    with Store(db) as store:
        return store.is_empty()


def parent(args: argparse.Namespace) -> None:
    size = generate.Size(args.persons, args.departments, args.kpis, args.per_unit, args.months)
    if args.db is None:
        args.db = str(Path(tempfile.mkdtemp(prefix="bench-")) / "bench.duckdb")
    fresh = _fresh(args.db)
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
    started = time.perf_counter()
    with Store(args.db) as store:
        scores.ensure(store, lambda done, year: print(f"  storing scores: {year} ({done:.0%})", flush=True))
    print(f"stored scores current in {time.perf_counter() - started:.1f} s")
    results: dict = {"machine": machine(), "size": size.__dict__, "rows": counts, "generate_s": generated}
    results["backend"] = "postgresql" if is_postgres(args.db) else "duckdb"
    if is_postgres(args.db):
        with Store(args.db) as store:
            results["machine"]["postgresql"] = store.cursor().execute("SHOW server_version").fetchone()[0]
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
    check = results.get("sql_peer_check")
    if check and check.get("compared"):
        print(
            f"sql_peer vs the product ({check['period']}): {check['compared']} of {check['rows']} rows compared "
            f"(KPIs without tiers, band or blend), largest points difference {check['max_points_diff']:.2g}"
        )
    out = ROOT / "bench" / ("results-postgresql.json" if is_postgres(args.db) else "results.json")
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
    p.add_argument(
        "--db",
        help="database file or postgresql:// URL: generated when missing (or empty), reused when present",
    )
    p.add_argument(
        "--only", nargs="*", choices=STEPS, help="run only these steps (limit always runs; sql_peer with company)"
    )
    p.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.only:
        # the yardsticks of the goals asked for run too
        args.only = {"limit", *args.only, *(["sql_peer"] if "company" in args.only else [])}
    if args.step:
        child(args)
    else:
        parent(args)


if __name__ == "__main__":
    main()
