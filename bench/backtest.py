"""Backtest of the target suggestions (kpi_core/suggest.py) on the demo company.

For every unit and KPI assigned in the test year (default 2026), the
suggestion is made from the history before that year only (what could have
been said on 1 January) and compared with the year's actuals, month by month:

* **MAPE**: the mean over unit-months of |point - actual| / |actual| (months
  with an actual of 0 are left out and counted);
* **in range**: the share of unit-months whose actual fell within [low, high];
* **naive MAPE**: the same for "last year's same month" alone, as a yardstick.

    python bench/backtest.py                 # builds a demo database in a temp folder
    python bench/backtest.py --db demo.duckdb --year 2026 --format markdown|json

The markdown table is what docs/backtest.md shows.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kpi_core import formula, ingest, suggest  # noqa: E402
from kpi_core.months import shift_month  # noqa: E402
from kpi_core.org import Org  # noqa: E402
from kpi_core.store import Store  # noqa: E402


def rows(store: Store, year: int) -> pd.DataFrame:
    """One row per (unit, KPI, month of ``year`` with an actual): the
    suggestion's point, low and high, last year's same month and the actual
    (a calculated KPI's worked out from its formula, as the suggestion does)."""
    org = Org.from_frame(store.units())
    assigned = store.assignments(year)
    dictionary = store.kpis()
    trees = formula.parse_all(dict(zip(dictionary["kpi_id"], dictionary["formula"], strict=True)))

    def facts(y: int) -> pd.DataFrame:
        frame = store.monthly_values(None, f"{y:04d}-01", f"{y:04d}-12")
        return frame[frame["actual"].notna()]

    this_year, last_year = facts(year), facts(year - 1)
    out = []
    for kpi_id, units in assigned.groupby("kpi_id")["unit_id"]:
        actuals = suggest.kpi_actuals(this_year, kpi_id, trees).set_index(["unit_id", "period"])["actual"]
        before = suggest.kpi_actuals(last_year, kpi_id, trees).set_index(["unit_id", "period"])["actual"]
        for unit_id in units:
            s = suggest.suggest(store, unit_id, kpi_id, year, org=org)
            for m in s.months.itertuples(index=False) if s.ok else []:
                actual = actuals.get((unit_id, m.period))
                if actual is None:
                    continue
                out.append(
                    {
                        "unit_id": unit_id,
                        "kpi_id": kpi_id,
                        "period": m.period,
                        "actual": float(actual),
                        "point": m.point,
                        "low": m.low,
                        "high": m.high,
                        "naive": before.get((unit_id, shift_month(m.period, -12))),
                    }
                )
    return pd.DataFrame(out)


def summary(frame: pd.DataFrame, kpis: pd.DataFrame, assigned: pd.DataFrame) -> pd.DataFrame:
    """Per KPI: units, unit-months, MAPE, naive MAPE, share in range."""
    info = kpis.set_index("kpi_id")
    lines = []
    for kpi_id in sorted(assigned["kpi_id"].unique()):
        f = frame[frame["kpi_id"] == kpi_id] if not frame.empty else frame
        units = int(assigned.loc[assigned["kpi_id"] == kpi_id, "unit_id"].nunique())
        lines.append(_line(kpi_id, info.loc[kpi_id], f, units))
    lines.append(_line("all", None, frame, int(assigned[["unit_id", "kpi_id"]].drop_duplicates().shape[0])))
    return pd.DataFrame(lines)


def _line(kpi_id: str, kpi: pd.Series | None, f: pd.DataFrame, pairs: int) -> dict:
    suggested = int(f[["unit_id", "kpi_id"]].drop_duplicates().shape[0]) if len(f) else 0
    scored = f[f["actual"] != 0] if len(f) else f
    ape = (scored["point"] - scored["actual"]).abs() / scored["actual"].abs() if len(scored) else pd.Series()
    naive = scored.dropna(subset=["naive"]) if len(scored) else scored
    naive_ape = (naive["naive"] - naive["actual"]).abs() / naive["actual"].abs() if len(naive) else pd.Series()
    inside = ((f["actual"] >= f["low"]) & (f["actual"] <= f["high"])) if len(f) else pd.Series()
    width = ((f["high"] - f["low"]) / f["point"].abs()).replace([math.inf], math.nan) if len(f) else pd.Series()
    return {
        "kpi": kpi_id,
        "direction": "" if kpi is None else kpi["direction"],
        "accumulation": "" if kpi is None else kpi["accumulation"],
        "assigned": pairs,
        "suggested": suggested,
        "unit_months": len(f),
        "mape_pct": round(float(ape.mean()) * 100, 1) if len(ape) else None,
        "naive_mape_pct": round(float(naive_ape.mean()) * 100, 1) if len(naive_ape) else None,
        "in_range_pct": round(float(inside.mean()) * 100, 1) if len(inside) else None,
        "range_width_pct": round(float(width.median()) * 100, 1) if len(width) else None,
        "zero_actuals": int((f["actual"] == 0).sum()) if len(f) else 0,
    }


def markdown(table: pd.DataFrame) -> str:
    head = (
        "| KPI | direction | accumulation | units assigned | with a suggestion | unit-months | "
        "MAPE of the point | MAPE of last year's month | actual in range | median range width |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in table.to_dict("records"):
        name = "**all**" if r["kpi"] == "all" else f"`{r['kpi']}`"
        cells = [
            name,
            r["direction"],
            r["accumulation"],
            r["assigned"],
            r["suggested"],
            r["unit_months"],
            _pct(r["mape_pct"]),
            _pct(r["naive_mape_pct"]),
            _pct(r["in_range_pct"]),
            _pct(r["range_width_pct"]),
        ]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def run(db: Path | None, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as folder:
        path = db or Path(folder) / "demo.duckdb"
        with Store(path) as store:
            if store.is_empty():
                ingest.ensure_demo(store)
            detail = rows(store, year)
            table = summary(detail, store.kpis(), store.assignments(year))
    return detail, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a database to test on (default: a new demo database)")
    parser.add_argument("--year", type=int, default=2026, help="the year whose actuals are compared (default 2026)")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    args = parser.parse_args(argv)
    _, table = run(args.db, args.year)
    if args.format == "json":
        print(json.dumps(table.to_dict("records"), indent=2))
    else:
        print(markdown(table))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
