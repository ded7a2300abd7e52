"""A scorecard exactly as it stood at a moment: values, targets, KPI rules and
weights as they were then ("the figures we showed at the October review").

The small company's HQ in March 2026 (README's worked example) totals 85.
Then, one change at a time, each checked by hand:

1. a restatement: March revenue 150 -> 190, completion 95%: 40 x 0.95 = 38,
   total 85 - 30 + 38 = 93;
2. a rule edit: revenue gets tiers "1.0:0.9" (below 100% earns 90%):
   40 x 0.9 = 36, total 91;
3. a weight edit: revenue 40 -> 30, collection days 20 -> 30:
   30 x 0.9 = 27 and 30 x 1.05 = 31.5, total 27 + 31.5 + 4 + 21 + 9 = 92.5;
4. the restatement rolled back: revenue 150 again, 75%, still below 100%:
   tiers give 0.9, total still 92.5, but the actual shown is 150.

The store as of each moment in between gives back that moment's figures.
"""

from __future__ import annotations

import json
import time
from datetime import datetime

import pytest

from kpi_core import design, ingest, scorecard
from kpi_core.cli import main as cli
from tests.conftest import TODAY


def _moment() -> datetime:
    time.sleep(0.02)  # the changes around it get distinct timestamps
    moment = datetime.now()
    time.sleep(0.02)
    return moment


def _card(store, view: str = "month"):
    card = scorecard.build(store, "HQ", "2026-03", view)
    rev = card.kpis.set_index("kpi_id").loc["rev"]
    weights = dict(zip(card.kpis["kpi_id"], card.kpis["weight"], strict=True))
    return round(card.total, 6), rev["actual"], round(rev["score"], 6), weights


@pytest.fixture
def timeline(small_store):
    moments = {"start": _moment()}
    restated = ingest.load(
        small_store, "actuals", b"unit_id,kpi_id,period,actual\nHQ,rev,2026-03,190\n", "restated.csv", today=TODAY
    )
    moments["restated"] = _moment()
    problems = design.save_kpi(
        small_store, {**small_store.kpi("rev"), "tiers": "1.0:0.9"}, changed_by="li", reason="tiers agreed"
    )
    assert problems == []
    moments["rule"] = _moment()
    table = design.design_table(small_store.assignments(2026, ["HQ"]), small_store.unit_targets(["HQ"], 2026), 2026)
    after = table.copy()
    after.loc[after["kpi_id"] == "rev", "weight"] = 30.0
    after.loc[after["kpi_id"] == "days", "weight"] = 30.0
    errors, written = design.save_design(small_store, "HQ", 2026, table, after, changed_by="li", reason="rebalance")
    assert (errors, written) == ([], 2)
    moments["weights"] = _moment()
    small_store.rollback_batch(restated.result.batch_id, uploaded_by="li")
    return small_store, moments


def test_each_moment_gives_back_its_figures(timeline):
    store, at = timeline
    base_weights = {"rev": 40.0, "days": 20.0, "spend": 10.0, "csat": 20.0, "staff": 10.0}
    new_weights = {**base_weights, "rev": 30.0, "days": 30.0}
    assert _card(store.as_of(at["start"])) == (85.0, 150.0, 0.75, base_weights)
    assert _card(store.as_of(at["restated"])) == (93.0, 190.0, 0.95, base_weights)
    assert _card(store.as_of(at["rule"])) == (91.0, 190.0, 0.9, base_weights)
    assert _card(store.as_of(at["weights"])) == (92.5, 190.0, 0.9, new_weights)
    assert _card(store) == (92.5, 150.0, 0.9, new_weights)
    assert _card(store.as_of(datetime.now())) == _card(store)


def test_the_rule_as_it_was_and_nothing_before_the_first_upload(timeline):
    store, at = timeline
    assert store.as_of(at["start"]).kpi("rev")["tiers"] is None
    assert store.as_of(at["rule"]).kpi("rev")["tiers"] == "1.0:0.9"
    assert store.as_of(datetime(2020, 1, 1)).is_empty()


def test_the_command_line_scores_as_of_a_moment(timeline, capsys):
    store, at = timeline
    path = store.path
    store.close()
    stamp = at["restated"].isoformat(timespec="microseconds")
    code = cli(["--db", str(path), "score", "--period", "2026-03", "--as-of", stamp, "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    card = json.loads(out)
    assert card["total"] == pytest.approx(93.0)
    assert card["as_of"] == stamp
    code = cli(["--db", str(path), "score", "--period", "2026-03", "--as-of", "yesterday"])
    _, err = capsys.readouterr()
    assert code == 2 and "yesterday" in err


def test_a_tasks_assessment_as_it_stood(demo_store):
    """Goal-setting tasks are rebuilt too: Customer Service's October total is
    75.07 with its process redesign (CS_T1, weight 5) assessed "not"; restated
    "met", it earns 5 more points (80.07), and the store as of the moment
    before gives back 75.07 and the "not"."""
    before = _moment()
    text = "task_id,year,period,result,comment\nCS_T1,2026,2026-10,met,caught up\n"
    assert ingest.load(demo_store, "task_assessments", text.encode(), "fix.csv", uploaded_by="t").validated.ok
    assert scorecard.build(demo_store, "CS", "2026-10", "month").total == pytest.approx(80.070111, abs=1e-6)
    then = demo_store.as_of(before)
    assert scorecard.build(then, "CS", "2026-10", "month").total == pytest.approx(75.070111, abs=1e-6)
    marks = then.task_assessments(2026, ["CS_T1"]).set_index("period")["result"]
    assert marks["2026-10"] == "not" and len(then.tasks(2026)) == 6
