"""The company page as a BI tool over the same database would compute it: ONE
SQL query over the raw tables (units, kpis, assignments, targets, actuals).

Benchmark code, not product code: the ``sql_peer`` step of bench/run.py times
:func:`company_page` and the goals ask the product's company page data to be
faster than it. The rule is the plain textbook one a BI analyst would write:

* completion = actual / target (2 - actual / target for direction 'lower');
  a zero target gives no completion (NULL), as does a missing actual;
* score = completion, capped at the KPI's ``cap`` when set, 0 below its
  ``floor`` when set;
* points = weight x score (weights are percentages summing to 100), and a
  unit's total = the sum of its KPIs' points.

A BI tool would not implement the product's tier rules, budget bands (with
their penalty) or the period/cumulative blend: KPIs with those rules are
scored here by the plain rule above, so their points (and every total holding
them) differ from the product's. :func:`check` compares the KPIs without those
rules with the product's figures.

Scope, as on the company page: the company unit (the root of the tree) and its
direct children; the latest month in which the company has both an actual and
a target; the month view (that month's figures) and the year-to-date view
(January .. that month of its year: sums of the months that have both figures,
which for a KPI accumulated by average gives the same ratio; the month's own
figures for a KPI accumulated as 'last'); the assignments of that year.
"""

from __future__ import annotations

import math

from kpi_core import scorecard

QUERY = """
WITH
company AS (
    SELECT unit_id FROM units WHERE parent_id IS NULL OR parent_id = ''
),
page_units AS (
    SELECT unit_id FROM company
    UNION ALL
    SELECT u.unit_id FROM units u JOIN company c ON u.parent_id = c.unit_id
),
latest AS (
    SELECT max(a.period) AS period
    FROM actuals a
    JOIN targets t USING (unit_id, kpi_id, period)
    WHERE a.unit_id IN (SELECT unit_id FROM company)
),
assigned AS (
    SELECT s.unit_id, s.kpi_id, s.weight
    FROM assignments s
    JOIN page_units USING (unit_id)
    CROSS JOIN latest l
    WHERE s.year = year(l.period)
),
months AS (
    SELECT t.unit_id, t.kpi_id, t.target, a.actual, t.period = l.period AS is_latest
    FROM targets t
    CROSS JOIN latest l
    LEFT JOIN actuals a ON a.unit_id = t.unit_id AND a.kpi_id = t.kpi_id AND a.period = t.period
    WHERE t.unit_id IN (SELECT unit_id FROM page_units)
      AND t.period BETWEEN date_trunc('year', l.period) AND l.period
),
figures AS (
    SELECT unit_id, kpi_id,
           max(target) FILTER (WHERE is_latest) AS month_target,
           max(actual) FILTER (WHERE is_latest) AS month_actual,
           sum(target) FILTER (WHERE actual IS NOT NULL) AS ytd_target,
           sum(actual) AS ytd_actual
    FROM months
    GROUP BY unit_id, kpi_id
),
viewed AS (
    SELECT s.unit_id, s.kpi_id, s.weight, k.direction, k.cap, k.floor, v.view,
           CASE WHEN v.view = 'month' OR k.accumulation = 'last' THEN f.month_target ELSE f.ytd_target END
               AS target,
           CASE WHEN v.view = 'month' OR k.accumulation = 'last' THEN f.month_actual ELSE f.ytd_actual END
               AS actual
    FROM assigned s
    JOIN kpis k USING (kpi_id)
    LEFT JOIN figures f USING (unit_id, kpi_id)
    CROSS JOIN (VALUES ('month'), ('ytd')) v(view)
),
completed AS (
    SELECT *,
           CASE WHEN direction = 'lower' THEN 2 - actual / nullif(target, 0)
                ELSE actual / nullif(target, 0) END AS completion
    FROM viewed
),
scored AS (
    SELECT *,
           CASE WHEN floor IS NOT NULL AND completion < floor THEN 0.0
                WHEN cap IS NOT NULL AND completion > cap THEN cap
                ELSE completion END AS score
    FROM completed
)
SELECT strftime(l.period, '%Y-%m') AS period, s.view, s.unit_id, s.unit_id IN (SELECT unit_id FROM company) AS is_company,
       s.kpi_id, s.weight, s.target, s.actual, s.completion, s.score, s.weight * s.score AS points,
       sum(s.weight * s.score) OVER (PARTITION BY s.view, s.unit_id) AS unit_total
FROM scored s CROSS JOIN latest l
ORDER BY s.view, is_company DESC, s.unit_id, s.kpi_id
"""

COLUMNS = (
    "period",
    "view",
    "unit_id",
    "is_company",
    "kpi_id",
    "weight",
    "target",
    "actual",
    "completion",
    "score",
    "points",
    "unit_total",
)


def company_page(store) -> list[tuple]:
    """The company page's figures (one row per unit, view and KPI, with the
    unit's total), fetched as a BI tool fetches a result."""
    return store.cursor().execute(QUERY).fetchall()


def check(store, rows: list[tuple]) -> dict:
    """Compare the peer's points with the product's (``scorecard.score_units``)
    for the KPIs a BI tool scores the same way (no tiers, band or blend).
    Benchmark self-check, outside the timing: how many rows were compared and
    the largest difference in points."""

    if not rows:
        return {"rows": 0, "compared": 0, "max_points_diff": None}
    period = rows[0][0]
    units = sorted({r[2] for r in rows})
    plain = {
        r[0]
        for r in store.cursor()
        .execute("SELECT kpi_id FROM kpis WHERE coalesce(tiers, '') = '' AND direction <> 'band' AND blend IS NULL")
        .fetchall()
    }
    compared, worst = 0, 0.0
    for view in ("month", "ytd"):
        product = scorecard.score_units(store, units, period, view).set_index(["unit_id", "kpi_id"])["points"]
        for r in rows:
            if r[1] != view or r[4] not in plain:
                continue
            theirs, ours = product.get((r[2], r[4]), float("nan")), r[10]
            if ours is None or math.isnan(theirs):
                worst = max(worst, 0.0 if ours is None and math.isnan(theirs) else math.inf)
            else:
                worst = max(worst, abs(float(theirs) - ours))
            compared += 1
    return {"period": period, "rows": len(rows), "compared": compared, "max_points_diff": worst}
