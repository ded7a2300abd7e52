"""Scorecard design: the arithmetic and checks behind the KPI dictionary and
the scorecard design pages.

Pure functions over frames (plus a few that read a :class:`Store` and hand the
frames on): validating an edited KPI or a unit's edited assignments with the
same rules as an uploaded file (:mod:`kpi_core.ingest`), the impact of a rule
change on past scores, the cascade of a KPI from a parent unit to its children,
the intermediate tables of the weight methods, and the design warnings
including the KPI validity test. :func:`save_kpi` and :func:`save_design`
validate first and then hand the rows to the store's
:class:`~kpi_core.store.design.DesignQueries`, which writes them with the
change log in one transaction.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_core import engine, ingest, weights
from kpi_core.i18n import t
from kpi_core.model import FILE_SPECS, KPI_RULE_COLUMNS, OKR_MODE, PERSPECTIVES, clean_value, field_changes
from kpi_core.months import months_of
from kpi_core.store import Store
from kpi_core.weights import DesignWarning

#: The six questions of DOMAIN.md "KPI validity test", in the article's order.
VALIDITY_QUESTIONS: tuple[str, ...] = (
    "understandable",
    "controllable",
    "actionable",
    "credible",
    "measurable",
    "aligned",
)
KPI_COLUMNS: tuple[str, ...] = FILE_SPECS["kpis"].columns
EDIT_FILE = "edit"


@dataclass(frozen=True)
class Change:
    """One row to write from the design page: an assignment or a monthly target."""

    entity: str
    """``assignment`` or ``target``."""
    op: str
    """``upsert`` or ``delete``."""
    unit_id: str
    kpi_id: str
    key: str
    """The year (assignments) or month ``YYYY-MM`` (targets)."""
    field: str
    """What changes, as the change log names it: ``weight``, ``role``, ``target``, ``assignment``."""
    old: object
    new: object


# --------------------------------------------------------------------------- validation


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return repr(value)
    return str(value).strip()


def _parsed(kind: str, rows: Sequence[Mapping[str, object]]) -> ingest.Parsed:
    columns = list(FILE_SPECS[kind].columns)
    body = [[_text(r.get(c)) for c in columns] for r in rows]
    frame = pd.DataFrame(body, columns=columns, dtype=object)
    frame["_row"] = list(range(ingest.HEADER_ROW + 1, ingest.HEADER_ROW + 1 + len(rows)))
    return ingest.Parsed(kind, EDIT_FILE, "", frame)


def validate_kpi(kpi: Mapping[str, object], store: Store | None = None) -> ingest.Validated:
    """Check an edited or new KPI with the rules of the KPI file (band needs
    its band, cap above floor, thresholds in order, tiers well written ...).

    >>> v = validate_kpi({"kpi_id": "x", "name": "X", "perspective": "financial",
    ...                   "direction": "band", "accumulation": "sum"})
    >>> sorted({p.column for p in v.errors})
    ['band_high', 'band_low', 'band_penalty']
    """
    return ingest.validate(_parsed("kpis", [kpi]), store)


def validate_assignments(rows: pd.DataFrame, store: Store | None = None) -> ingest.Validated:
    """Check a unit's edited assignments (unit_id, kpi_id, year, weight, role)."""
    return ingest.validate(_parsed("assignments", rows.to_dict("records")), store)


def validate_targets(targets: pd.DataFrame) -> list[ingest.Problem]:
    """Monthly targets (kpi_id, period, target) must be finite numbers; an
    empty cell means no target for that month."""
    out = []
    for n, r in enumerate(targets.itertuples(index=False), start=ingest.HEADER_ROW + 1):
        value = r.target
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        try:
            ok = math.isfinite(float(value))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            out.append(ingest.Problem(EDIT_FILE, n, r.period, str(value), "not a finite number"))
    return out


def kpi_changes(old: Mapping[str, object] | None, new: Mapping[str, object]) -> dict[str, tuple[object, object]]:
    """Fields that differ between a stored KPI and its edit: {field: (old, new)}."""
    return field_changes(old, new, KPI_COLUMNS)


def _clean(value: object) -> object:
    return clean_value(value)


def rule_changed(changes: Mapping[str, object]) -> bool:
    """True when an edit alters how past periods score."""
    return any(c in changes for c in (*KPI_RULE_COLUMNS, "direction", "accumulation", "frequency", "formula"))


# --------------------------------------------------------------------------- impact of a rule change


def rule_change_impact(store: Store, kpi: Mapping[str, object]) -> pd.DataFrame:
    """Which units' past month totals change if ``kpi`` replaces the stored
    definition of the same id, and by how much.

    Every month with actuals is rescored with the old and the new rule
    (:func:`kpi_core.engine.score_monthly`). Returns one row per (unit,
    period) whose total changes: ``unit_id, period, old_total, new_total,
    delta``, biggest change first.
    """
    kpi_id = str(kpi["kpi_id"])
    old_kpis = store.kpis()
    new_kpis = pd.concat(
        [old_kpis[old_kpis["kpi_id"] != kpi_id], pd.DataFrame([{c: _clean(kpi.get(c)) for c in KPI_COLUMNS}])],
        ignore_index=True,
    )
    for c in FILE_SPECS["kpis"].numeric:
        new_kpis[c] = pd.to_numeric(new_kpis[c])
    frames = [_impact_of_year(store, kpi_id, old_kpis, new_kpis, year, months) for year, months in _years(store)]
    frames = [f for f in frames if not f.empty]
    columns = ["unit_id", "period", "old_total", "new_total", "delta"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    changed = out[(out["delta"].abs() > 1e-9) | (out["old_total"].isna() != out["new_total"].isna())]
    order = changed["delta"].abs().sort_values(ascending=False, kind="stable").index
    return changed.loc[order, columns].reset_index(drop=True)


def _years(store: Store) -> list[tuple[int, list[str]]]:
    by_year: dict[int, list[str]] = {}
    for p in store.periods():
        by_year.setdefault(int(p[:4]), []).append(p)
    return sorted(by_year.items())


def _impact_of_year(
    store: Store, kpi_id: str, old_kpis: pd.DataFrame, new_kpis: pd.DataFrame, year: int, months: list[str]
) -> pd.DataFrame:
    assigned = store.assignments(year)
    units = sorted(set(assigned.loc[assigned["kpi_id"] == kpi_id, "unit_id"]))
    if not units:
        return pd.DataFrame()
    assigned = assigned[assigned["unit_id"].isin(units)]
    monthly = store.monthly_values(units, f"{year}-01", max(months))
    tasks = store.task_facts(year, units)  # scored beside the KPIs, under either rule
    # the engine on the stored facts, and on the same facts under the new rule
    old = _month_totals(assigned, old_kpis, monthly, year, months, tasks)
    new = _month_totals(assigned, new_kpis, monthly, year, months, tasks)
    both = old.merge(new, on=["unit_id", "period"], how="outer", suffixes=("_old", "_new"))
    return pd.DataFrame(
        {
            "unit_id": both["unit_id"],
            "period": both["period"],
            "old_total": both["total_old"],
            "new_total": both["total_new"],
            "delta": both["total_new"] - both["total_old"],
        }
    )


def _month_totals(
    assigned: pd.DataFrame,
    kpis: pd.DataFrame,
    monthly: pd.DataFrame,
    year: int,
    months: list[str],
    tasks: tuple | None = None,
) -> pd.DataFrame:
    """Month-view unit totals (``unit_id, period, total``) of ``months``
    (``tasks``: the year's goal-setting tasks, assessments and OKRs of
    :meth:`~kpi_core.store.Store.task_facts`, which count in the total
    beside the KPIs)."""
    task_rows, marks, okrs = tasks if tasks is not None else (None, None, None)
    scored = engine.score_monthly(
        assigned, kpis, monthly, year, ("month",), tasks=task_rows, assessments=marks, okrs=okrs
    )
    units = engine.as_text(engine.unit_frame(scored)[["unit_id", "period", "total"]].copy())
    return units[units["period"].isin(set(months))]


def design_impact(store: Store, unit_id: str, year: int, after: pd.DataFrame) -> pd.DataFrame:
    """How ``unit_id``'s month totals of ``year`` move if the edited design
    table ``after`` (:func:`design_table`'s columns: kpi_id, role, weight and a
    target per month) replaces the stored one: the engine on the stored facts,
    and on the same facts with the table's weights, roles and targets laid over
    them. Returns ``period, old_total, new_total, delta`` for each month of
    the year with actuals (nothing to show: no row)."""
    columns = ["period", "old_total", "new_total", "delta"]
    months = [p for p in store.periods() if p[:4] == f"{year:04d}"]
    if not months:
        return pd.DataFrame(columns=columns)
    kpis = store.kpis()
    monthly = store.monthly_values([unit_id], f"{year:04d}-01", f"{year:04d}-12")
    stored = store.assignments(year, [unit_id])
    edited = pd.DataFrame(
        {
            "unit_id": unit_id,
            "kpi_id": after["kpi_id"].astype(str),
            "year": year,
            "weight": pd.to_numeric(after["weight"], errors="coerce").fillna(0.0).astype(float),
            "role": after["role"].astype(str),
        }
    )
    month_columns = [m for m in months_of(year) if m in after.columns]
    targets = after.melt(id_vars=["kpi_id"], value_vars=month_columns, var_name="period", value_name="target")
    targets = targets.assign(unit_id=unit_id, target=pd.to_numeric(targets["target"], errors="coerce"))
    actuals = monthly.loc[monthly["actual"].notna(), ["unit_id", "kpi_id", "period", "actual"]]
    overlaid = targets.dropna(subset=["target"]).merge(actuals, on=["unit_id", "kpi_id", "period"], how="outer")
    tasks = store.task_facts(year, [unit_id])  # the unit's tasks count in both totals
    old = _month_totals(stored, kpis, monthly, year, months, tasks).set_index("period")["total"]
    new = _month_totals(edited, kpis, overlaid, year, months, tasks).set_index("period")["total"]
    out = pd.DataFrame({"period": months})
    out["old_total"] = out["period"].map(old).astype(float)
    out["new_total"] = out["period"].map(new).astype(float)
    out["delta"] = out["new_total"] - out["old_total"]
    return out[columns]


def impact_by_unit(impact: pd.DataFrame) -> pd.DataFrame:
    """The impact summed up per unit: months changed and the largest change."""
    if impact.empty:
        return pd.DataFrame(columns=["unit_id", "months", "largest_change", "first", "last"])
    g = impact.assign(abs_delta=impact["delta"].abs()).groupby("unit_id", sort=False)
    out = pd.DataFrame(
        {
            "months": g.size(),
            "largest_change": g.apply(lambda f: f.loc[f["abs_delta"].idxmax(), "delta"], include_groups=False),
            "first": g["period"].min(),
            "last": g["period"].max(),
        }
    ).reset_index()
    return out.sort_values("largest_change", key=abs, ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- weight methods


def to_percent(fractions: Mapping[str, float], digits: int = 1) -> dict[str, float]:
    """Fractions summing to 1 as percents rounded to ``digits`` that still add
    up to exactly 100 (largest remainder).

    >>> to_percent({"B": 4 / 7, "A": 2 / 7, "C": 1 / 7})
    {'B': 57.1, 'A': 28.6, 'C': 14.3}
    >>> to_percent({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})
    {'a': 33.4, 'b': 33.3, 'c': 33.3}
    """
    step = 10**digits
    raw = {k: v * 100 * step for k, v in fractions.items()}
    floors = {k: math.floor(v + 1e-9) for k, v in raw.items()}
    left = round(100 * step - sum(floors.values()))
    for k in sorted(raw, key=lambda k: (floors[k] - raw[k], list(raw).index(k)))[: max(left, 0)]:
        floors[k] += 1
    return {k: round(v / step, digits) for k, v in floors.items()}


def _finish(table: pd.DataFrame, score_column: str) -> pd.DataFrame:
    total = float(table[score_column].sum())
    if total <= 0:
        raise ValueError("the scores must add up to more than zero")
    table["share"] = table[score_column] / total
    table["weight"] = pd.Series(to_percent(table["share"].to_dict()))
    return table


def ranking_table(importance: Mapping[str, float]) -> pd.DataFrame:
    """Importance ranking, as in the worked example: score, score / sum, weight %.

    >>> ranking_table({"B": 4, "A": 2, "C": 1}).round(3).to_dict("index")["B"]
    {'score': 4.0, 'share': 0.571, 'weight': 57.1}
    """
    weights.ranking_weights(importance)  # its checks: no negative score, a positive sum
    table = pd.DataFrame({"score": pd.Series(importance, dtype=float)})
    table.index.name = "kpi_id"
    return _finish(table, "score")


def three_dimension_table(scores: Mapping[str, tuple[float, float, float]]) -> pd.DataFrame:
    """Three-dimension method: the three 1-5 scores, their product, the
    product over the sum of products, weight %."""
    products = weights.three_dimension_products(scores)
    table = pd.DataFrame.from_dict(
        {k: list(v) for k, v in scores.items()}, orient="index", columns=["achievability", "importance", "urgency"]
    ).astype(float)
    table.index.name = "kpi_id"
    table["product"] = pd.Series(products)
    return _finish(table, "product")


def pairwise_table(matrices: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Pairwise panel: each member's points per KPI (``m1``, ``m2`` ...), the
    total over members, total over the grand total, weight %."""
    table = weights.pairwise_points(matrices)
    table.index.name = "kpi_id"
    return _finish(table, "total")


def empty_matrix(kpi_ids: Sequence[str]) -> pd.DataFrame:
    """A member's blank comparison matrix: 2 (equally important) off the diagonal."""
    n = len(kpi_ids)
    values = np.full((n, n), 2, dtype=int)
    np.fill_diagonal(values, 0)
    return pd.DataFrame(values, index=list(kpi_ids), columns=list(kpi_ids))


def mirrored(matrix: pd.DataFrame) -> pd.DataFrame:
    """Fill each lower-triangle cell from the upper one: if i earns x against
    j, j earns 4 - x against i (a member only fills half the matrix)."""
    m = matrix.astype(float).copy()
    n = len(m)
    _, hi = weights.PAIRWISE_SCALE
    for i in range(n):
        m.iat[i, i] = 0
        for j in range(i + 1, n):
            m.iat[j, i] = hi - m.iat[i, j]
    return m


# --------------------------------------------------------------------------- design checks


def failing_kpis(store: Store) -> set[str]:
    """KPIs that failed any question of the validity test (to flag wherever shown)."""
    answers = store.validity_answers()
    return set(answers.loc[~answers["passed"].astype(bool), "kpi_id"])


def design_checks(
    card: pd.DataFrame, level: str, failing: set[str] = frozenset(), tasks: pd.DataFrame | None = None
) -> list[DesignWarning]:
    """:func:`kpi_core.weights.design_warnings` plus one ``validity_failed``
    warning per KPI on the card that failed the validity test. ``tasks`` (the
    unit's goal-setting tasks of the year: ``task_id, weight, perspective``)
    share the 100 and count as items (issue 14): neither core nor auxiliary.

    >>> card = pd.DataFrame({"kpi_id": ["a", "b", "c"], "weight": [60, 15, 15], "role": ["core", "core", "aux"]})
    >>> [w.code for w in design_checks(card, "person")]
    ['weights_sum']
    >>> tasks = pd.DataFrame({"task_id": ["T1"], "weight": [10], "perspective": ["process"]})
    >>> [w.code for w in design_checks(card, "person", tasks=tasks)]
    []

    A task of mode ``okr`` (the unit's OKRs counted in its total, issue 18)
    is always warned about: tying OKRs to pay invites sandbagging.

    >>> okr = pd.DataFrame({"task_id": ["OKR"], "weight": [10], "perspective": ["learning"], "mode": ["okr"]})
    >>> [w.code for w in design_checks(card, "person", tasks=okr)]
    ['okr_in_total']
    """
    if tasks is not None and len(tasks):
        rows = pd.DataFrame(
            {
                "kpi_id": tasks["task_id"],
                "weight": pd.to_numeric(tasks["weight"], errors="coerce").fillna(0.0),
                "role": "task",
                "perspective": tasks["perspective"],
            }
        )
        card = pd.concat([card, rows[[c for c in rows.columns if c in card.columns or c == "perspective"]]])
    out = weights.design_warnings(card, level)
    for kpi_id in card["kpi_id"]:
        if kpi_id in failing:
            out.append(DesignWarning("validity_failed", {"kpi_id": kpi_id}))
    if tasks is not None and "mode" in tasks:
        # OKRs opted in to the total (issue 18): allowed, and always worth a warning
        for task_id, weight in zip(
            tasks.loc[tasks["mode"] == OKR_MODE, "task_id"], tasks.loc[tasks["mode"] == OKR_MODE, "weight"], strict=True
        ):
            out.append(DesignWarning("okr_in_total", {"kpi_id": task_id, "weight": float(weight)}))
    return out


def warning_text(warning: DesignWarning, lang: str = "en", kpi_names: Mapping[str, str] | None = None) -> str:
    """The translated message of a design warning (``design.<code>``)."""
    params = dict(warning.params)
    if "perspectives" in params:
        sep = "、" if lang == "zh" else ", "
        params["perspectives"] = sep.join(t(f"perspective.{p}", lang) for p in params["perspectives"])
    if "kpi_id" in params and kpi_names:
        params["kpi_id"] = kpi_names.get(params["kpi_id"], params["kpi_id"])
    for k, v in params.items():
        if isinstance(v, float):
            params[k] = f"{v:g}"
    return t(f"design.{warning.code}", lang, **params)


# --------------------------------------------------------------------------- the design table


def design_table(assignments: pd.DataFrame, targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per assigned KPI: ``kpi_id, role, weight`` and a column per
    month of ``year`` with its target (empty where none): the table the user
    edits."""
    base = (
        assignments.assign(_aux=(assignments["role"] != "core").astype(int))
        .sort_values(["_aux", "weight", "kpi_id"], ascending=[True, False, True], kind="stable")
        .loc[:, ["kpi_id", "role", "weight"]]
        .reset_index(drop=True)
    )
    if targets.empty:
        wide = pd.DataFrame(index=base["kpi_id"])
    else:
        wide = targets.pivot_table(index="kpi_id", columns="period", values="target", aggfunc="first")
    wide = wide.reindex(columns=months_of(year))
    out = base.merge(wide, left_on="kpi_id", right_index=True, how="left")
    for m in months_of(year):
        out[m] = pd.to_numeric(out[m], errors="coerce").astype(float)
    return out


def plan_changes(unit_id: str, year: int, before: pd.DataFrame, after: pd.DataFrame) -> list[Change]:
    """The rows to write when the design table ``before`` was edited into
    ``after``: assignments added, removed or changed and targets set, changed
    or cleared. Unchanged cells produce nothing."""
    old = before.set_index("kpi_id")
    new = after.dropna(subset=["kpi_id"]).set_index("kpi_id")
    out: list[Change] = []
    for kpi_id in old.index.difference(new.index, sort=False):
        out.append(
            Change(
                "assignment",
                "delete",
                unit_id,
                kpi_id,
                str(year),
                "assignment",
                _assignment_text(old.loc[kpi_id]),
                None,
            )
        )
        out += _target_changes(unit_id, kpi_id, year, old.loc[kpi_id], None)
    for kpi_id, row in new.iterrows():
        prev = old.loc[kpi_id] if kpi_id in old.index else None
        for field in ("weight", "role"):
            before_value = None if prev is None else _clean(prev[field])
            after_value = _clean(row[field])
            if field == "weight" and after_value is not None:
                after_value = float(after_value)
            if before_value != after_value:
                out.append(
                    Change("assignment", "upsert", unit_id, str(kpi_id), str(year), field, before_value, after_value)
                )
        out += _target_changes(unit_id, str(kpi_id), year, prev, row)
    return out


def _assignment_text(row: pd.Series) -> str:
    return f"{row['role']} {float(row['weight']):g}%"


def _target_changes(unit_id: str, kpi_id: str, year: int, old: pd.Series | None, new: pd.Series | None) -> list[Change]:
    out = []
    for month in months_of(year):
        before = None if old is None else _clean(old.get(month))
        after = None if new is None else _clean(new.get(month))
        before = None if before is None else float(before)
        after = None if after is None else float(after)
        if before != after:
            op = "delete" if after is None else "upsert"
            out.append(Change("target", op, unit_id, kpi_id, month, "target", before, after))
    return out


def validate_design(unit_id: str, year: int, table: pd.DataFrame, store: Store | None = None) -> list[ingest.Problem]:
    """Every problem of an edited design table: the assignment rules of the
    upload (weight in (0, 100], role, known KPI, no KPI twice) and finite
    targets."""
    rows = table.dropna(subset=["kpi_id"])
    if rows.empty:
        return []  # every KPI removed: allowed
    assigned = pd.DataFrame(
        {"unit_id": unit_id, "kpi_id": rows["kpi_id"], "year": year, "weight": rows["weight"], "role": rows["role"]}
    )
    problems = list(validate_assignments(assigned, store).errors)
    months = [m for m in months_of(year) if m in rows]
    long = rows.melt(id_vars="kpi_id", value_vars=months, var_name="period", value_name="target")
    problems += validate_targets(long)
    return problems


# --------------------------------------------------------------------------- cascade


@dataclass(frozen=True)
class Cascade:
    """How a parent unit's KPI is carried by its child units in one year."""

    children: pd.DataFrame
    """unit_id, weight, role, year_target: each child unit that carries the KPI;
    the year's target accumulated like the KPI (sum, average or last month)."""
    months: pd.DataFrame
    """period, parent_target, children_target, gap, adds_up: one row per month
    with a parent target (only meaningful for sum KPIs)."""
    summable: bool
    """True when the KPI accumulates by sum, so children's targets should add up."""

    @property
    def adds_up(self) -> bool:
        return bool(self.months["adds_up"].all()) if self.summable else True


def cascade(
    kpi_id: str,
    parent_id: str,
    child_ids: Sequence[str],
    accumulation: str,
    assignments: pd.DataFrame,
    targets: pd.DataFrame,
    tolerance: float = 1e-6,
) -> Cascade:
    """The cascade of ``kpi_id`` from ``parent_id`` to its children, from the
    year's assignments and monthly targets (unit_id, kpi_id, period, target).

    For a sum KPI, each month's children's targets should add up to the
    parent's (within ``tolerance`` relative to the parent's target).
    """
    mine = assignments[(assignments["kpi_id"] == kpi_id) & assignments["unit_id"].isin(child_ids)]
    kt = targets[targets["kpi_id"] == kpi_id]
    child_t = kt[kt["unit_id"].isin(mine["unit_id"])]
    by_child = child_t.sort_values("period").groupby("unit_id")["target"]
    per_child = {"sum": by_child.sum, "avg": by_child.mean}.get(accumulation, by_child.last)()
    children = mine[["unit_id", "weight", "role"]].reset_index(drop=True)
    children["year_target"] = children["unit_id"].map(per_child)
    parent = kt[kt["unit_id"] == parent_id].groupby("period")["target"].sum()
    kids = child_t.groupby("period")["target"].sum()
    months = pd.DataFrame({"parent_target": parent}).join(pd.DataFrame({"children_target": kids}), how="left")
    months["children_target"] = months["children_target"].fillna(0.0)
    months["gap"] = months["children_target"] - months["parent_target"]
    months["adds_up"] = months["gap"].abs() <= tolerance * months["parent_target"].abs().clip(lower=1.0)
    months = months.rename_axis("period").reset_index()
    return Cascade(children, months, accumulation == "sum")


def kpi_usage(assignments: pd.DataFrame) -> pd.DataFrame:
    """Where each KPI is used: kpi_id, unit_id, year, weight, role."""
    return assignments[["kpi_id", "unit_id", "year", "weight", "role"]].sort_values(["kpi_id", "year", "unit_id"])


def search_kpis(kpis: pd.DataFrame, query: str) -> pd.DataFrame:
    """KPIs whose id, English or Chinese name or definition contain ``query``
    (case-insensitive)."""
    q = query.strip().lower()
    if not q:
        return kpis
    fields = ["kpi_id", "name", "name_zh", "definition", "definition_zh", "caliber", "owner", "data_source"]
    hay = kpis[[c for c in fields if c in kpis]].fillna("").astype(str).agg(" ".join, axis=1).str.lower()
    return kpis[hay.str.contains(q, regex=False)]


def perspective_order(kpis: pd.DataFrame) -> pd.DataFrame:
    rank = {p: i for i, p in enumerate(PERSPECTIVES)}
    return kpis.assign(_p=kpis["perspective"].map(rank)).sort_values(["_p", "kpi_id"]).drop(columns="_p")


# --------------------------------------------------------------------------- the change log in words

#: Values of these KPI fields are words of the vocabulary, shown translated.
_WORD_FIELDS = {"perspective": "perspective", "direction": "direction", "accumulation": "accumulation", "role": "role"}
_ASSIGNMENT_TEXT = re.compile(r"(?P<role>\w+) (?P<weight>[-0-9.eE+]+)%")


def validity_state(answers: pd.DataFrame, kpi_id: str) -> str:
    """Where a KPI stands on the six-question validity test: ``failed`` (any
    question answered "fail"), ``passed`` (all six answered "pass"),
    ``partial`` (some answered, none failed) or ``untested``."""
    mine = answers[answers["kpi_id"] == kpi_id]
    if (~mine["passed"].astype(bool)).any():
        return "failed"
    answered = set(mine["question"]) & set(VALIDITY_QUESTIONS)
    if len(answered) == len(VALIDITY_QUESTIONS):
        return "passed"
    return "partial" if answered else "untested"


def change_log_view(
    log: pd.DataFrame, lang: str, unit_names: Mapping[str, str], kpi_names: Mapping[str, str]
) -> pd.DataFrame:
    """The change log as a person reads it, in ``lang``: what kind of record
    changed, which one by name ("Customer Service · Customer satisfaction ·
    2026" rather than the key ``CS|CSAT|2026``), the field and its old and new
    value in words ("–" for none). Columns: when, who, what, item, field, old,
    new, reason (newest first, as the store gives them)."""
    rows = []
    for r in log.itertuples(index=False):
        rows.append(
            {
                "when": r.changed_at,
                "who": t("design.anonymous", lang) if r.changed_by in ("", "anonymous") else r.changed_by,
                "what": t(f"design.entity.{r.entity}", lang),
                "item": _log_item(r.entity, r.entity_id, lang, unit_names, kpi_names),
                "field": _log_field(r.entity, r.field, lang),
                "old": _log_value(r.entity, r.field, r.old_value, lang),
                "new": _log_value(r.entity, r.field, r.new_value, lang),
                # the store's own words when a validity answer came without a reason or note
                "reason": t("design.validity_reason", lang) if r.reason == "validity test" else r.reason,
            }
        )
    columns = ["when", "who", "what", "item", "field", "old", "new", "reason"]
    return pd.DataFrame(rows, columns=columns)


def _log_item(entity: str, entity_id: str, lang: str, units: Mapping[str, str], kpis: Mapping[str, str]) -> str:
    if entity == "request":
        return t("approvals.request_item", lang, request=entity_id)
    if entity == "baseline":
        return entity_id
    if entity in ("assignment", "target"):
        unit_id, kpi_id, key = (entity_id.split("|") + ["", "", ""])[:3]
        return " · ".join([units.get(unit_id, unit_id), kpis.get(kpi_id, kpi_id), key])
    return kpis.get(entity_id, entity_id)


def _log_field(entity: str, field: str, lang: str) -> str:
    if entity == "validity":
        key = f"design.question.{field}"
    elif entity == "kpi":
        key = f"dict.f_{field}"
    else:
        key = f"design.field.{field}"
    text = t(key, lang)
    return field if text == key else text


def _log_value(entity: str, field: str, value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return "–"
    text = str(value)
    if entity == "request" and field == "status":
        return t(f"approvals.status.{text}", lang)
    if entity == "baseline":
        return t("access.cli.yes" if text == "true" else "access.cli.no", lang)
    if entity == "validity" and text in ("pass", "fail"):
        return t(f"dict.{text}", lang)
    if field in _WORD_FIELDS:
        key = f"{_WORD_FIELDS[field]}.{text}"
        translated = t(key, lang)
        return text if translated == key else translated
    if field == "indicator_type":
        key = f"dict.type_{text}"
        return text if t(key, lang) == key else t(key, lang)
    if entity == "assignment" and field == "assignment":
        found = _ASSIGNMENT_TEXT.fullmatch(text)
        if found:
            return f"{_log_value(entity, 'role', found['role'], lang)} {found['weight']}%"
    return text


# --------------------------------------------------------------------------- saving


def save_kpi(store: Store, kpi: Mapping[str, object], *, changed_by: str, reason: str) -> list[ingest.Problem]:
    """Validate an edited or new KPI and, when it has no errors, store it and
    log each changed field (one transaction). Returns the errors (empty: saved)."""
    validated = validate_kpi(kpi, store)
    if not validated.ok:
        return validated.errors
    row = validated.frame.iloc[0].to_dict()
    store.save_kpi(row, changed_by=changed_by, reason=reason)
    return []


def save_design(
    store: Store, unit_id: str, year: int, before: pd.DataFrame, after: pd.DataFrame, *, changed_by: str, reason: str
) -> tuple[list[ingest.Problem], int]:
    """The design page's save: validate the edited table, then write every
    changed assignment and target with the change log in one transaction.
    Returns (errors, changes written); with errors nothing is written."""
    if not (reason or "").strip():
        return [ingest.Problem(EDIT_FILE, None, "reason", "", "a reason is required to save a change")], 0
    problems = validate_design(unit_id, year, after, store)
    if problems:
        return problems, 0
    changes = plan_changes(unit_id, year, before, after)
    return [], store.apply_changes(changes, changed_by=changed_by, reason=reason)
