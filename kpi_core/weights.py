"""Weights: the methods of DOMAIN.md "Weights" and the design-rule warnings.

Pure functions. Each method returns ``{kpi: weight}`` as fractions summing to
1; the design page multiplies by 100 to get the percent weights a scorecard
stores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

PAIRWISE_SCALE = (0, 4)


def _normalise(raw: Mapping[str, float]) -> dict[str, float]:
    total = float(sum(raw.values()))
    if total <= 0:
        raise ValueError("the scores must add up to more than zero")
    return {k: float(v) / total for k, v in raw.items()}


def ranking_weights(importance: Mapping[str, float]) -> dict[str, float]:
    """Importance ranking: each KPI's importance score over the sum of scores.

    >>> {k: round(v, 3) for k, v in ranking_weights({"B": 4, "A": 2, "C": 1}).items()}
    {'B': 0.571, 'A': 0.286, 'C': 0.143}
    """
    if any(v < 0 for v in importance.values()):
        raise ValueError("importance scores cannot be negative")
    return _normalise(importance)


def three_dimension_products(scores: Mapping[str, tuple[float, float, float]]) -> dict[str, float]:
    """Achievability x importance x urgency (each 1-5) per KPI."""
    out = {}
    for kpi, dims in scores.items():
        if len(dims) != 3 or any(not 1 <= d <= 5 for d in dims):
            raise ValueError(f"{kpi}: three scores from 1 to 5 are needed, got {dims}")
        a, i, u = dims
        out[kpi] = float(a * i * u)
    return out


def three_dimension_weights(scores: Mapping[str, tuple[float, float, float]]) -> dict[str, float]:
    """Three-dimension method: each KPI's product of its three 1-5 scores over
    the sum of products.

    >>> w = three_dimension_weights({"rev": (4, 5, 5), "csat": (3, 4, 3), "train": (5, 2, 2)})
    >>> {k: round(v, 4) for k, v in w.items()}   # 100, 36, 20 of 156
    {'rev': 0.641, 'csat': 0.2308, 'train': 0.1282}
    """
    return _normalise(three_dimension_products(scores))


def pairwise_points(matrices: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Points each KPI earns against each other KPI, per panel member.

    Returns a frame with one row per KPI and one column per member (``m1``,
    ``m2`` ...) plus ``total``: the intermediate table of the worked example.
    """
    if not matrices:
        raise ValueError("the panel needs at least one member")
    kpis = list(matrices[0].index)
    columns = {}
    for n, m in enumerate(matrices, start=1):
        if sorted(m.index) != sorted(kpis) or sorted(m.columns) != sorted(kpis):
            raise ValueError(f"member {n}: the matrix must list the same KPIs as rows and columns")
        m = m.loc[kpis, kpis].astype(float)
        off = m.mask(np.eye(len(kpis), dtype=bool))
        lo, hi = PAIRWISE_SCALE
        if ((off < lo) | (off > hi)).any().any():
            raise ValueError(f"member {n}: every comparison is scored from {lo} to {hi}")
        columns[f"m{n}"] = off.sum(axis=1)
    table = pd.DataFrame(columns, index=kpis)
    table["total"] = table.sum(axis=1)
    return table


def pairwise_weights(matrices: Sequence[pd.DataFrame]) -> dict[str, float]:
    """Pairwise panel: sum each KPI's points over all pairs and members, normalise.

    Cell [i, j] of a member's matrix is what KPI i earns against KPI j on the
    0-4 scale; the diagonal is ignored.

    >>> kpis = ["rev", "csat", "train"]
    >>> m = pd.DataFrame([[0, 3, 4], [1, 0, 3], [0, 1, 0]], index=kpis, columns=kpis)
    >>> {k: round(v, 3) for k, v in pairwise_weights([m]).items()}   # 7, 4, 1 of 12
    {'rev': 0.583, 'csat': 0.333, 'train': 0.083}
    """
    table = pairwise_points(matrices)
    return _normalise(table["total"].to_dict())


# --------------------------------------------------------------------------- design rules


@dataclass(frozen=True)
class DesignWarning:
    """One broken rule of good scorecard design (a warning, never a block)."""

    code: str
    """Translation key suffix, e.g. ``weights_sum``: the text is ``design.<code>``."""
    params: dict = field(default_factory=dict)
    """Figures the message names (the sum, the KPI, the count ...)."""


#: KPI count per level: (recommended low, recommended high, hard maximum).
KPI_COUNT_RULES = {"company": (5, 7, 10), "department": (5, 7, 10), "person": (3, 5, 7)}
MIN_WEIGHT = 5.0
CORE_COUNT = (1, 3)
CORE_MIN_SHARE = 75.0
AUX_MAX_SHARE = 25.0


def design_warnings(card: pd.DataFrame, level: str) -> list[DesignWarning]:
    """The weight-design warnings of DOMAIN.md for one unit's scorecard.

    ``card`` has one row per KPI with ``kpi_id, weight`` (percent), ``role``
    (core/aux) and optionally ``perspective``; ``level`` is the unit's kind.

    >>> card = pd.DataFrame({"kpi_id": ["a", "b", "c"], "weight": [50, 30, 20],
    ...                      "role": ["core", "core", "aux"]})
    >>> [w.code for w in design_warnings(card, "person")]
    []
    >>> card.loc[2, "weight"] = 4
    >>> [w.code for w in design_warnings(card, "person")]
    ['weights_sum', 'weight_below_min']
    """
    if "role" in card:  # info assignments carry no weight and are not scored (issue 14)
        card = card[card["role"] != "info"]
    out: list[DesignWarning] = []
    out += _sum_and_spread(card)
    out += _count(card, level)
    out += _roles(card)
    if level == "company" and "perspective" in card:
        missing = [p for p in ("financial", "customer", "process", "learning") if p not in set(card["perspective"])]
        if missing:
            out.append(DesignWarning("perspectives_missing", {"perspectives": missing}))
    return out


def _sum_and_spread(card: pd.DataFrame) -> list[DesignWarning]:
    out = []
    total = float(card["weight"].sum())
    if abs(total - 100.0) > 0.01:
        out.append(DesignWarning("weights_sum", {"total": round(total, 2)}))
    for row in card[card["weight"] < MIN_WEIGHT].itertuples():
        out.append(
            DesignWarning("weight_below_min", {"kpi_id": row.kpi_id, "weight": float(row.weight), "min": MIN_WEIGHT})
        )
    if len(card) > 1 and card["weight"].nunique() == 1:
        out.append(DesignWarning("weights_all_equal", {"count": len(card)}))
    return out


def _count(card: pd.DataFrame, level: str) -> list[DesignWarning]:
    low, high, hard = KPI_COUNT_RULES.get(level, KPI_COUNT_RULES["department"])
    n = len(card)
    if n > hard:
        return [DesignWarning("kpi_count_over_max", {"count": n, "max": hard})]
    if not low <= n <= high:
        return [DesignWarning("kpi_count", {"count": n, "low": low, "high": high})]
    return []


def _roles(card: pd.DataFrame) -> list[DesignWarning]:
    out = []
    core = card[card["role"] == "core"]
    aux = card[card["role"] == "aux"]
    lo, hi = CORE_COUNT
    if not lo <= len(core) <= hi:
        out.append(DesignWarning("core_count", {"count": len(core), "low": lo, "high": hi}))
    core_share, aux_share = float(core["weight"].sum()), float(aux["weight"].sum())
    if len(core) and core_share < CORE_MIN_SHARE:
        out.append(DesignWarning("core_share", {"share": round(core_share, 2), "min": CORE_MIN_SHARE}))
    if aux_share > AUX_MAX_SHARE:
        out.append(DesignWarning("aux_share", {"share": round(aux_share, 2), "max": AUX_MAX_SHARE}))
    return out
