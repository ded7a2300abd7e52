"""The fairness check of ratings (issue 18, item 4). Pure statistics (numpy).

Input: ratings people gave, one row each: ``rater``, ``subject``, ``item``
(what was rated, e.g. a 360 behaviour) and ``score``; and the subjects'
attributes (``unit_id``, ``attribute``, ``value``: tenure, location ...).

* **A rater's offset.** Each rating is compared with what the *other* raters
  gave the same subject on the same item: ``offset = score - mean(others)``.
  A rater's offset is the mean of theirs (ratings with no other rater of the
  same subject and item have none).
* **A rater and a group of subjects.** For each rater and attribute value
  (e.g. tenure = new), the rater's offsets on subjects with that value against
  their offsets on the other subjects: the difference, its 95% confidence
  interval (Welch's t), Cohen's d (pooled standard deviation) and a two-sided
  permutation p (labels shuffled, fixed seed: the same answer every run).
  Comparing offsets, not raw scores, takes out that the groups' subjects may
  simply differ: only how this rater differs from the others is left.
* **A flag** ("worth a look", never a verdict) needs at least
  :data:`MIN_RATINGS` offsets (and, comparing groups, :data:`MIN_GROUP` in
  each and :data:`MIN_SUBJECTS` subjects in each: one subject alone is that
  person, not a group), a large
  effect ``|d| >= MIN_D`` and ``p < MAX_P``. A rater's overall offset
  (lenient or severe with everyone) is shown for calibration, with its
  interval and a seeded sign-flip p, but never flagged: it is not a bias
  against a group, and ratings of the same few subjects are not independent.

**Single-rater ratings: graded task assessments** (:func:`grade_checks`).
A goal-setting task is assessed by one person a month (the account that
wrote the assessment), so there are no other raters of the same subject and
item and no offset. What is left is honest but weaker: per assessor and
attribute value, the assessor's *raw grades* (a 0-1 share of the task's
weight, :data:`kpi_core.model.TASK_RESULTS`) of subjects with that value
against their grades of the other subjects: the same difference, Welch
interval, Cohen's d, seeded permutation p and flag rule as above. Real
differences in performance between the groups are *not* taken out, so a flag
says only "this assessor's grades differ between these groups: worth a
look". For context each comparison carries the same difference over every
*other* assessor's grades (other people, other tasks): a gap every assessor
shows points to the groups (or to the grading scheme), one only this
assessor shows to the assessor. That context is never part of the flag.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_RATINGS = 20
MIN_GROUP = 5
MIN_SUBJECTS = 2
MIN_D = 0.5
MAX_P = 0.01
PERMUTATIONS = 4000
SEED = 20260630

_Z975 = 1.959963984540054


def t975(df: float) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom
    (Abramowitz & Stegun 26.7.5: within 0.001 of the table from df = 3).

    >>> round(t975(19), 3), round(t975(10), 3), round(t975(1e9), 3)
    (2.093, 2.228, 1.96)
    """
    z = _Z975
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


@dataclass(frozen=True)
class Comparison:
    """Group A against group B of one set of values."""

    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    diff: float
    low: float
    high: float
    d: float
    p: float

    @property
    def n(self) -> int:
        return self.n_a + self.n_b

    @property
    def flagged(self) -> bool:
        return (
            self.n >= MIN_RATINGS
            and (self.n_b == 0 or min(self.n_a, self.n_b) >= MIN_GROUP)
            and abs(self.d) >= MIN_D
            and self.p < MAX_P
        )


def compare(a: np.ndarray, b: np.ndarray, seed: int = SEED, permutations: int = PERMUTATIONS) -> Comparison:
    """Mean of ``a`` minus mean of ``b``, Welch's 95% interval, Cohen's d and
    the permutation p: (1 + shuffles at least as far from 0) / (1 + shuffles)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    na, nb = len(a), len(b)
    ma, mb = float(a.mean()), float(b.mean())
    diff = ma - mb
    va = float(a.var(ddof=1)) if na > 1 else 0.0
    vb = float(b.var(ddof=1)) if nb > 1 else 0.0
    se2 = va / na + vb / nb
    if se2 > 0 and na > 1 and nb > 1:
        df = se2**2 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))
        half = t975(df) * math.sqrt(se2)
    else:
        half = math.nan
    pooled = math.sqrt(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2)) if na + nb > 2 else 0.0
    d = diff / pooled if pooled > 0 else (0.0 if diff == 0 else math.copysign(math.inf, diff))
    values = np.concatenate([a, b])
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(permutations):
        shuffled = rng.permutation(values)
        if abs(shuffled[:na].mean() - shuffled[na:].mean()) >= abs(diff) - 1e-12:
            hits += 1
    p = (hits + 1) / (permutations + 1)
    return Comparison(na, nb, ma, mb, diff, diff - half, diff + half, d, p)


def one_sample(x: np.ndarray, seed: int = SEED, permutations: int = PERMUTATIONS) -> Comparison:
    """Mean of ``x`` against 0: t interval, d = mean / sd, sign-flip permutation p."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    m = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else 0.0
    half = t975(n - 1) * sd / math.sqrt(n) if n > 1 else math.nan
    d = m / sd if sd > 0 else 0.0
    rng = np.random.default_rng(seed)
    signs = rng.choice([-1.0, 1.0], size=(permutations, n))
    hits = int((np.abs((signs * x).mean(axis=1)) >= abs(m) - 1e-12).sum())
    p = (hits + 1) / (permutations + 1)
    return Comparison(n, 0, m, 0.0, m, m - half, m + half, d, p)


def offsets(ratings: pd.DataFrame) -> pd.DataFrame:
    """Each rating with ``others``: the mean the other raters gave the same
    subject on the same item, and ``offset`` = score - others (rows with no
    other rater are left out)."""
    r = ratings[["rater", "subject", "item", "score"]].copy()
    r["score"] = r["score"].astype(float)
    grouped = r.groupby(["subject", "item"])["score"]
    total = grouped.transform("sum")
    count = grouped.transform("count")
    r = r[count > 1].copy()
    r["others"] = (total[count > 1] - r["score"]) / (count[count > 1] - 1)
    r["offset"] = r["score"] - r["others"]
    return r.reset_index(drop=True)


def rater_offsets(ratings: pd.DataFrame) -> pd.DataFrame:
    """Per rater: n, subjects, mean (their ratings), others (the same
    subjects' and items' ratings from others), offset, its 95% interval, d, p."""
    off = offsets(ratings)
    rows = []
    for rater, part in off.groupby("rater", sort=True):
        c = one_sample(part["offset"].to_numpy())
        rows.append(
            {
                "rater": rater,
                "n": c.n_a,
                "subjects": int(part["subject"].nunique()),
                "mean": float(part["score"].mean()),
                "others": float(part["others"].mean()),
                "offset": c.diff,
                "low": c.low,
                "high": c.high,
                "d": c.d,
                "p": c.p,
            }
        )
    return pd.DataFrame(rows, columns=["rater", "n", "subjects", "mean", "others", "offset", "low", "high", "d", "p"])


def group_checks(ratings: pd.DataFrame, attributes: pd.DataFrame) -> pd.DataFrame:
    """Per rater, attribute and value: the rater's offsets on subjects with
    that value (group A) against their offsets on subjects with another value
    of the same attribute (group B); subjects without the attribute are left
    out. A value's own check is skipped when the attribute has only one value
    among the rater's subjects. Columns: rater, attribute, value,
    subjects_a, subjects_b, n_a, n_b,
    mean_a, mean_b, diff, low, high, d, p, flagged."""
    return _compare_groups(offsets(ratings), "offset", attributes)


def _tag(frame: pd.DataFrame, attrs: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the subject's ``value`` of one attribute (untagged rows left out)."""
    value_of = dict(zip(attrs["unit_id"], attrs["value"].astype(str), strict=False))
    return frame.assign(value=frame["subject"].map(value_of)).dropna(subset=["value"])


def _compare_groups(frame: pd.DataFrame, column: str, attributes: pd.DataFrame) -> pd.DataFrame:
    """:func:`group_checks` on ``frame[column]``: offsets (360) or raw grades (tasks)."""
    columns = ["rater", "attribute", "value", "subjects_a", "subjects_b", "n_a", "n_b"]
    columns += ["mean_a", "mean_b", "diff", "low", "high", "d", "p"]
    rows = []
    for attribute, attrs in attributes.groupby("attribute", sort=True):
        tagged = _tag(frame, attrs)
        values = sorted(tagged["value"].unique())
        if len(values) < 2:
            continue
        for rater, part in tagged.groupby("rater", sort=True):
            counts = part["value"].value_counts()
            seen = sorted(counts.index, key=lambda v: (counts[v], v))
            if len(seen) < 2:
                continue
            # two values mirror each other: keep the smaller group (A) against the other
            for value in seen if len(seen) > 2 else seen[:1]:
                inside = part["value"] == value
                c = compare(part.loc[inside, column].to_numpy(), part.loc[~inside, column].to_numpy())
                sa, sb = part.loc[inside, "subject"].nunique(), part.loc[~inside, "subject"].nunique()
                rows.append([rater, attribute, value, sa, sb, c.n_a, c.n_b])
                rows[-1] += [c.mean_a, c.mean_b, c.diff, c.low, c.high, c.d, c.p]
    out = pd.DataFrame(rows, columns=columns)
    out["n_a"] = out["n_a"].astype(int)
    out["n_b"] = out["n_b"].astype(int)
    out["flagged"] = [
        Comparison(a, b, 0, 0, 0, 0, 0, d, p).flagged and min(sa, sb) >= MIN_SUBJECTS
        for a, b, d, p, sa, sb in zip(
            out["n_a"], out["n_b"], out["d"], out["p"], out["subjects_a"], out["subjects_b"], strict=True
        )
    ]
    return out


# --------------------------------------------------------------------------- single-rater ratings (tasks)


def grade_checks(ratings: pd.DataFrame, attributes: pd.DataFrame) -> pd.DataFrame:
    """Per assessor, attribute and value: the assessor's raw grades (``score``,
    0-1) of subjects with that value (group A) against their grades of
    subjects with another value (group B), chosen, compared and flagged
    exactly as :func:`group_checks` does with offsets. Also, for context and
    never part of the flag: ``others_a`` and ``others_b``, the mean grade
    every *other* assessor gave subjects of group A and group B, ``others_diff``
    their difference (NaN when the others graded no one of group A or no one
    of group B),
    and ``others_n`` how many grades that is. Columns: those of
    :func:`group_checks` and these four."""
    r = ratings[["rater", "subject", "item", "score"]].copy()
    r["score"] = r["score"].astype(float)
    out = _compare_groups(r, "score", attributes)
    context: list[tuple[float, float, int]] = []
    for rater, attribute, value in zip(out["rater"], out["attribute"], out["value"], strict=True):
        attrs = attributes[attributes["attribute"] == attribute]
        own = _tag(r[r["rater"] == rater], attrs)
        others = _tag(r[r["rater"] != rater], attrs)
        # group B is the values this assessor's own group B holds
        b_values = set(own.loc[own["value"] != value, "value"])
        a = others.loc[others["value"] == value, "score"]
        b = others.loc[others["value"].isin(b_values), "score"]
        context.append((_mean(a), _mean(b), len(a) + len(b)))
    out["others_a"] = [c[0] for c in context]
    out["others_b"] = [c[1] for c in context]
    out["others_diff"] = out["others_a"] - out["others_b"]
    out["others_n"] = pd.Series([c[2] for c in context], dtype=int)
    return out


def _mean(x: pd.Series) -> float:
    return float(x.mean()) if len(x) else math.nan


def assessor_summary(ratings: pd.DataFrame) -> pd.DataFrame:
    """Per assessor: n grades, subjects, mean grade (0-1) with its 95% t
    interval. Listed for calibration, never flagged: an assessor's subjects
    are their own people, so a high or low mean says nothing by itself."""
    rows = []
    for rater, part in ratings.groupby("rater", sort=True):
        x = part["score"].astype(float).to_numpy()
        n, m = len(x), float(x.mean())
        half = t975(n - 1) * float(x.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan
        rows.append([rater, n, int(part["subject"].nunique()), m, m - half, m + half])
    return pd.DataFrame(rows, columns=["rater", "n", "subjects", "mean", "low", "high"])
