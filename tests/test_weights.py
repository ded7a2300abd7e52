"""Weight methods against the worked examples, and the design-rule warnings on
their boundaries."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi_core import weights


def test_ranking_worked_example():
    # DOMAIN: B=4, A=2, C=1 -> 4/7, 2/7, 1/7
    w = weights.ranking_weights({"B": 4, "A": 2, "C": 1})
    assert w == pytest.approx({"B": 0.571428, "A": 0.285714, "C": 0.142857}, abs=1e-6)
    assert sum(w.values()) == pytest.approx(1.0)


def test_three_dimension_products_and_weights():
    scores = {"rev": (4, 5, 5), "csat": (3, 4, 3), "train": (5, 2, 2)}
    assert weights.three_dimension_products(scores) == {"rev": 100, "csat": 36, "train": 20}
    w = weights.three_dimension_weights(scores)
    assert w == pytest.approx({"rev": 100 / 156, "csat": 36 / 156, "train": 20 / 156})


def test_three_dimension_rejects_scores_outside_1_to_5():
    with pytest.raises(ValueError, match="1 to 5"):
        weights.three_dimension_weights({"rev": (0, 5, 5)})


def _matrix(rows):
    kpis = ["A", "B", "C"]
    return pd.DataFrame(rows, index=kpis, columns=kpis)


PANEL = [
    _matrix([[0, 3, 4], [1, 0, 3], [0, 1, 0]]),  # A 7, B 4, C 1
    _matrix([[0, 2, 3], [2, 0, 2], [1, 2, 0]]),  # A 5, B 4, C 3
    _matrix([[0, 4, 4], [0, 0, 3], [0, 1, 0]]),  # A 8, B 3, C 1
]


def test_pairwise_panel_of_three_checked_by_hand():
    table = weights.pairwise_points(PANEL)
    assert table["total"].to_dict() == {"A": 20, "B": 11, "C": 5}
    assert table.loc["A", ["m1", "m2", "m3"]].tolist() == [7, 5, 8]
    w = weights.pairwise_weights(PANEL)
    assert w == pytest.approx({"A": 20 / 36, "B": 11 / 36, "C": 5 / 36})


def test_pairwise_ignores_the_diagonal_and_checks_the_scale():
    m = _matrix([[9, 3, 4], [1, 9, 3], [0, 1, 9]])
    assert weights.pairwise_points([m])["total"].to_dict() == {"A": 7, "B": 4, "C": 1}
    with pytest.raises(ValueError, match="0 to 4"):
        weights.pairwise_weights([_matrix([[0, 5, 4], [1, 0, 3], [0, 1, 0]])])


def _card(weights_, roles=None, perspectives=None):
    n = len(weights_)
    return pd.DataFrame(
        {
            "kpi_id": [f"k{i}" for i in range(n)],
            "weight": weights_,
            "role": roles or ["core"] + ["aux"] * (n - 1),
            "perspective": (perspectives or ["financial", "customer", "process", "learning"] * 3)[:n],
        }
    )


def codes(card, level):
    return [w.code for w in weights.design_warnings(card, level)]


GOOD_PERSON = ([50, 30, 20], ["core", "core", "aux"])
GOOD_DEPT = ([30, 25, 20, 10, 8, 7], ["core", "core", "core", "aux", "aux", "aux"])


@pytest.mark.parametrize(
    ("weights_", "roles", "level", "expected"),
    [
        (*GOOD_PERSON, "person", []),
        (*GOOD_DEPT, "department", []),
        ([50, 30, 19.99], ["core", "core", "aux"], "person", ["weights_sum"]),
        ([55, 40, 5], ["core", "core", "aux"], "person", []),  # 5% is allowed
        ([55.01, 40, 4.99], ["core", "core", "aux"], "person", ["weight_below_min"]),
        ([25, 25, 25, 25], ["core", "core", "core", "aux"], "person", ["weights_all_equal"]),
        ([40, 35, 25], ["core", "core", "aux"], "person", []),  # core exactly 75, aux exactly 25
        ([40, 34.9, 25.1], ["core", "core", "aux"], "person", ["core_share", "aux_share"]),
        ([40, 30, 20, 10], ["core", "core", "core", "core"], "person", ["core_count"]),
        ([35, 25, 15, 8, 6, 6, 5], ["core", "core", "core", "aux", "aux", "aux", "aux"], "department", []),
        ([35, 25, 15, 8, 6, 6, 5], ["core", "core", "core", "aux", "aux", "aux", "aux"], "person", ["kpi_count"]),
        ([60, 25, 15], ["core", "core", "aux"], "department", ["kpi_count"]),
        (
            [20, 20, 15, 10, 5, 5, 5, 5, 5, 5, 5],
            ["core", "core", "core"] + ["aux"] * 8,
            "department",
            ["kpi_count_over_max", "core_share", "aux_share"],
        ),
    ],
)
def test_design_warnings_fire_on_their_boundaries(weights_, roles, level, expected):
    assert codes(_card(weights_, roles), level) == expected


def test_company_must_cover_all_four_perspectives():
    card = _card(*GOOD_DEPT, perspectives=["financial", "customer", "financial", "customer", "process", "process"])
    found = weights.design_warnings(card, "company")
    assert [w.code for w in found] == ["perspectives_missing"]
    assert found[0].params == {"perspectives": ["learning"]}
