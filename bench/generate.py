"""A large organisation for the benchmark, generated from a fixed seed.

1 company, ``departments`` departments, ``persons`` persons, a dictionary of
``kpis`` KPIs, ``per_unit`` KPIs per unit (every unit, the company and the
departments too) with weights, and monthly targets and actuals for ``months``
months ending at ``LAST_MONTH``: 10,000 persons x 12 KPIs x 36 months is
4.32 million (unit, KPI, month) keys, each with a target and (but for 0.5%
missed uploads) an actual.

Units and the KPI dictionary go through ``kpi_core.ingest.load`` (the
validated path the CLI and the upload page use). Assignments, targets and
actuals go through ``Store.append_batch`` (kpi_core/store/bulk.py), one batch
per kind and year: ``write_batch`` diffs and records history row by row
(about 60 us a row here), which would take over 9 minutes for 8.7 million
values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_core import ingest
from kpi_core.model import PERSPECTIVES
from kpi_core.months import month_index, month_text
from kpi_core.store import Store

SEED = 20261121
#: The generated months end here, leaving 2026-05 .. 2026-10 free for the upload runs.
LAST_MONTH = "2026-04"
WEIGHTS = np.array([12, 10, 10, 9, 9, 8, 8, 8, 7, 7, 6, 6], dtype=float)


@dataclass(frozen=True)
class Size:
    persons: int = 10_000
    departments: int = 50
    kpis: int = 60
    per_unit: int = 12
    months: int = 36

    @property
    def periods(self) -> list[str]:
        last = month_index(LAST_MONTH)
        return [month_text(m) for m in range(last - self.months + 1, last + 1)]


def units(size: Size) -> pd.DataFrame:
    depts = [f"D{d:02d}" for d in range(1, size.departments + 1)]
    persons = [f"P{p:05d}" for p in range(1, size.persons + 1)]
    return pd.DataFrame(
        {
            "unit_id": ["HQ", *depts, *persons],
            "name": ["Enterprise Co.", *[f"Department {d}" for d in depts], *[f"Person {p}" for p in persons]],
            "name_zh": ["企业", *[f"部门{d}" for d in depts], *[f"员工{p}" for p in persons]],
            "kind": ["company", *["department"] * len(depts), *["person"] * len(persons)],
            "parent_id": ["", *["HQ"] * len(depts), *[depts[i % len(depts)] for i in range(len(persons))]],
        }
    )


def kpis(size: Size) -> pd.DataFrame:
    rows = []
    for i in range(size.kpis):
        band = i % 12 == 7
        rows.append(
            {
                "kpi_id": f"K{i + 1:02d}",
                "name": f"KPI {i + 1}",
                "name_zh": f"指标{i + 1}",
                "perspective": PERSPECTIVES[i % 4],
                "direction": "band" if band else ("lower" if i % 10 == 3 else "higher"),
                "unit": "pts",
                "accumulation": ("sum", "sum", "avg", "sum", "last", "avg", "sum")[i % 7],
                "definition": "generated",
                "floor": "0.6" if i % 4 == 1 and not band else "",
                "cap": "1.2" if i % 4 == 1 and not band else "",
                "tiers": "0.9:0.7;1.0:0.9" if i % 6 == 2 and not band else "",
                "band_low": "0.9" if band else "",
                "band_high": "1.0" if band else "",
                "band_penalty": "2" if band else "",
                "green_at": "",
                "amber_at": "",
                "blend": "0.5" if i % 7 == 3 else "",
            }
        )
    return pd.DataFrame(rows)


def assignments(size: Size, unit_ids: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """``per_unit`` KPIs per unit, spread over the four perspectives, the same
    every year; the weights (summing to 100) are reshuffled each year."""
    n = len(unit_ids)
    kpi_ids = np.array([f"K{i + 1:02d}" for i in range(size.kpis)])
    by_perspective = [np.arange(p, size.kpis, 4) for p in range(4)]
    chosen = np.empty((n, size.per_unit), dtype=object)
    for p in range(4):
        pool = by_perspective[p]
        cols = [j for j in range(size.per_unit) if j % 4 == p]
        order = np.argsort(rng.random((n, len(pool))), axis=1)[:, : len(cols)]
        chosen[:, cols] = kpi_ids[pool[order]]
    years = sorted({int(p[:4]) for p in size.periods})
    frames = []
    weights = np.resize(WEIGHTS, size.per_unit) * (100 / np.resize(WEIGHTS, size.per_unit).sum())
    for year in years:
        w = np.take_along_axis(
            np.broadcast_to(weights, (n, size.per_unit)), np.argsort(rng.random((n, size.per_unit)), axis=1), axis=1
        )
        frames.append(
            pd.DataFrame(
                {
                    "unit_id": np.repeat(np.array(unit_ids, dtype=object), size.per_unit),
                    "kpi_id": chosen.ravel(),
                    "year": year,
                    "weight": w.ravel(),
                    "role": np.where(w.ravel() >= 8, "core", "aux"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def values(size: Size, assigned: pd.DataFrame, kinds: pd.Series, year: int, rng: np.random.Generator) -> tuple:
    """Targets and actuals of one year's months for every assignment of that year."""
    periods = [p for p in size.periods if int(p[:4]) == year]
    rows = assigned[assigned["year"] == year]
    n, m = len(rows), len(periods)
    k_num = rows["kpi_id"].str[1:].astype(int).to_numpy()
    scale = rows["unit_id"].map(kinds).map({"company": 400.0, "department": 40.0, "person": 1.0}).to_numpy()
    base = (20 + (k_num * 37) % 180) * scale * (1 + 0.05 * (year - 2023))
    season = np.array([1 + 0.1 * np.sin(int(p[5:]) / 12 * 2 * np.pi) for p in periods])
    target = np.round(base[:, None] * season[None, :], 2)
    ratio = rng.normal(1.02, 0.07, (n, m))
    actual = np.round(target * ratio, 2)
    keep = rng.random((n, m)) >= 0.005
    key = {
        "unit_id": np.repeat(rows["unit_id"].to_numpy(dtype=object), m),
        "kpi_id": np.repeat(rows["kpi_id"].to_numpy(dtype=object), m),
        "period": np.tile(np.array(periods, dtype=object), n),
    }
    t = pd.DataFrame({**key, "target": target.ravel()})
    a = pd.DataFrame({**key, "actual": actual.ravel()})[keep.ravel()]
    return t, a


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def build(store: Store, size: Size, log=print) -> dict[str, int]:
    """Fill an empty store with the generated organisation; returns row counts."""
    rng = np.random.default_rng(SEED)
    u = units(size)
    for kind, frame in (("units", u), ("kpis", kpis(size))):
        report = ingest.load(store, kind, _csv(frame), f"{kind}.csv", uploaded_by="bench")
        if not report.validated.ok:
            raise RuntimeError([str(p) for p in report.validated.errors[:5]])
    assigned = assignments(size, list(u["unit_id"]), rng)
    kinds = u.set_index("unit_id")["kind"]
    counts = {"units": len(u), "assignments": len(assigned), "targets": 0, "actuals": 0}
    for year in sorted(assigned["year"].unique()):
        store.append_batch(
            "assignments", assigned[assigned["year"] == year], file_name=f"assignments_{year}.csv", sha256="bench"
        )
        t, a = values(size, assigned, kinds, int(year), rng)
        store.append_batch("targets", t, file_name=f"targets_{year}.csv", sha256="bench")
        store.append_batch("actuals", a, file_name=f"actuals_{year}.csv", sha256="bench")
        counts["targets"] += len(t)
        counts["actuals"] += len(a)
        log(f"  {year}: {len(t):,} targets, {len(a):,} actuals")
    if store.backend == "duckdb":
        store.cursor().execute("CHECKPOINT")
    return counts


def upload_csv(size: Size, store: Store, period: str, rows: int, seed: int) -> bytes:
    """A monthly actuals file of ``rows`` persons' KPIs for ``period`` (a month
    with no actuals yet), as an analyst would upload it: values in line with
    each KPI's history (the same targets and spread as :func:`values`)."""
    year = int(period[:4])
    assigned = store.assignments(year)
    persons = assigned[assigned["unit_id"].str.startswith("P")].head(rows)
    rng = np.random.default_rng(seed)
    k_num = persons["kpi_id"].str[1:].astype(int).to_numpy()
    season = 1 + 0.1 * np.sin(int(period[5:]) / 12 * 2 * np.pi)
    target = (20 + (k_num * 37) % 180) * (1 + 0.05 * (year - 2023)) * season
    frame = pd.DataFrame(
        {
            "unit_id": persons["unit_id"].to_numpy(),
            "kpi_id": persons["kpi_id"].to_numpy(),
            "period": period,
            "actual": np.round(target * rng.normal(1.02, 0.05, len(persons)), 2),
        }
    )
    return _csv(frame)
