"""The fairness check of ratings (issue 18, item 4): statistics on a small
planted example worked by hand, too few ratings, the demo's planted bias, and
the page for admins only.

The planted example: rater R rates four people on six behaviours; N1, N2
have tenure = new, E1, E2 established. Two other raters of each person give 4
everywhere, so the others' mean is 4 for each of R's ratings. R gives
3 3 3 3 2 4 to N1 and N2 (offsets -1 -1 -1 -1 -2 0) and 4 4 4 4 3 5 to E1
and E2 (offsets 0 0 0 0 -1 1).

* R's mean: 2 x (18 + 24) / 24 = 3.5; others' mean 4.0; offset -0.5.
* Groups (12 ratings each; ties: "established" is group A): means 0 and -1,
  difference +1.00. Each group's variance: deviations 0 0 0 0 -1 1 twice,
  4 / 11 = 0.3636; standard error sqrt(0.3636 / 12 x 2) = 0.2462; Welch's
  df = 22, t(0.975, 22) = 2.074: 95% CI 1 ± 0.511 = 0.49 to 1.51.
  Cohen's d = 1 / sqrt(0.3636) = 1.66. 24 ratings, 2 people per group,
  |d| >= 0.5: flagged when p < 0.01, and p is tiny (12 of 24 values below
  their mean-split at random almost never reach a difference of 1).
"""

from __future__ import annotations

import pandas as pd
import pytest

from kpi_core import fairness, review360
from kpi_core.access import NotPermitted, Viewer
from kpi_core.store import Store

ITEMS = ["I1", "I2", "I3", "I4", "I5", "I6"]
NEW = [3, 3, 3, 3, 2, 4]
OLD = [4, 4, 4, 4, 3, 5]
TENURE = {"N1": "new", "N2": "new", "E1": "established", "E2": "established"}


def _ratings(subjects: list[str]) -> pd.DataFrame:
    rows = []
    for s in subjects:
        scores = NEW if TENURE[s] == "new" else OLD
        rows += [("R", s, i, x) for i, x in zip(ITEMS, scores, strict=True)]
        rows += [(f"{s}_{k}", s, i, 4) for k in ("a", "b") for i in ITEMS]
    return pd.DataFrame(rows, columns=["rater", "subject", "item", "score"])


ATTRS = pd.DataFrame({"unit_id": list(TENURE), "attribute": "tenure", "value": list(TENURE.values())})


def test_a_rater_who_rates_new_people_a_point_lower_is_worth_a_look():
    ratings = _ratings(["N1", "N2", "E1", "E2"])
    offsets = fairness.rater_offsets(ratings).set_index("rater")
    assert offsets.loc["R", ["n", "subjects"]].tolist() == [24, 4]
    assert round(offsets.loc["R", "mean"], 2) == 3.5
    assert round(offsets.loc["R", "others"], 2) == 4.0
    assert round(offsets.loc["R", "offset"], 2) == -0.5

    checks = fairness.group_checks(ratings, ATTRS)
    assert checks["rater"].tolist() == ["R"]  # the others rate one person each: no groups to compare
    r = checks.iloc[0]
    assert (r["attribute"], r["value"], r["n_a"], r["n_b"]) == ("tenure", "established", 12, 12)
    assert (round(r["mean_a"], 2), round(r["mean_b"], 2), round(r["diff"], 2)) == (0.0, -1.0, 1.0)
    assert (round(r["low"], 2), round(r["high"], 2)) == (0.49, 1.51)
    assert round(r["d"], 2) == 1.66
    assert r["p"] < 0.01
    assert bool(r["flagged"])


def test_too_few_ratings_are_not_flagged_however_large_the_gap():
    ratings = _ratings(["N1", "E1"])  # 12 ratings by R, one person per group
    r = fairness.group_checks(ratings, ATTRS).iloc[0]
    assert (r["n_a"], r["n_b"], round(r["diff"], 2)) == (6, 6, 1.0)
    assert not bool(r["flagged"])


def test_t_quantiles_match_the_table():
    table = {5: 2.571, 10: 2.228, 22: 2.074, 60: 2.000}  # Student's t, 97.5%
    assert all(abs(fairness.t975(df) - value) <= 0.001 for df, value in table.items())


def test_the_demo_flags_exactly_the_planted_bias(demo_db_template, tmp_path):
    import shutil

    from kpi_core import demo_360
    from kpi_core.org import Org

    path = tmp_path / "d.duckdb"
    shutil.copyfile(demo_db_template, path)
    with Store(path) as store:
        demo_360.seed(store, Org.from_frame(store.units()))
        ratings, attributes = review360.fairness_ratings(store, Viewer(name="hr", display="HR", role="admin"))
        with pytest.raises(NotPermitted):
            review360.fairness_ratings(store, Viewer(name="ceo", display="CEO", role="manager", unit_id="HQ"))
    checks = fairness.group_checks(ratings, attributes)
    flagged = checks[checks["flagged"]]
    assert flagged[["rater", "attribute", "value"]].values.tolist() == [["P_FIN_01", "tenure", "new"]]
    assert flagged["diff"].iloc[0] < -0.5  # about a point lower than others rate them


def test_the_fairness_page_is_for_admins_only(tmp_path, demo_db):
    from kpi_core import demo_360
    from kpi_core.org import Org
    from tests.conftest import app_factory

    with Store(demo_db) as store:
        demo_360.seed(store, Org.from_frame(store.units()))
    with app_factory() as make:
        at = make("pages/13_fairness.py")
        assert not at.exception
        warnings = [w.value for w in at.warning]
        assert (
            len(warnings) == 1
            and "tenure = new are 0.88 points lower" in warnings[0]
            and "Worth a look." in warnings[0]
        )
        refused = make("pages/13_fairness.py", view_as="ceo")
        assert [e.value for e in refused.error] and not refused.warning and not refused.dataframe
