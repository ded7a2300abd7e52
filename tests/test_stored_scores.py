"""Stored scores are kept current at every write: after any sequence of
uploads, restatements, rollbacks, rule edits and weight edits, every stored
figure equals a from-scratch rescore of the same facts, exactly (the same
floats, not close ones).

The property test (hypothesis) draws the sequences; the hand-worked tests
below it pin what a reader sees: a restated March moves March to December,
and a page right after a write shows the new figure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_core import engine, ingest, scorecard, scores
from kpi_core.design import Change
from kpi_core.store import RollbackError, Store
from tests.conftest import SMALL

#: Sequences drawn per run: at least 200 in CI (``KPI_STORED_EXAMPLES`` raises it).
EXAMPLES = int(os.environ.get("KPI_STORED_EXAMPLES", "200"))

#: (unit, KPI) pairs assigned in 2026 in the small company (tests/conftest.py)
PAIRS = [
    ("HQ", "rev"),
    ("HQ", "days"),
    ("HQ", "spend"),
    ("HQ", "csat"),
    ("HQ", "staff"),
    ("SALES", "rev"),
    ("SALES", "days"),
    ("OPS", "spend"),
    ("OPS", "staff"),
    ("P1", "rev"),
]
MONTHS = [f"2026-{m:02d}" for m in range(1, 7)]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small company with its scores stored, copied for every example."""
    path = tmp_path_factory.mktemp("stored") / "small.duckdb"
    with Store(path) as store:
        _fill_template(store)
        store.cursor().execute("CHECKPOINT")
    return path


def _fill_template(store: Store) -> None:
    for kind in ("units", "kpis", "assignments", "targets", "actuals"):
        report = ingest.load(store, kind, SMALL[kind].encode(), f"{kind}.csv", uploaded_by="test")
        assert report.validated.ok, report.validated.errors
    scores.ensure(store)


def assert_current(store: Store) -> None:
    stored = store.all_stored_scores()
    fresh = scores.from_scratch(store)
    # the scores reach the latest month with an actual (none: nothing to show)
    assert (len(stored[0]) > 0) is (store.value_horizon() is not None)
    pd.testing.assert_frame_equal(stored[0], fresh[0], check_exact=True)
    pd.testing.assert_frame_equal(stored[1], fresh[1], check_exact=True)


# --------------------------------------------------------------------------- the operations

value = st.one_of(
    st.integers(-50, 300).map(float),
    st.floats(-1000, 1000, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 3)),
)
cells = st.lists(st.tuples(st.sampled_from(PAIRS), st.sampled_from(MONTHS), value), min_size=1, max_size=6)


def _values(kind: str, drawn: list) -> pd.DataFrame:
    column = kind[:-1]
    rows = {(u, k, p): v for (u, k), p, v in drawn}
    return pd.DataFrame(
        [(u, k, p, v) for (u, k, p), v in rows.items()], columns=["unit_id", "kpi_id", "period", column]
    )


upload = st.tuples(st.just("upload"), st.sampled_from(["targets", "actuals"]), cells)
rollback = st.tuples(st.just("rollback"), st.integers(0, 5))
rule = st.tuples(
    st.just("rule"),
    st.sampled_from(["rev", "days", "spend", "csat", "staff"]),
    st.sampled_from(
        [
            {"cap": 1.1},
            {"cap": None},
            {"floor": 0.8},
            {"floor": None},
            {"tiers": "0.9:0.5;1.0:0.8"},
            {"tiers": None},
            {"direction": "lower"},
            {"direction": "higher"},
            {"blend": 0.3},
            {"blend": None},
            {"accumulation": "avg"},
            {"accumulation": "last"},
            {"green_at": 1.05, "amber_at": 0.95},
            # issue 14: reporting frequency and calculated KPIs (a formula on
            # rev or days reads itself: refused at load, computes nothing here)
            {"frequency": "quarter"},
            {"frequency": "half"},
            {"frequency": None},
            {"formula": "rev / days * 100"},
            {"formula": "(rev - spend) / rev"},
            {"formula": None},
        ]
    ),
)
weight = st.tuples(st.just("weight"), st.sampled_from(PAIRS), st.sampled_from([0.0, 5.0, 25.0, 60.0]))
role = st.tuples(st.just("role"), st.sampled_from(PAIRS), st.sampled_from(["info", "core"]))
target_edit = st.tuples(st.just("target"), st.sampled_from(PAIRS), st.sampled_from(MONTHS), value)
operations = st.lists(st.one_of(upload, rollback, rule, weight, role, target_edit), min_size=1, max_size=5)


def _apply(store: Store, op: tuple) -> None:
    kind = op[0]
    if kind == "upload":
        frame = _values(op[1], op[2])
        store.write_batch(op[1], frame, file_name=f"{op[1]}.csv", sha256="x", uploaded_by="test")
    elif kind == "rollback":
        batches = store.batches()
        live = batches[batches["rollback_of"].isna() & batches["kind"].isin(["targets", "actuals"])]
        if len(live):
            try:
                store.rollback_batch(int(live["batch_id"].iloc[op[1] % len(live)]), uploaded_by="test")
            except RollbackError:
                pass  # refused (a later batch changed the rows): nothing changes
    elif kind == "rule":
        kpi = store.kpi(op[1]) | op[2]
        store.save_kpi(kpi, changed_by="test", reason="property test")
    elif kind in ("weight", "role"):
        (unit, kpi), new = op[1], op[2]
        old = store.assignments(2026, [unit]).set_index("kpi_id").loc[kpi, kind]
        change = Change("assignment", "upsert", unit, kpi, "2026", kind, old, new)
        store.apply_changes([change], changed_by="test", reason="property test")
    elif kind == "target":
        (unit, kpi), period, new = op[1], op[2], op[3]
        change = Change("target", "upsert", unit, kpi, period, "target", None, new)
        store.apply_changes([change], changed_by="test", reason="property test")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_stored_scores_equal_a_rescore_from_scratch_after_every_write(template, tmp_path_factory, ops):
    path = tmp_path_factory.mktemp("example") / "small.duckdb"
    shutil.copyfile(template, path)
    with Store(path) as store:
        assert scores.ensure(store)
        for op in ops:
            _apply(store, op)
            assert_current(store)


# --------------------------------------------------------------------------- by hand


@pytest.fixture
def store(template: Path, tmp_path: Path, store_backend: str, request: pytest.FixtureRequest) -> Store:
    if store_backend == "postgresql":  # the same company on PostgreSQL (tests/pg_contract.py)
        from tests.conftest import _pg_copy

        opened = Store(_pg_copy(request, "stored", _fill_template))
        assert scores.ensure(opened)
        yield opened
        opened.close()
        return
    path = tmp_path / "small.duckdb"
    shutil.copyfile(template, path)
    opened = Store(path)
    assert scores.ensure(opened)
    yield opened
    opened.close()


def _stored_months(store: Store, unit: str, kpi: str, view: str) -> pd.DataFrame:
    cells, _ = store.all_stored_scores()
    mine = cells[(cells["unit_id"] == unit) & (cells["kpi_id"] == kpi) & (cells["view"] == view)]
    return mine.assign(month=pd.to_datetime(mine["period"]).dt.month).set_index("month")


def test_a_restated_march_moves_march_to_december_and_nothing_before(store):
    """HQ revenue: 95 / 100, 110 / 100, 150 / 200 in January to March.
    Restating March to 250 makes March's month completion 250 / 200 = 1.25
    (capped at 1.2) and the year to date (95 + 110 + 250) / 400 = 1.1375;
    January and February are untouched, and so is every other unit."""
    before, _ = store.all_stored_scores()
    store.write_batch(
        "actuals",
        pd.DataFrame([("HQ", "rev", "2026-03", 250.0)], columns=["unit_id", "kpi_id", "period", "actual"]),
        file_name="restated.csv",
        sha256="x",
        uploaded_by="test",
    )
    month = _stored_months(store, "HQ", "rev", "month")
    ytd = _stored_months(store, "HQ", "rev", "ytd")
    assert month.loc[3, "completion"] == pytest.approx(1.25)
    assert month.loc[3, "score"] == pytest.approx(1.2)
    assert ytd.loc[3, "completion"] == pytest.approx(455 / 400)
    assert ytd.loc[2, "completion"] == pytest.approx(205 / 200)
    after, _ = store.all_stored_scores()
    key = ["unit_id", "kpi_id", "period", "view"]
    moved = before.merge(after, on=key, suffixes=("_b", "_a"))
    changed = moved[(moved["score_b"] != moved["score_a"]) & moved["score_a"].notna()]
    assert set(changed["unit_id"]) == {"HQ"} and set(changed["kpi_id"]) == {"rev"}
    assert pd.to_datetime(changed["period"]).dt.month.min() == 3
    assert_current(store)


def test_a_rule_edit_moves_every_unit_with_the_kpi(store):
    """Revenue's cap from 1.2 to 1.0: HQ's February, 110 / 100 = 1.1, now
    earns 1.0; January, 95 / 100 = 0.95, is under the cap and keeps 0.95.
    Every other unit with revenue is rescored too (the stored scores equal a
    rescore from scratch)."""
    kpi = store.kpi("rev") | {"cap": 1.0}
    store.save_kpi(kpi, changed_by="test", reason="cap at target")
    month = _stored_months(store, "HQ", "rev", "month")
    assert month.loc[2, "score"] == pytest.approx(1.0)  # 1.1 capped at 1.0
    assert month.loc[1, "score"] == pytest.approx(0.95)  # below the cap: as it was
    assert_current(store)


def test_the_scorecard_right_after_a_weight_edit_shows_the_new_total(store):
    """OPS in March: spend 80 / 100 is 0.8, 10 points under its 0.9 band at 2
    points each: 50 - 20 = 30 of 50 points (0.6); staff 20 / 20 is 1.0: 50 of
    50. Total 80. Staff's weight from 50 to 25: staff gives 25 points and
    spend, still 20 points under, 50 - 20 = 30: total 55."""
    assert scorecard.build(store, "OPS", "2026-03", "month").total == pytest.approx(80.0)
    change = Change("assignment", "upsert", "OPS", "staff", "2026", "weight", 50.0, 25.0)
    store.apply_changes([change], changed_by="test", reason="rebalance")
    assert scorecard.build(store, "OPS", "2026-03", "month").total == pytest.approx(55.0)
    assert_current(store)


def test_scores_made_by_another_engine_are_rebuilt_when_opened(template, tmp_path, monkeypatch):
    path = tmp_path / "small.duckdb"
    shutil.copyfile(template, path)
    with Store(path) as store:
        cur = store.cursor()
        cur.execute("UPDATE kpi_scores SET score = -1")
        cur.execute("UPDATE meta SET value = '0' WHERE key = 'scores_engine'")
    seen = []
    with Store(path) as store:
        assert scores.needs_rebuild(store)
        scores.ensure(store, lambda done, year: seen.append((done, year)))
        assert seen == [(1.0, "2026")]
        assert store.scores_version() == engine.ENGINE_VERSION
        assert not scores.needs_rebuild(store)
        assert_current(store)


def test_marks_left_without_the_hook_are_refreshed_when_opened(template, tmp_path, monkeypatch):
    """A process that wrote without keeping the scores (no hook) leaves its
    marks; the next open refreshes them."""
    path = tmp_path / "small.duckdb"
    shutil.copyfile(template, path)
    monkeypatch.setattr(Store, "write_hooks", [])
    with Store(path) as store:
        store.write_batch(
            "actuals",
            pd.DataFrame([("P1", "rev", "2026-03", 40.0)], columns=["unit_id", "kpi_id", "period", "actual"]),
            file_name="late.csv",
            sha256="x",
        )
        assert store.has_moves()
    monkeypatch.undo()
    with Store(path) as store:
        assert scores.ensure(store)
        assert not store.has_moves()
        # P1 revenue in March: 40 against 50 = 0.8
        card = scorecard.build(store, "P1", "2026-03", "month")
        assert card.kpis.set_index("kpi_id").loc["rev", "completion"] == pytest.approx(0.8)
        assert_current(store)


def test_a_failed_write_leaves_the_stored_scores_as_they_were(store, monkeypatch):
    before = store.table_checksums()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "insert_scores", broken)
    with pytest.raises(RuntimeError):
        store.write_batch(
            "actuals",
            pd.DataFrame([("HQ", "rev", "2026-03", 1.0)], columns=["unit_id", "kpi_id", "period", "actual"]),
            file_name="x.csv",
            sha256="x",
        )
    assert store.table_checksums() == before


def test_a_read_only_store_with_stale_scores_is_scored_on_the_fly(template, tmp_path):
    path = tmp_path / "small.duckdb"
    shutil.copyfile(template, path)
    with Store(path) as store:
        store.cursor().execute("UPDATE meta SET value = '0' WHERE key = 'scores_engine'")
    with Store(path, read_only=True) as store:
        assert not scores.ensure(store)
        # HQ in March (README worked example): revenue 150 / 200 = 0.75
        card = scorecard.build(store, "HQ", "2026-03", "month")
        assert card.kpis.set_index("kpi_id").loc["rev", "completion"] == pytest.approx(0.75)


def test_the_scores_reach_the_latest_month_with_an_actual(store):
    """The small company has actuals to March: no April is stored. An April
    actual for HQ revenue (120, no April target) brings April to every unit:
    OPS's staff has no April figure (no data); HQ's year to date in April
    still pairs only January to March: (95 + 110 + 150) / 400 = 0.8875.
    Rolling the upload back takes April away again."""
    cells, units = store.all_stored_scores()
    assert pd.to_datetime(cells["period"]).max() == pd.Timestamp("2026-03-01")
    result = store.write_batch(
        "actuals",
        pd.DataFrame([("HQ", "rev", "2026-04", 120.0)], columns=["unit_id", "kpi_id", "period", "actual"]),
        file_name="april.csv",
        sha256="x",
    )
    cells, units = store.all_stored_scores()
    april = cells[pd.to_datetime(cells["period"]) == pd.Timestamp("2026-04-01")]
    assert set(april["unit_id"]) == {"HQ", "SALES", "OPS", "P1"}
    ops_staff = april[(april["unit_id"] == "OPS") & (april["kpi_id"] == "staff") & (april["view"] == "month")]
    assert ops_staff["status"].tolist() == ["no_target"]
    hq_ytd = april[(april["unit_id"] == "HQ") & (april["kpi_id"] == "rev") & (april["view"] == "ytd")]
    assert hq_ytd["completion"].tolist() == pytest.approx([355 / 400])
    assert_current(store)
    store.rollback_batch(result.batch_id)
    cells, _ = store.all_stored_scores()
    assert pd.to_datetime(cells["period"]).max() == pd.Timestamp("2026-03-01")
    assert_current(store)


def test_scoring_in_chunks_of_units_changes_no_figure(store, monkeypatch):
    """A large organisation is scored a chunk of units at a time; a unit's
    figures depend on its own facts only, so chunks of two units give the same
    floats as the whole company at once, at a rebuild and at a refresh."""
    whole = store.all_stored_scores()
    monkeypatch.setattr(scores, "CHUNK_UNITS", 2)
    chunked = scores.from_scratch(store)
    pd.testing.assert_frame_equal(whole[0], chunked[0], check_exact=True)
    pd.testing.assert_frame_equal(whole[1], chunked[1], check_exact=True)
    store.write_batch(
        "actuals",
        pd.DataFrame(
            [("HQ", "rev", "2026-03", 160.0), ("OPS", "staff", "2026-03", 19.0), ("P1", "rev", "2026-03", 45.0)],
            columns=["unit_id", "kpi_id", "period", "actual"],
        ),
        file_name="three_units.csv",
        sha256="x",
    )
    refreshed = store.all_stored_scores()
    monkeypatch.undo()
    fresh = scores.from_scratch(store)
    pd.testing.assert_frame_equal(refreshed[0], fresh[0], check_exact=True)
    pd.testing.assert_frame_equal(refreshed[1], fresh[1], check_exact=True)


def test_the_design_impact_is_the_engine_on_the_facts_with_the_edit_laid_over(store):
    """HQ's March 2026 (README worked example) totals 85. Moving 10 points of
    weight from revenue (40 -> 30, 75% completion) to collection days
    (20 -> 30, 105%): revenue earns 30 x 0.75 = 22.5, days 30 x 1.05 = 31.5;
    with spend 4, satisfaction 21 and staff 9 the total is 88.0. A March
    revenue target of 150 instead of 200 (with the weights as stored) makes
    revenue 150 / 150 = 100%: 40 points instead of 30, total 95.0. Nothing is
    written."""
    from kpi_core import design

    before = store.table_checksums()
    table = design.design_table(store.assignments(2026, ["HQ"]), store.unit_targets(["HQ"], 2026), 2026)
    weights = table.assign(weight=table["kpi_id"].map({"rev": 30.0, "days": 30.0}).fillna(table["weight"]))
    impact = design.design_impact(store, "HQ", 2026, weights).set_index("period")
    assert impact.loc["2026-03", "old_total"] == pytest.approx(85.0)
    assert impact.loc["2026-03", "new_total"] == pytest.approx(88.0)
    assert impact.loc["2026-03", "delta"] == pytest.approx(3.0)
    target = table.copy()
    target.loc[target["kpi_id"] == "rev", "2026-03"] = 150.0
    impact = design.design_impact(store, "HQ", 2026, target).set_index("period")
    assert impact.loc["2026-03", "new_total"] == pytest.approx(95.0)
    assert impact.loc["2026-01", "delta"] == pytest.approx(0.0)  # January's revenue target is untouched
    assert store.table_checksums() == before
