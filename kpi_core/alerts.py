"""Anomaly alerts: threshold breaches and statistical signals that lead to an action.

Pure rules over scored data (no SQL, no user interface): :func:`evaluate` reads
one window of the stored month-view scores, and :func:`alerts_from_frames`
applies every rule to them, vectorised over all (unit, KPI) series at once,
so one month of a 10,000-person organisation takes a fraction of a second.

Alerts are about one **month** (the month view of the scorecard, whatever view
is selected): its completion and status are the ones the scorecard shows.

Breaches (group ``breach``), on the KPI's own thresholds:

* ``red`` -- status red this month (completion below ``amber_at``; equal to
  it is amber): critical; ``streak`` counts the months red in a row.
* ``floor`` -- completion below the KPI's floor (equal to it is not below):
  the month earns no points. Critical.
* ``band`` -- a band KPI left its band: completion above ``band_high +
  margin`` (over budget) or below ``band_low - margin`` (under by more than
  allowed); the ends are inside. Critical, with ``streak``. Band KPIs get this
  alert instead of ``red`` and never a ``drop`` (spending less is no drop).
* ``drop`` -- completion fell by *more than* ``drop_pp`` percentage points
  against the previous month (exactly ``drop_pp`` does not fire). Warning.
* ``missing`` -- an assigned KPI has no actual for a month that is reported
  (some unit has an actual for it) and is due: monthly KPIs every month, others
  at the end of their quarter / half / year only (issue 14: a target in a
  month between does not make a figure due; that month's scorecard carries
  the last due month). Warning. A KPI with an owner (:mod:`kpi_core.owners`) also raises it once
  its due day has passed, reported or not, and the message names the owner
  and the due day.

Signals (group ``signal``), on the KPI's completion (the actual over its
target, so growth and seasonality built into the targets are not signals):

* ``xmr`` -- outside the natural process limits of the ``window`` (12) months
  *before* the month: mean +/- 2.66 x average moving range. The month itself is
  left out of its own limits, so an outlier cannot widen them. Fewer than
  ``min_points`` (6) months of history: no signal. A value on a limit is inside.
  The month must also be at least ``signal_min_pp`` (5) percentage points from
  the centre line: the limits of a very steady KPI are narrower than any change
  worth acting on. A flat history (moving range 0) has limits equal to its
  mean: it signals nothing while the value stays the same, and signals when it
  changes by ``signal_min_pp`` or more.
* ``run`` -- the month and the ones before it, ``run_length`` (7) points in a
  row, strictly on one side of that mean (a point on the mean breaks a run).

A signal is a warning when it points the bad way (below the limits or the
mean) while the KPI is not on track this month (amber or red; for a band KPI,
outside its band), and info otherwise: a KPI drifting below its own average
while still green is worth knowing, not an action.

Thresholds: ``AlertSettings`` holds the company-wide values (defaults above),
stored in the ``settings`` table as ``alerts.<field>``; a KPI may override
``drop_pp``, ``band_margin_pp`` and ``signal_min_pp`` with
``alerts.<field>.<kpi_id>`` (e.g. ``alerts.drop_pp.OTD = 5``). The
KPI's own ``amber_at``, ``floor`` and band come from the KPI dictionary.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date

import numpy as np
import pandas as pd

from kpi_core import review, scorecard, scores, scoring
from kpi_core.access import Scope
from kpi_core.i18n import has, t
from kpi_core.model import DEFAULT_AMBER_AT, STATUSES
from kpi_core.months import shift_month
from kpi_core.org import Org
from kpi_core.owners import alert_owners
from kpi_core.store import Store

SEVERITIES: tuple[str, ...] = ("critical", "warning", "info")
GROUPS: tuple[str, ...] = ("breach", "signal")
BREACH_KINDS: tuple[str, ...] = ("red", "floor", "band", "drop", "missing")
SIGNAL_KINDS: tuple[str, ...] = ("xmr", "run")
# issue 16 (the business review): a KPI in breach for NO_ACTION_MONTHS months
# in a row with no open or in-progress action linked to it. Warning, group
# ``breach``; evaluated only when asked (``follow_up=True``: the pages), so the
# rules of a month without the review's actions stay as they were.
FOLLOW_UP_KINDS: tuple[str, ...] = ("no_action",)
NO_ACTION_MONTHS = 2
KINDS: tuple[str, ...] = BREACH_KINDS + SIGNAL_KINDS + FOLLOW_UP_KINDS
XMR_FACTOR = 2.66
#: Figures are rounded to this many decimals before a comparison with a
#: threshold, so that binary noise never decides a boundary.
_PRECISION = 10

COLUMNS: tuple[str, ...] = (
    "kind",
    "severity",
    "group",
    "unit_id",
    "kpi_id",
    "perspective",
    "period",
    "value",
    "target",
    "threshold",
    "completion",
    "streak",
    "message_key",
    "params",
    "acknowledged",
    "acked_by",
    "acked_at",
    "action",
    "comment",
)

#: Fields of :class:`AlertSettings` a single KPI may override.
KPI_FIELDS: tuple[str, ...] = ("drop_pp", "band_margin_pp", "signal_min_pp")
SETTINGS_PREFIX = "alerts."


@dataclass(frozen=True)
class AlertSettings:
    """Company-wide alert thresholds, with per-KPI overrides."""

    drop_pp: float = 15.0
    """A drop alert fires when completion fell by more than this (percentage points)."""
    band_margin_pp: float = 0.0
    """Tolerance outside a band KPI's band before it alerts (percentage points)."""
    signal_min_pp: float = 5.0
    """An XmR signal needs the month at least this far from the centre line
    (percentage points of completion): limits of a very steady KPI can be
    narrower than any change a manager would act on."""
    window: int = 12
    """Months of history before the month that set the XmR limits and mean."""
    min_points: int = 6
    """Fewest months of history for any signal."""
    run_length: int = 7
    """Points in a row on one side of the mean that make a run signal."""
    overrides: tuple[tuple[str, str, float], ...] = ()
    """(field, kpi_id, value) for KPIs whose threshold differs from the company's."""

    def value(self, field: str, kpi_id: str) -> float:
        for name, kpi, value in self.overrides:
            if name == field and kpi == kpi_id:
                return value
        return float(getattr(self, field))

    def per_row(self, field: str, kpi_ids: pd.Series) -> np.ndarray:
        """``field`` for each row's KPI (its override, else the company value)."""
        default = float(getattr(self, field))
        own = {kpi: value for name, kpi, value in self.overrides if name == field}
        if not own:
            return np.full(len(kpi_ids), default)
        codes, uniques = pd.factorize(kpi_ids)
        return np.array([own.get(k, default) for k in uniques], dtype="float64")[codes]

    def problems(self, lang: str = "en") -> list[str]:
        """What makes these settings unusable, in ``lang`` (empty when they are fine).

        >>> AlertSettings(window=5, run_length=4).problems()
        ['need 2 ≤ fewest months (6) ≤ months of history (5) ≤ 36']
        """
        out = []
        if min(self.drop_pp, self.band_margin_pp, self.signal_min_pp) < 0:
            out.append(t("alert.problem.negative", lang))
        if not 2 <= self.min_points <= self.window <= 36:
            out.append(t("alert.problem.window", lang, min_points=self.min_points, window=self.window))
        if not 2 <= self.run_length <= self.window + 1:
            out.append(t("alert.problem.run", lang, run_length=self.run_length, window=self.window))
        out += [t("alert.problem.override", lang, kpi=k) for _, k, v in self.overrides if v < 0]
        return out

    @classmethod
    def from_settings(cls, values: Mapping[str, str]) -> AlertSettings:
        """Settings from the ``settings`` table's ``alerts.*`` keys; unknown keys
        and unreadable values are ignored (the default applies)."""
        kinds = {f.name: f.type for f in fields(cls) if f.name != "overrides"}
        company: dict[str, float | int] = {}
        overrides = []
        for key, text in values.items():
            parts = key.split(".", 2)
            if parts[0] + "." != SETTINGS_PREFIX or len(parts) < 2 or parts[1] not in kinds:
                continue
            number = _number(text)
            if number is None:
                continue
            if len(parts) == 3 and parts[1] in KPI_FIELDS:
                overrides.append((parts[1], parts[2], number))
            elif len(parts) == 2:
                company[parts[1]] = int(number) if kinds[parts[1]] == "int" else number
        settings = replace(cls(), **company, overrides=tuple(sorted(overrides)))
        return settings if not settings.problems() else cls(overrides=settings.overrides)

    def to_settings(self) -> dict[str, str]:
        """The ``settings`` rows that store these values."""
        out = {
            f"{SETTINGS_PREFIX}{f.name}": f"{getattr(self, f.name):g}" for f in fields(self) if f.name != "overrides"
        }
        out.update({f"{SETTINGS_PREFIX}{n}.{k}": f"{v:g}" for n, k, v in self.overrides})
        return out


def _number(text: object) -> float | None:
    try:
        value = float(str(text))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- evaluation


def evaluate(
    store: Store,
    period: str,
    unit_ids: list[str] | None = None,
    settings: AlertSettings | None = None,
    *,
    scope: Scope | None = None,
    today: date | None = None,
    follow_up: bool = False,
    org: Org | None = None,
) -> pd.DataFrame:
    """Every alert of ``period`` for ``unit_ids`` (None: every unit), worst first.

    One read of the stored month-view scores (the month and the ``window``
    months before it); ``settings`` None reads the company's settings from
    the store. With a reader's ``scope`` (:mod:`kpi_core.access`), only the
    units it allows are read: no alert names a unit or person outside it.
    ``follow_up`` adds the business review's ``no_action`` alerts (issue 16);
    ``org`` (read when not given: the pages pass their cached tree) tells
    which actions cover a unit from above.
    """
    if scope is not None:
        unit_ids = scope.filter(unit_ids)
    if settings is None:
        settings = AlertSettings.from_settings(store.alert_settings())
    cells = scores.month_cells(store, unit_ids, shift_month(period, -settings.window), period)
    return alerts_from_frames(
        store.assignments(int(period[:4]), unit_ids),
        store.kpis(),
        cells,
        period,
        reported=store.is_reported(period),
        settings=settings,
        acks=store.alert_acks(period, unit_ids),
        owners=alert_owners(store, period, unit_ids, today),  # issue 13: who owes a missing figure
        # issue 16: an action covers its unit and the units below it
        actions=review.covering_links(store, org or Org.from_frame(store.units()), unit_ids) if follow_up else None,
    )


def alerts_from_frames(
    assigned: pd.DataFrame,
    kpis: pd.DataFrame,
    cells: pd.DataFrame,
    period: str,
    *,
    reported: bool,
    settings: AlertSettings | None = None,
    acks: pd.DataFrame | None = None,
    owners: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The rules over frames already read (the pure core of :func:`evaluate`).

    ``assigned``: the assignments of the period's year (unit_id, kpi_id, weight,
    role); ``kpis``: the KPI dictionary; ``cells``: the engine's month-view
    cells (``unit_id, kpi_id, period, target, actual, completion, status``:
    the stored scores, or :func:`kpi_core.engine.month_cells` of frames in
    memory) for the month and the months before it; ``reported``: some unit
    has an actual for ``period``; ``acks``: stored acknowledgements;
    ``owners``: the owners of the KPIs (unit_id, kpi_id, owner, due, overdue:
    :func:`kpi_core.owners.alert_owners`); ``actions``: the (unit_id, kpi_id)
    of open actions (issue 16; None: no ``no_action`` rule).

    Completion and status are the scorecard's month view, as stored: the
    rules only compare them with their thresholds.
    """
    settings = settings or AlertSettings()
    if assigned.empty:
        return _empty()
    rows = _with_owners(assigned.merge(_dictionary(kpis), on="kpi_id", how="inner"), owners)
    months = [shift_month(period, -i) for i in range(settings.window, -1, -1)]
    target, actual, comp, status = _grid(rows, cells, months)
    rows = rows.assign(target=target[:, -1], actual=actual[:, -1], completion=comp[:, -1])
    rows["status"] = np.asarray(STATUSES, dtype=object)[status[:, -1]]
    limits = _limits(rows, settings)
    frames = [
        _breaches(rows, (comp, status), limits, reported, period),
        _signals(rows, comp, limits, settings),
    ]
    if actions is not None:  # issue 16
        frames.append(_no_action(rows, (comp, status), limits, actions))
    found = [f for f in frames if len(f)]
    if not found:
        return _empty()
    return _finish(_tracked_only(pd.concat(found, ignore_index=True), assigned).assign(period=period), acks)


def _tracked_only(found: pd.DataFrame, assigned: pd.DataFrame) -> pd.DataFrame:
    """An ``info`` assignment (a calculated KPI's component: tracked, never
    scored, issue 14) raises no breach and no signal of its own; only a
    missing figure, which its calculated KPI needs."""
    if "role" not in assigned or not (assigned["role"] == "info").any():
        return found
    info = assigned.loc[assigned["role"] == "info", ["unit_id", "kpi_id"]].assign(_info=True)
    marked = found.merge(info, on=["unit_id", "kpi_id"], how="left")
    keep = marked["_info"].isna().to_numpy() | (found["kind"] == "missing").to_numpy()
    return found[keep].reset_index(drop=True)


def _with_owners(rows: pd.DataFrame, owners: pd.DataFrame | None) -> pd.DataFrame:
    """Each row's owner (display name), due day and whether it has passed (issue 13)."""
    if owners is None or owners.empty:
        return rows.assign(owner=None, due=None, overdue=False).reset_index(drop=True)
    keyed = owners[["unit_id", "kpi_id", "owner", "due", "overdue"]]
    out = rows.merge(keyed, on=["unit_id", "kpi_id"], how="left").reset_index(drop=True)
    out["overdue"] = out["overdue"].fillna(False).astype(bool)
    return out


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})


def _dictionary(kpis: pd.DataFrame) -> pd.DataFrame:
    """The KPI dictionary columns the rules read, with ``frequency`` (monthly when absent)."""
    out = kpis[scorecard.KPI_INFO_COLUMNS].copy()
    freq = kpis["frequency"] if "frequency" in kpis else pd.Series(None, index=kpis.index, dtype="object")
    out["frequency"] = freq.fillna("month").astype(str)
    return out


def _grid(rows: pd.DataFrame, cells: pd.DataFrame, months: list[str]) -> tuple[np.ndarray, ...]:
    """Target, actual, completion and status code of every scored row (axis
    0) in every month of the window (axis 1, oldest first); NaN (status
    ``no_data``) where there is no cell."""
    if all(isinstance(cells[c].dtype, pd.CategoricalDtype) for c in ("unit_id", "kpi_id", "period")):
        # the store's read: ids and months are codes already; look the rows up by code
        units, kpi_ids = cells["unit_id"].cat.categories, cells["kpi_id"].cat.categories
        position = np.full((len(units), len(kpi_ids)), -1)
        ru = pd.Categorical(rows["unit_id"], categories=units).codes
        rk = pd.Categorical(rows["kpi_id"], categories=kpi_ids).codes
        ok_rows = (ru >= 0) & (rk >= 0)
        position[ru[ok_rows], rk[ok_rows]] = np.arange(len(rows))[ok_rows]
        u = cells["unit_id"].cat.codes.to_numpy().astype("int64")
        k = cells["kpi_id"].cat.codes.to_numpy().astype("int64")
        c = pd.Index(months).get_indexer(cells["period"].cat.categories)[cells["period"].cat.codes.to_numpy()]
    else:
        units = pd.Index(rows["unit_id"].unique())
        kpi_ids = pd.Index(rows["kpi_id"].unique())
        position = np.full((len(units), len(kpi_ids)), -1)
        position[units.get_indexer(rows["unit_id"]), kpi_ids.get_indexer(rows["kpi_id"])] = np.arange(len(rows))
        u = _lookup(cells["unit_id"], units)
        k = _lookup(cells["kpi_id"], kpi_ids)
        c = _lookup(cells["period"], pd.Index(months))
    r = np.where((u >= 0) & (k >= 0), position[u.clip(0), k.clip(0)], -1)
    ok = (r >= 0) & (c >= 0)
    grids = []
    for column in ("target", "actual", "completion"):
        grid = np.full((len(rows), len(months)), np.nan)
        grid[r[ok], c[ok]] = cells[column].to_numpy(dtype="float64", na_value=np.nan)[ok]
        grids.append(grid)
    status_column = cells["status"]
    if isinstance(status_column.dtype, pd.CategoricalDtype) and list(status_column.cat.categories) == list(STATUSES):
        codes = status_column.cat.codes.to_numpy()
    else:
        codes = pd.Categorical(status_column, categories=list(STATUSES)).codes
    status = np.full((len(rows), len(months)), STATUSES.index("no_data"), dtype="int64")
    status[r[ok], c[ok]] = np.where(codes[ok] >= 0, codes[ok], STATUSES.index("no_data"))
    return grids[0], grids[1], grids[2], status


def _lookup(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in ``index`` (-1 when absent): factorised first,
    so the string lookup runs once per distinct value, not once per row."""
    codes, uniques = pd.factorize(values)
    found = index.get_indexer(uniques)
    return np.where(codes >= 0, found[codes.clip(0)], -1)


def _limits(rows: pd.DataFrame, settings: AlertSettings) -> dict[str, np.ndarray]:
    """Each row's thresholds: from its KPI's dictionary entry and the settings."""
    kpi_ids = rows["kpi_id"]
    return {
        "band": (rows["direction"] == "band").to_numpy(),
        "amber_at": rows["amber_at"].fillna(DEFAULT_AMBER_AT).to_numpy(dtype="float64"),
        "floor": rows["floor"].to_numpy(dtype="float64"),
        "band_low": rows["band_low"].to_numpy(dtype="float64"),
        "band_high": rows["band_high"].to_numpy(dtype="float64"),
        **{name: settings.per_row(name, kpi_ids) for name in KPI_FIELDS},
    }


def _band_sides(comp: np.ndarray, limits: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Over and under the band widened by the alert's margin (the method's
    :func:`scoring.band_sides`), for completion of one month (1-d) or of the
    window (2-d)."""

    def col(name: str) -> np.ndarray:
        return limits[name] if comp.ndim == 1 else limits[name][:, None]

    over, under = scoring.band_sides(comp, col("band_low"), col("band_high"), col("band_margin_pp") / 100)
    return col("band") & over, col("band") & under


def _in_breach(comp: np.ndarray, status: np.ndarray, limits: dict[str, np.ndarray]) -> np.ndarray:
    """Per month of the window: red by the scorecard's status for ordinary
    KPIs, outside band +/- margin for band KPIs."""
    over, under = _band_sides(comp, limits)
    return np.where(limits["band"][:, None], over | under, status == scoring.RED)


def _streak(flags: np.ndarray) -> np.ndarray:
    """Months in a row, ending with the last column, that are flagged."""
    rev = flags[:, ::-1]
    return np.where(rev.all(axis=1), rev.shape[1], rev.argmin(axis=1))


def _alerts(rows: pd.DataFrame, mask: np.ndarray, **columns: object) -> pd.DataFrame:
    """Alert rows for the scored rows selected by ``mask``; ``columns`` are
    scalars or arrays aligned with ``rows``."""
    picked = rows.loc[mask, ["unit_id", "kpi_id", "perspective", "actual", "target", "completion"]]
    extra = {k: (np.asarray(v)[mask] if isinstance(v, np.ndarray | pd.Series) else v) for k, v in columns.items()}
    return picked.rename(columns={"actual": "value"}).assign(**extra).reset_index(drop=True)


def _breaches(
    rows: pd.DataFrame,
    grids: tuple[np.ndarray, np.ndarray],
    limits: dict[str, np.ndarray],
    reported: bool,
    period: str,
) -> pd.DataFrame:
    comp, status = grids
    c = np.round(rows["completion"].to_numpy(dtype="float64"), _PRECISION)
    band = limits["band"]
    streak = _streak(_in_breach(comp, status, limits))
    with np.errstate(invalid="ignore"):
        red = ~band & (rows["status"] == "red").to_numpy()
        below_floor = ~np.isnan(limits["floor"]) & (c < limits["floor"])
    over, under = _band_sides(c, limits)
    previous = comp[:, -2] if comp.shape[1] > 1 else np.full(len(rows), np.nan)
    drop_pp = np.round((previous - c) * 100, _PRECISION - 2)
    with np.errstate(invalid="ignore"):
        dropped = ~band & (drop_pp > limits["drop_pp"])
    # issue 13: an owned KPI past its due day is missing even in a month nobody reported
    missing = (reported | rows["overdue"].to_numpy(bool)) & rows["actual"].isna().to_numpy() & _due(rows, period)
    frames = [
        _alerts(rows, red, kind="red", severity="critical", threshold=limits["amber_at"], streak=streak),
        _alerts(rows, below_floor, kind="floor", severity="critical", threshold=limits["floor"], streak=np.nan),
        _alerts(
            rows,
            over | under,
            kind="band",
            severity="critical",
            threshold=np.where(over, limits["band_high"], limits["band_low"]),
            streak=streak,
            side=np.where(over, "over", "under"),
        ),
        _alerts(
            rows,
            dropped,
            kind="drop",
            severity="warning",
            threshold=limits["drop_pp"],
            streak=np.nan,
            previous=previous,
            drop=drop_pp,
            previous_period=shift_month(period, -1),
        ),
        _alerts(
            rows,
            missing,
            kind="missing",
            severity="warning",
            threshold=np.nan,
            streak=np.nan,
            owner=rows["owner"].to_numpy(object),
            due=rows["due"].to_numpy(object),
        ),
    ]
    found = [f for f in frames if len(f)]
    return pd.concat(found, ignore_index=True) if found else _empty()


def _no_action(
    rows: pd.DataFrame, grids: tuple[np.ndarray, np.ndarray], limits: dict[str, np.ndarray], actions: pd.DataFrame
) -> pd.DataFrame:
    """Issue 16: in breach (red, or out of its band) for NO_ACTION_MONTHS
    months in a row, and no open action of the unit linked to the KPI."""
    comp, status = grids
    streak = _streak(_in_breach(comp, status, limits))
    covered = set(zip(actions["unit_id"], actions["kpi_id"], strict=True)) if len(actions) else set()
    keys = zip(rows["unit_id"], rows["kpi_id"], strict=True)
    uncovered = np.fromiter((k not in covered for k in keys), dtype=bool, count=len(rows))
    return _alerts(
        rows,
        (streak >= NO_ACTION_MONTHS) & uncovered,
        kind="no_action",
        severity="warning",
        threshold=np.nan,
        streak=streak,
    )


_CLOSING_MONTHS = {"quarter": (3, 6, 9, 12), "half": (6, 12), "year": (12,)}


def _due(rows: pd.DataFrame, period: str) -> np.ndarray:
    """Whether an actual is expected this month: monthly KPIs always; others at
    the close of their period only (issue 14)."""
    month = int(period[5:7])
    codes, frequencies = pd.factorize(rows["frequency"])
    closes = np.array([month in _CLOSING_MONTHS.get(str(f), range(1, 13)) for f in frequencies], dtype=bool)
    return closes[codes.clip(0)]


def _compact(grid: np.ndarray) -> np.ndarray:
    """Each row's values pushed to the right, keeping their order, NaN gaps to the left."""
    order = np.argsort(~np.isnan(grid), axis=1, kind="stable")
    return np.take_along_axis(grid, order, axis=1)


def xmr_limits(history: np.ndarray, min_points: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Centre line, lower and upper natural process limits and the number of
    points, per row of ``history`` (months in columns, NaN = no value).

    Moving ranges are taken between consecutive values present, so a missing
    month neither counts as a zero nor breaks the series. Rows with fewer than
    ``min_points`` values get NaN limits. By hand: mean 68 / 6 = 11.333;
    moving ranges 2, 1, 2, 1, 2 average 1.6; 2.66 x 1.6 = 4.256.

    >>> mean, low, high, n = xmr_limits(np.array([[10, 12, 11, 13, 12, 10.0]]), 6)
    >>> [round(float(v[0]), 3) for v in (mean, low, high)], int(n[0])
    ([11.333, 7.077, 15.589], 6)
    """
    n = (~np.isnan(history)).sum(axis=1)
    enough = n >= min_points
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rows without values: mean of nothing
        mean = np.nanmean(np.where(enough[:, None], history, np.nan), axis=1)
        mr = np.nanmean(np.abs(np.diff(_compact(history), axis=1)), axis=1)
    spread = XMR_FACTOR * np.where(enough, mr, np.nan)
    return mean, mean - spread, mean + spread, n


def run_lengths(series: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Signed length of the run that ends with each row's last value present:
    +k for k values in a row above ``centre``, -k below, 0 on it or without data."""
    values = _compact(series)
    side = np.sign(np.round(values - centre[:, None], _PRECISION))
    side = np.where(np.isnan(side), 0, side)
    last = side[:, -1]
    same = side == last[:, None]
    length = _streak(same)
    return np.where(last == 0, 0, last * length).astype(int)


def _signals(
    rows: pd.DataFrame, comp: np.ndarray, limits: dict[str, np.ndarray], settings: AlertSettings
) -> pd.DataFrame:
    history, current = comp[:, :-1], np.round(comp[:, -1], _PRECISION)
    mean, low, high, points = xmr_limits(history, settings.min_points)
    has = ~np.isnan(current) & ~np.isnan(mean)
    with np.errstate(invalid="ignore"):
        away = np.round(np.abs(current - mean) * 100, _PRECISION - 2) >= limits["signal_min_pp"]
        above = has & away & (current > np.round(high, _PRECISION))
        below = has & away & (current < np.round(low, _PRECISION))
    runs = np.where(has, run_lengths(comp, mean), 0)
    run = np.abs(runs) >= settings.run_length
    over, under = _band_sides(current, limits)
    band = limits["band"]
    off_track = (rows["status"] != "green").to_numpy()
    base = {"mean": mean, "low": low, "high": high, "points": points}
    frames = [
        _alerts(
            rows,
            above | below,
            kind="xmr",
            severity=np.where(np.where(band, over | under, below & off_track), "warning", "info"),
            threshold=np.where(below, low, high),
            streak=np.nan,
            side=np.where(below, "below", "above"),
            **base,
        ),
        _alerts(
            rows,
            run,
            kind="run",
            severity=np.where(np.where(band, over | under, (runs < 0) & off_track), "warning", "info"),
            threshold=mean,
            streak=np.abs(runs),
            side=np.where(runs < 0, "below", "above"),
            **base,
        ),
    ]
    found = [f for f in frames if len(f)]
    return pd.concat(found, ignore_index=True) if found else _empty()


_PARAM_COLUMNS = ("side", "previous", "drop", "previous_period", "mean", "low", "high", "points", "owner", "due")


def _finish(found: pd.DataFrame, acks: pd.DataFrame | None) -> pd.DataFrame:
    """Group, message key, params, acknowledgement; worst first."""
    for column in _PARAM_COLUMNS:
        if column not in found:
            found[column] = np.nan
    found["group"] = np.where(found["kind"].isin(SIGNAL_KINDS), "signal", "breach")
    found["message_key"] = (
        "alert.msg."
        + found["kind"]
        + np.where(found["side"].isin(["over", "under", "above", "below"]), "_" + found["side"].astype(str), "")
    )
    found["message_key"] = np.where(
        (found["kind"] == "red") & (found["streak"] == 1), "alert.msg.red_new", found["message_key"]
    )
    owned = (found["kind"] == "missing") & found["owner"].map(lambda o: isinstance(o, str) and bool(o))
    found["message_key"] = np.where(owned, "alert.msg.missing_owned", found["message_key"])
    found["params"] = _params(found)
    found = _with_acks(found, acks)
    rank = {
        "severity": {s: i for i, s in enumerate(SEVERITIES)},
        "group": {g: i for i, g in enumerate(GROUPS)},
        "kind": {k: i for i, k in enumerate(KINDS)},
    }
    keyed = found.assign(**{f"_{k}": found[k].map(v) for k, v in rank.items()})
    keyed = keyed.sort_values(
        ["_severity", "_group", "_kind", "completion", "unit_id", "kpi_id"], na_position="last", kind="stable"
    )
    out = keyed[list(COLUMNS)].reset_index(drop=True)
    out["streak"] = out["streak"].astype("float64")
    return out


def _params(found: pd.DataFrame) -> list[dict]:
    """The figures each message needs, as plain JSON-friendly values (a
    column at a time: an organisation's month can hold tens of thousands)."""
    keys = ("value", "target", "completion", "threshold", "streak", *_PARAM_COLUMNS)
    out: list[dict] = [{} for _ in range(len(found))]
    for key in keys:
        column = found[key]
        values = column.to_numpy(dtype=object)
        numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        texts = np.array([isinstance(v, str) for v in values], dtype=bool)
        for i in np.flatnonzero(texts).tolist():
            out[i][key] = values[i]
        present = ~texts & ~np.isnan(numbers)
        for i, number in zip(np.flatnonzero(present).tolist(), numbers[present].tolist(), strict=True):
            out[i][key] = number
    return out


def _with_acks(found: pd.DataFrame, acks: pd.DataFrame | None) -> pd.DataFrame:
    keys = ["kind", "unit_id", "kpi_id", "period"]
    columns = ["acked_by", "acked_at", "action", "comment"]
    if acks is None or acks.empty:
        latest = pd.DataFrame(columns=keys + columns)
    else:
        latest = acks.sort_values("acked_at", ascending=False).drop_duplicates(keys)[keys + columns]
    out = found.merge(latest, on=keys, how="left")
    out["acknowledged"] = out["acked_by"].notna()
    return out


# --------------------------------------------------------------------------- reading alerts


@dataclass(frozen=True)
class Names:
    """Names of units and KPIs in both languages, for alert sentences."""

    units: Mapping[str, tuple[str, str]]
    """unit_id -> (English, Chinese)."""
    kpis: Mapping[str, tuple[str, str, str]]
    """kpi_id -> (English, Chinese, unit of measure)."""
    departments: Mapping[str, str] = field(default_factory=dict)
    """person's unit_id -> the unit_id of the department the person belongs to."""
    escape: Callable[[str], str] = str
    """Applied to every text from data put into a sentence (names, a unit of
    measure as written): the dashboard passes a Markdown escape."""

    @classmethod
    def from_frames(cls, units: pd.DataFrame, kpis: pd.DataFrame) -> Names:
        persons = units[units["kind"] == "person"] if "kind" in units else units.iloc[:0]
        return cls(
            units={r.unit_id: (str(r.name), _text(r.name_zh)) for r in units.itertuples(index=False)},
            kpis={r.kpi_id: (str(r.name), _text(r.name_zh), _text(r.unit)) for r in kpis.itertuples(index=False)},
            departments={
                r.unit_id: r.parent_id for r in persons.itertuples(index=False) if isinstance(r.parent_id, str)
            },
        )

    def unit(self, unit_id: str, lang: str) -> str:
        en, zh = self.units.get(unit_id, (unit_id, ""))
        return zh if lang == "zh" and zh else en

    def kpi(self, kpi_id: str, lang: str) -> str:
        en, zh, _ = self.kpis.get(kpi_id, (kpi_id, "", ""))
        return zh if lang == "zh" and zh else en

    def measure(self, kpi_id: str) -> str:
        return self.kpis.get(kpi_id, ("", "", ""))[2]

    def who(self, unit_id: str, lang: str) -> str:
        """The unit as an alert names it, escaped: a person with their
        department ("Xu Gang (Sales North Region)")."""
        name = self.escape(self.unit(unit_id, lang))
        department = self.departments.get(unit_id)
        if department is None:
            return name
        return t("alert.person_in", lang, person=name, department=self.escape(self.unit(department, lang)))

    def amount(self, value: float | None, kpi_id: str, lang: str) -> str:
        """A figure of the KPI with its unit of measure, in ``lang``:
        '30.6 hours', '70.1%', '169.1 万元'; '–' without a figure."""
        text = figure(value)
        measure = self.measure(kpi_id)
        if text == "–" or not measure:
            return text
        if measure == "%":
            return f"{text}%"
        shown = t(f"measure.{measure}", lang) if has(f"measure.{measure}") else self.escape(measure)
        return f"{text} {shown}"


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def figure(value: float | None, measure: str = "") -> str:
    """A figure as a manager reads it: thousands separated, at most two decimals.

    >>> figure(58.0), figure(2274.184), figure(70.1, "%"), figure(float("nan"))
    ('58', '2,274.18', '70.1%', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}%" if measure == "%" else text


def months(count: int, lang: str) -> str:
    """A number of months, singular or plural.

    >>> months(1, "en"), months(2, "en"), months(2, "zh")
    ('1 month', '2 months', '2 个月')
    """
    return t("alert.months_one" if count == 1 else "alert.months_many", lang, count=count)


def _pct(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.{digits}f}%"


def _get(row: object, key: str) -> object:
    if isinstance(row, Mapping | pd.Series):
        return row[key]
    return getattr(row, key)


def message(row: object, lang: str, names: Names) -> str:
    """The alert's sentence in ``lang``, e.g. "Sales · Collection days 58 days
    (target 45 days): 71% completion, red for 3 months"; ``row`` is a row of
    :func:`evaluate` (a Series, a dict or a namedtuple)."""
    p = dict(_get(row, "params"))
    kpi_id = str(_get(row, "kpi_id"))
    streak = int(p.get("streak", 0))
    points = int(p.get("points", 0))
    text = {
        "unit": names.who(str(_get(row, "unit_id")), lang),
        "kpi": names.escape(names.kpi(kpi_id, lang)),
        "period": _get(row, "period"),
        "actual": names.amount(p.get("value"), kpi_id, lang),
        "target": names.amount(p.get("target"), kpi_id, lang),
        "completion": _pct(p.get("completion")),
        "threshold": _pct(p.get("threshold")),
        "streak": streak,
        "months": months(streak, lang),
        "previous": _pct(p.get("previous")),
        "previous_period": p.get("previous_period", ""),
        "drop": f"{p.get('drop', 0):.1f}",
        "drop_limit": f"{p.get('threshold', 0):g}",
        "mean": _pct(p.get("mean")),
        "low": _pct(p.get("low")),
        "high": _pct(p.get("high")),
        "points": points,
        "span": months(points, lang),
        "owner": names.escape(str(p.get("owner", ""))),
        "due": p.get("due", ""),
    }
    return t(str(_get(row, "message_key")), lang, **text)


def lines(alerts_df: pd.DataFrame) -> list[list[dict]]:
    """The alerts as a list shows them: one line per alert, in the order
    given, except that the missing figures of one unit in one month (one
    upload not done, one alert per KPI) make one line, where the first of
    them stands. Each line is the list of its alerts (rows as dicts)."""
    out: list[list[dict]] = []
    grouped: dict[tuple[str, str], int] = {}
    for row in alerts_df.to_dict("records"):
        if row["kind"] == "missing":
            key = (row["unit_id"], row["period"])
            if key in grouped:
                out[grouped[key]].append(row)
                continue
            grouped[key] = len(out)
        out.append([row])
    return out


def line_message(line: list[dict], lang: str, names: Names) -> str:
    """The sentence of one line of :func:`lines`: the alert's own, or for
    several missing figures of one unit "Xu Gang (Sales North Region) has not
    reported 4 KPIs for 2026-10: Collection days (DSO), ..."."""
    if len(line) == 1:
        return message(line[0], lang, names)
    first = line[0]
    # issue 13: the owners who owe them, when they have any
    owners_ = list(dict.fromkeys(str(o) for r in line if (o := dict(r["params"]).get("owner"))))
    return t(
        "alert.msg.missing_many_owned" if owners_ else "alert.msg.missing_many",
        lang,
        unit=names.who(first["unit_id"], lang),
        count=len(line),
        period=first["period"],
        kpis=t("alert.list_separator", lang).join(names.escape(names.kpi(r["kpi_id"], lang)) for r in line),
        **(
            {
                "owner": t("alert.list_separator", lang).join(names.escape(o) for o in owners_),
                "due": dict(first["params"]).get("due", ""),
            }
            if owners_
            else {}
        ),
    )


def select(
    alerts: pd.DataFrame,
    *,
    severities: list[str] | None = None,
    kinds: list[str] | None = None,
    perspectives: list[str] | None = None,
    unit_ids: list[str] | None = None,
) -> pd.DataFrame:
    """The alerts that pass every given filter (None or empty: no filter)."""
    keep = pd.Series(True, index=alerts.index)
    for column, wanted in (
        ("severity", severities),
        ("kind", kinds),
        ("perspective", perspectives),
        ("unit_id", unit_ids),
    ):
        if wanted:
            keep &= alerts[column].isin(wanted)
    return alerts[keep]


def counts(alerts: pd.DataFrame) -> dict[str, int]:
    """Alerts per severity, every severity present (0 when none)."""
    found = alerts["severity"].value_counts()
    return {s: int(found.get(s, 0)) for s in SEVERITIES}


def worst(severities: pd.Series) -> str | None:
    """The worst severity among ``severities`` (None when empty)."""
    present = set(severities)
    return next((s for s in SEVERITIES if s in present), None)


def summary(alerts_df: pd.DataFrame, org: Org, unit_id: str) -> dict:
    """What the scorecard of ``unit_id`` shows about alerts:

    * ``counts``: severity -> number of alerts over the unit's subtree;
    * ``open``: the same, not yet acknowledged;
    * ``kpis``: kpi_id -> worst severity of the unit's own alerts on that KPI
      (a KPI without alerts is absent);
    * ``children``: child unit_id -> severity counts over that child's subtree.
    """
    below = alerts_df[alerts_df["unit_id"].isin(org.subtree(unit_id))]
    own = below[below["unit_id"] == unit_id]
    # each unit below -> the child whose subtree holds it (one walk, not one search per child)
    branch = {u: child for child in org.children(unit_id) for u in org.subtree(child)}
    by_child = below.assign(_child=below["unit_id"].map(branch))
    grouped = dict(tuple(by_child.groupby("_child", sort=False)))
    return {
        "counts": counts(below),
        "open": counts(below[~below["acknowledged"].astype(bool)]),
        "kpis": {str(k): worst(g["severity"]) for k, g in own.groupby("kpi_id", sort=True)},
        "children": {child: counts(grouped.get(child, below.iloc[:0])) for child in org.children(unit_id)},
    }


RECORD_KEYS: tuple[str, ...] = ("kind", "severity", "unit_id", "kpi_id", "period", "value", "threshold", "message")


def records(alerts_df: pd.DataFrame, lang: str, names: Names) -> list[dict]:
    """The CLI's JSON objects: kind, severity, unit_id, kpi_id, period, value,
    threshold, message."""
    out = []
    for row in alerts_df.to_dict("records"):
        out.append(
            {
                "kind": row["kind"],
                "severity": row["severity"],
                "unit_id": row["unit_id"],
                "kpi_id": row["kpi_id"],
                "period": row["period"],
                "value": _plain(row["value"]),
                "threshold": _plain(row["threshold"]),
                "message": message(row, lang, names),
            }
        )
    return out


def _plain(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), 6)
