"""Every file of the hostile corpus (tests/corpus/cases.py), the big ones and
the zip bomb too, is refused within a memory and a CPU limit, the way the CLI
and the upload page load it: in a child process that holds the small
company's database, with ``RLIMIT_AS`` and ``RLIMIT_CPU`` set. Limits, not
timings: a file that makes ingest grow or spin (a 5 kB workbook once took the
CLI to 6.1 GB in 68 s) kills or fails the child instead of slowing the suite.

Memory: the child measures its own address space (``VmSize``) once it has imported
Python, pandas, DuckDB and kpi_core, opened the store and loaded a one-row
file (a dry run), and sets ``RLIMIT_AS`` to that plus :data:`HEADROOM`
(1 GiB). Measured here: Python + duckdb + pandas imports ~450 MB, with
kpi_core ~490 MB, and ~2.2 GB once DuckDB has opened a database (it reserves
address space for its threads and buffer pool without touching it), so the
baseline is taken after the store is open. ``RLIMIT_AS`` works with those
reservations because they are made before the limit is set; the corpus then
grows the child by ~150 MB at most.

CPU: ``RLIMIT_CPU`` is reset before each file to the CPU time used so far plus
:data:`CPU_SECONDS` (30 s: the goal is a refusal within 10 s, and CI machines
are busy); going past it kills the child with SIGXCPU.

The files run in one child, one after the other (the whole test takes ~15 s
on two cores); the child reports each file as a JSON line, and the parent
checks that the child exited normally, that every file was refused with the
problem at its row and column, and that the database is unchanged.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from kpi_core.store import Store
from tests.corpus import cases

ROOT = Path(__file__).resolve().parents[1]
HEADROOM = 1 << 30
"""Address space a file may add to the child's baseline: 1 GiB."""
CPU_SECONDS = 30
"""CPU time one file may take (building it in memory included)."""
WARM_UP = b"unit_id,kpi_id,period,actual\nHQ,rev,2026-03,150\n"


def _vm(field: str = "VmSize") -> int:
    """This process's address space now (``VmSize``) or at its peak
    (``VmPeak``), in bytes (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(db: str, names: list[str]) -> None:
    """Load the named corpus files into the database at ``db`` under the
    limits, printing one JSON line per file (and one before it starts, so a
    child killed by a limit names the file that did it)."""
    import resource

    from kpi_core import ingest
    from tests.conftest import TODAY

    every = {case.name: case for case in cases.CASES + cases.LIMIT_CASES}
    store = Store(db)
    warm = ingest.load(store, "actuals", WARM_UP, "warm-up.csv", today=TODAY, dry_run=True)
    assert warm.validated.ok, [str(p) for p in warm.validated.problems]
    baseline = _vm()  # the address space mapped now (its peak so far is the same here)
    resource.setrlimit(resource.RLIMIT_AS, (baseline + HEADROOM, baseline + HEADROOM))
    print(json.dumps({"baseline": baseline, "limit": baseline + HEADROOM}), flush=True)
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    for name in names:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        used = usage.ru_utime + usage.ru_stime
        resource.setrlimit(resource.RLIMIT_CPU, (int(used) + 1 + CPU_SECONDS, cpu_hard))
        print(json.dumps({"start": name}), flush=True)
        case = every[name]
        try:
            report = ingest.load(store, case.kind, cases.data(case), case.name, today=TODAY, uploaded_by="limits")
        except BaseException as exc:  # noqa: BLE001 - MemoryError included: reported, the parent fails the test
            print(json.dumps({"name": name, "exception": repr(exc)[:300]}), flush=True)
            continue
        errors = report.validated.errors
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(
            json.dumps(
                {
                    "name": name,
                    "written": report.result is not None,
                    "errors": [[p.row, p.column, str(p)[:300]] for p in errors],
                    "cpu": round(usage.ru_utime + usage.ru_stime - used, 2),
                    "grew_mb": round((_vm("VmPeak") - baseline) / 2**20),
                }
            ),
            flush=True,
        )
    store.close()


def _run_child(db: Path, names: list[str]) -> tuple[subprocess.CompletedProcess, list[dict]]:
    code = "import sys; from tests.test_corpus_limits import child; child(sys.argv[1], sys.argv[2:])"
    done = subprocess.run(
        [sys.executable, "-c", code, str(db), *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,  # a hung child must not hang the suite; the limits above are the test
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return done, lines


def _checksums(db: Path) -> dict:
    with Store(db) as store:
        return store.table_checksums()


def test_every_corpus_file_is_refused_within_memory_and_cpu_limits(_small_db_template, tmp_path):
    db = tmp_path / "limits.duckdb"
    shutil.copyfile(_small_db_template, db)
    before = _checksums(db)
    every = cases.CASES + cases.LIMIT_CASES
    done, lines = _run_child(db, [case.name for case in every])
    started = [line["start"] for line in lines if "start" in line]
    assert done.returncode == 0, (
        f"the child died (exit {done.returncode}) while loading {started[-1] if started else 'nothing'}:\n"
        f"{done.stderr[-3000:]}"
    )
    results = {line["name"]: line for line in lines if "name" in line}
    assert list(results) == [case.name for case in every]
    for case in every:
        result = results[case.name]
        assert "exception" not in result, f"{case.name}: {result['exception']}"
        assert not result["written"] and result["errors"], f"{case.name} was accepted"
        found = [(row, column) for row, column, _ in result["errors"]]
        assert (case.row, case.column) in found, (case.name, found)
        text = next(t for row, column, t in result["errors"] if (row, column) == (case.row, case.column))
        assert text.startswith(case.name + ": ")
        if case.row is not None:
            assert f"row {case.row}" in text
        if case.column:
            assert f"column {case.column}" in text
    assert _checksums(db) == before


def test_the_limit_stops_a_file_that_grows_past_it(_small_db_template, tmp_path):
    """The harness itself: a "file" that allocates 2 GiB kills nothing but
    itself - the child reports the MemoryError instead of taking the machine."""
    db = tmp_path / "limits.duckdb"
    shutil.copyfile(_small_db_template, db)
    code = (
        "import sys; from tests import test_corpus_limits as t; from tests.corpus import cases\n"
        "big = cases.Case('grows.actuals.csv', lambda: bytes(2 << 30), 2, '', built=True)\n"
        "cases.LIMIT_CASES.append(big); t.child(sys.argv[1], ['grows.actuals.csv'])"
    )
    done = subprocess.run([sys.executable, "-c", code, str(db)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    result = [json.loads(line) for line in done.stdout.splitlines() if '"name"' in line]
    assert result and "MemoryError" in result[0].get("exception", ""), (done.stdout[-2000:], done.stderr[-2000:])
