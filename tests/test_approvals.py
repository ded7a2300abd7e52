"""Approvals of mid-year changes and the permissions of the write paths (issue 13).

The small company (tests/conftest.py) scores by hand: HQ in March 2026 (month
view) earns revenue 40 x 150/200 = 30, collection days 20 x (2 - 38/40) = 21,
spend 10 - 3 pp x 2 = 4, satisfaction 20 x 1.05 = 21 and staff 10 x 18/20 = 9:
a total of 85 out of weights summing to 100.
"""

from __future__ import annotations

import pytest

from kpi_core import access, approvals, cli, design, ingest, scorecard
from kpi_core.org import Org
from kpi_core.store import PeriodClosedError
from kpi_core.store.approvals import RequestError

HQ_MARCH = 85.0
# revenue 40 -> 30 and staff 10 -> 20: 30 x 0.75 + 21 + 4 + 21 + 20 x 0.9 = 22.5 + 21 + 4 + 21 + 18
HQ_MARCH_REWEIGHTED = 86.5
# March revenue target 200 -> 150: 40 x 150/150 + 21 + 4 + 21 + 9
HQ_MARCH_RETARGETED = 95.0
# revenue's floor 0.6 -> 0.8: 150/200 = 0.75 is under it and earns 0: 0 + 21 + 4 + 21 + 9
HQ_MARCH_FLOOR_08 = 55.0


@pytest.fixture
def store(small_store):
    small_store.add_user("li", role="analyst", unit_id="HQ", by="t")  # asks for changes
    small_store.add_user("wang", role="manager", unit_id="HQ", approver=True, by="t")  # approves
    small_store.add_user("zhao", role="admin", approver=True, by="t")  # an approver who also asks
    small_store.add_user("sam", role="analyst", unit_id="SALES", by="t")
    small_store.add_user("boss", role="admin", by="t")
    return small_store


def _who(store, name: str) -> access.Viewer:
    return access.acting_as(store, name)


def _scope(store, name: str) -> access.Scope:
    return access.Scope.of(_who(store, name), Org.from_frame(store.units()))


def _total(store, unit: str = "HQ", period: str = "2026-03") -> float:
    return scorecard.build(store, unit, period, "month").total


def _reweight(store, *, by: str = "li", reason: str = "Q2 re-plan", rev: float = 30.0, staff: float = 20.0):
    before = design.design_table(store.assignments(2026, ["HQ"]), store.unit_targets(["HQ"], 2026), 2026)
    after = before.copy()
    after.loc[after["kpi_id"] == "rev", "weight"] = rev
    after.loc[after["kpi_id"] == "staff", "weight"] = staff
    return approvals.save_design(
        store, "HQ", 2026, before, after, by=by, reason=reason, viewer=_who(store, by), scope=_scope(store, by)
    )


def _weights(store) -> dict[str, float]:
    frame = store.assignments(2026, ["HQ"])
    return dict(zip(frame["kpi_id"], frame["weight"], strict=True))


def _unchanged_tables(store) -> dict[str, str]:
    """Checksums of every table a decision may not touch when it changes nothing."""
    sums = store.table_checksums()
    return {k: v for k, v in sums.items() if k not in ("change_requests", "change_log")}


# --------------------------------------------------------------------------- before the lock


def test_before_the_lock_a_weight_change_applies_at_once(store):
    problems, done = _reweight(store)
    assert problems == [] and done.applied and done.written == 2
    assert _total(store) == pytest.approx(HQ_MARCH_REWEIGHTED)
    assert store.change_requests().empty


# --------------------------------------------------------------------------- request -> approve


def test_a_locked_weight_change_waits_for_approval_then_moves_the_total(store):
    store.lock_baseline(2026, locked_by="boss", note="budget agreed")
    problems, done = _reweight(store)
    assert problems == [] and not done.applied and done.request_id == 1 and done.year == 2026
    assert _weights(store)["rev"] == 40.0 and _total(store) == pytest.approx(HQ_MARCH)
    request = store.change_request(1)
    assert (request["status"], request["requested_by"], request["reason"], request["unit_id"]) == (
        "pending",
        "li",
        "Q2 re-plan",
        "HQ",
    )
    readable = approvals.describe(request, "en", {"HQ": "Acme"}, {"rev": "Revenue", "staff": "Key staff retained"})
    assert readable.values.tolist() == [
        ["Acme · Revenue · 2026", "Weight", "40", "30"],
        ["Acme · Key staff retained · 2026", "Weight", "10", "20"],
    ]

    decided = approvals.decide(store, 1, approve=True, viewer=_who(store, "wang"), note="agreed in committee")
    assert (decided["status"], decided["decided_by"], decided["decision_note"]) == (
        "approved",
        "wang",
        "agreed in committee",
    )
    assert _weights(store)["rev"] == 30.0 and _weights(store)["staff"] == 20.0
    assert _total(store) == pytest.approx(HQ_MARCH_REWEIGHTED)  # the stored scores followed

    log = store.change_log()
    made = log[(log["entity"] == "request") & (log["new_value"] == "pending")].iloc[0]
    approved = log[(log["entity"] == "request") & (log["new_value"] == "approved")].iloc[0]
    assert (made["changed_by"], made["reason"]) == ("li", "Q2 re-plan")
    assert (approved["changed_by"], approved["reason"]) == ("wang", "agreed in committee")
    applied = log[log["entity"] == "assignment"]
    assert set(applied["changed_by"]) == {"li"} and set(applied["reason"]) == {"Q2 re-plan"}
    assert set(applied["changed_at"]) == {approved["changed_at"]}  # one transaction with the approval
    assert list(store.request_log(unit_id="HQ")["new_value"]) == ["approved", "pending"]


def test_a_rejected_request_changes_nothing(store):
    store.lock_baseline(2026, locked_by="boss")
    _reweight(store)
    before = _unchanged_tables(store)
    decided = approvals.decide(store, 1, approve=False, viewer=_who(store, "wang"), note="not this quarter")
    assert (decided["status"], decided["decision_note"]) == ("rejected", "not this quarter")
    assert _unchanged_tables(store) == before
    assert _weights(store)["rev"] == 40.0 and _total(store) == pytest.approx(HQ_MARCH)
    with pytest.raises(RequestError) as refused:
        approvals.decide(store, 1, approve=True, viewer=_who(store, "zhao"))
    assert refused.value.key == "approvals.already_rejected"


def test_rejecting_needs_a_note(store):
    store.lock_baseline(2026, locked_by="boss")
    _reweight(store)
    with pytest.raises(RequestError) as refused:
        approvals.decide(store, 1, approve=False, viewer=_who(store, "wang"), note="  ")
    assert refused.value.key == "approvals.note_needed"
    assert store.change_request(1)["status"] == "pending"


def test_the_requester_cannot_approve_their_own_request(store):
    store.lock_baseline(2026, locked_by="boss")
    _reweight(store, by="zhao")
    with pytest.raises(access.NotPermitted) as refused:
        approvals.decide(store, 1, approve=True, viewer=_who(store, "zhao"))
    assert refused.value.key == "approvals.own_request"
    # the store refuses it too, whoever calls it
    with pytest.raises(RequestError) as refused:
        store.approve_request(1, decided_by="zhao")
    assert refused.value.key == "approvals.own_request"
    assert store.change_request(1)["status"] == "pending" and _total(store) == pytest.approx(HQ_MARCH)


def test_a_non_approver_cannot_approve(store):
    store.lock_baseline(2026, locked_by="boss")
    _reweight(store)
    for name in ("boss", "sam"):  # an admin without the approver flag, an analyst
        with pytest.raises(access.NotPermitted) as refused:
            approvals.decide(store, 1, approve=True, viewer=_who(store, name))
        assert refused.value.key == "approvals.not_approver"
    with pytest.raises(RequestError) as refused:
        store.approve_request(1, decided_by="boss")
    assert refused.value.key == "approvals.not_approver"
    assert store.change_request(1)["status"] == "pending" and _total(store) == pytest.approx(HQ_MARCH)


def test_an_approval_that_would_write_a_closed_month_fails_and_stays_pending(store):
    store.lock_baseline(2026, locked_by="boss")
    _reweight(store)
    store.close_period("2026-02", closed_by="boss")
    with pytest.raises(PeriodClosedError) as refused:
        approvals.decide(store, 1, approve=True, viewer=_who(store, "wang"))
    assert refused.value.params["period"] == "2026-02" and refused.value.params["by"] == "boss"
    assert store.change_request(1)["status"] == "pending" and _weights(store)["rev"] == 40.0
    store.reopen_period("2026-02", reopened_by="boss", reason="re-plan approved")
    approvals.decide(store, 1, approve=True, viewer=_who(store, "wang"))
    assert _total(store) == pytest.approx(HQ_MARCH_REWEIGHTED)


def test_a_request_made_against_figures_changed_since_is_not_applied(store):
    store.lock_baseline(2026, locked_by="boss")
    _reweight(store, rev=30.0, staff=20.0)
    _reweight(store, rev=35.0, staff=15.0)  # a second request on the same weights
    approvals.decide(store, 1, approve=True, viewer=_who(store, "wang"))
    with pytest.raises(RequestError) as refused:
        approvals.decide(store, 2, approve=True, viewer=_who(store, "wang"))
    assert refused.value.key == "approvals.stale"
    assert store.change_request(2)["status"] == "pending" and _weights(store)["rev"] == 30.0


def test_after_unlocking_changes_apply_directly_again(store):
    store.lock_baseline(2026, locked_by="boss")
    store.unlock_baseline(2026, unlocked_by="boss")
    problems, done = _reweight(store)
    assert done.applied and _total(store) == pytest.approx(HQ_MARCH_REWEIGHTED)
    locks = store.change_log()
    assert list(locks.loc[locks["entity"] == "baseline", "new_value"]) == ["false", "true"]


# --------------------------------------------------------------------------- uploads and KPI rules


def _file(store, kind: str, text: str, name: str = "f.csv") -> ingest.Validated:
    validated = ingest.read(kind, text.encode(), name, store)
    assert validated.ok, validated.errors
    return validated


def test_a_targets_file_for_a_locked_year_is_a_request_then_its_own_batch(store):
    store.lock_baseline(2026, locked_by="boss")
    targets = _file(store, "targets", "unit_id,kpi_id,period,target\nHQ,rev,2026-03,150\n", "reforecast.csv")
    with pytest.raises(RequestError) as refused:
        approvals.upload(store, targets, by="li", viewer=_who(store, "li"), scope=_scope(store, "li"))
    assert refused.value.key == "approvals.reason_needed"
    li = {"viewer": _who(store, "li"), "scope": _scope(store, "li")}
    done = approvals.upload(store, targets, by="li", reason="Q1 re-forecast", **li)
    assert not done.applied and _total(store) == pytest.approx(HQ_MARCH)
    decided = approvals.decide(store, done.request_id, approve=True, viewer=_who(store, "wang"))
    assert _total(store) == pytest.approx(HQ_MARCH_RETARGETED)
    batch = store.upload_history().set_index("batch_id").loc[decided["batch_id"]]
    assert (batch["uploaded_by"], batch["file_name"], batch["rows_changed"]) == ("li", "reforecast.csv", 1)
    assert batch["note"] == f"request #{done.request_id} approved by wang"
    # undoing it would change the locked baseline without approval
    with pytest.raises(RequestError) as refused:
        approvals.rollback(store, int(decided["batch_id"]), by="li", **li)
    assert refused.value.key == "approvals.rollback_locked"


@pytest.mark.parametrize(
    ("kind", "text", "after"),
    [
        ("assignments", "unit_id,kpi_id,year,weight,role\nHQ,rev,2026,30,core\nHQ,staff,2026,20,aux\n", 86.5),
        (
            "kpis",
            "kpi_id,name,name_zh,perspective,direction,unit,accumulation,definition,floor,cap\n"
            "rev,Revenue,营业收入,financial,higher,10k CNY,sum,Invoiced revenue,0.8,1.2\n",
            HQ_MARCH_FLOOR_08,
        ),
    ],
)
def test_assignments_and_kpi_files_for_a_locked_year_wait_for_approval(store, kind, text, after):
    store.lock_baseline(2026, locked_by="boss")
    zhao = {"viewer": _who(store, "zhao"), "scope": _scope(store, "zhao")}
    done = approvals.upload(store, _file(store, kind, text), by="zhao", reason="re-plan", **zhao)
    assert not done.applied and _total(store) == pytest.approx(HQ_MARCH)
    decided = approvals.decide(store, done.request_id, approve=True, viewer=_who(store, "wang"))
    assert decided["batch_id"] is not None and _total(store) == pytest.approx(after)


def test_actuals_are_not_part_of_the_baseline(store):
    store.lock_baseline(2026, locked_by="boss")
    actuals = _file(store, "actuals", "unit_id,kpi_id,period,actual\nHQ,rev,2026-03,200\n")
    done = approvals.upload(store, actuals, by="li", viewer=_who(store, "li"), scope=_scope(store, "li"))
    # revenue 200/200: 40 points instead of 30
    assert done.applied and done.batch.rows_changed == 1 and _total(store) == pytest.approx(95.0)
    assert store.upload_history().iloc[0]["uploaded_by"] == "li"


def test_a_rule_change_of_a_kpi_assigned_in_a_locked_year_is_a_request(store):
    store.lock_baseline(2026, locked_by="boss")
    problems, done = approvals.save_kpi(
        store, {**store.kpi("rev"), "floor": 0.8}, by="zhao", reason="stricter floor", viewer=_who(store, "zhao")
    )
    assert problems == [] and not done.applied and store.kpi("rev")["floor"] == 0.6
    request = store.change_request(done.request_id)
    assert approvals.describe(request, "zh", {}, {"rev": "营业收入"}).values.tolist() == [
        ["营业收入", "下限(低于则 0 分)", "0.6", "0.8"]
    ]
    approvals.decide(store, done.request_id, approve=True, viewer=_who(store, "wang"))
    assert store.kpi("rev")["floor"] == 0.8 and _total(store) == pytest.approx(HQ_MARCH_FLOOR_08)
    assert list(store.request_log(kpi_id="rev")["new_value"]) == ["approved", "pending"]
    # a name is no rule: it applies at once
    problems, done = approvals.save_kpi(
        store, {**store.kpi("rev"), "name": "Sales revenue"}, by="zhao", reason="renamed", viewer=_who(store, "zhao")
    )
    assert done.applied and store.kpi("rev")["name"] == "Sales revenue"


# --------------------------------------------------------------------------- permissions of the write paths


def test_an_upload_with_rows_outside_the_scope_is_refused_whole(store):
    targets = _file(store, "targets", "unit_id,kpi_id,period,target\nSALES,rev,2026-03,210\nHQ,rev,2026-03,150\n")
    with pytest.raises(access.NotPermitted) as refused:
        approvals.upload(store, targets, by="sam", viewer=_who(store, "sam"), scope=_scope(store, "sam"))
    assert refused.value.key == "approvals.upload_outside" and refused.value.params["units"] == "HQ"
    assert store.unit_targets(["SALES"], 2026).set_index("kpi_id").at["rev", "target"] == 200.0
    mine = _file(store, "targets", "unit_id,kpi_id,period,target\nSALES,rev,2026-03,210\n")
    assert approvals.upload(store, mine, by="sam", viewer=_who(store, "sam"), scope=_scope(store, "sam")).applied


def test_roles_that_may_not_write_are_refused(store):
    store.add_user("mia", role="manager", unit_id="SALES", by="t")
    store.add_user("vic", role="viewer", by="t")
    actuals = _file(store, "actuals", "unit_id,kpi_id,period,actual\nSALES,rev,2026-03,1\n")
    for name in ("mia", "vic"):
        with pytest.raises(access.NotPermitted) as refused:
            approvals.upload(store, actuals, by=name, viewer=_who(store, name), scope=_scope(store, name))
        assert refused.value.key == "approvals.may_not.upload"
    with pytest.raises(access.NotPermitted):
        _reweight(store, by="mia")
    with pytest.raises(access.NotPermitted):  # SALES' analyst on HQ's design
        _reweight(store, by="sam")
    with pytest.raises(access.NotPermitted):  # the dictionary is the admin's
        approvals.save_kpi(store, {**store.kpi("rev"), "cap": 1.5}, by="li", reason="r", viewer=_who(store, "li"))
    with pytest.raises(access.NotPermitted):
        approvals.save_validity(store, "rev", {"aligned": (True, None)}, by="li", viewer=_who(store, "li"))
    with pytest.raises(access.NotPermitted):
        approvals.lock(store, 2026, viewer=_who(store, "li"), by="li")
    assert store.change_log().query("entity != 'user'").empty


def test_a_rollback_needs_the_right_on_every_unit_the_batch_wrote(store):
    both = _file(store, "actuals", "unit_id,kpi_id,period,actual\nSALES,rev,2026-03,191\nHQ,rev,2026-03,151\n")
    batch = approvals.upload(store, both, by="li", viewer=_who(store, "li"), scope=_scope(store, "li")).batch
    with pytest.raises(access.NotPermitted) as refused:
        approvals.rollback(store, batch.batch_id, by="sam", viewer=_who(store, "sam"), scope=_scope(store, "sam"))
    assert refused.value.params["units"] == "HQ"
    undone = approvals.rollback(store, batch.batch_id, by="li", viewer=_who(store, "li"), scope=_scope(store, "li"))
    assert store.upload_history().set_index("batch_id").at[undone.batch_id, "uploaded_by"] == "li"
    assert _total(store) == pytest.approx(HQ_MARCH)


def test_a_reader_sees_only_requests_about_units_of_their_scope(store):
    store.add_user("olga", role="manager", unit_id="OPS", approver=True, by="t")
    store.lock_baseline(2026, locked_by="boss")
    targets = _file(store, "targets", "unit_id,kpi_id,period,target\nP1,rev,2026-03,60\n")
    done = approvals.upload(
        store, targets, by="li", reason="new hire", viewer=_who(store, "li"), scope=_scope(store, "li")
    )
    request = store.change_request(done.request_id)
    assert approvals.request_units(request) == ["P1"]
    assert approvals.visible(request, _scope(store, "wang")) and approvals.visible(request, _scope(store, "sam"))
    assert not approvals.visible(request, _scope(store, "olga"))  # a person of another department
    assert approvals.may_decide(request, _who(store, "wang"), _scope(store, "wang"))
    assert not approvals.may_decide(request, _who(store, "li"), _scope(store, "li"))  # theirs, and no approver
    assert not approvals.may_decide(request, _who(store, "olga"), _scope(store, "olga"))
    with pytest.raises(access.NotPermitted):
        approvals.decide(store, done.request_id, approve=True, viewer=_who(store, "olga"), scope=_scope(store, "olga"))
    assert store.change_request(done.request_id)["status"] == "pending"


# --------------------------------------------------------------------------- the CLI


def test_cli_lock_request_approve_and_list(store, tmp_path, capsys):
    db = str(store.path)
    store.close()

    def _cli(capsys, *argv: str) -> tuple[int, str, str]:
        code = cli.main(["--db", db, *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    assert _cli(capsys, "baseline", "lock", "2026", "--as", "li")[0] == cli.EXIT_NOT_PERMITTED
    code, out, _ = _cli(capsys, "baseline", "lock", "2026", "--as", "boss", "--note", "budget agreed")
    assert code == 0 and out.strip() == "The 2026 baseline is locked (by boss)."
    assert "budget agreed" in _cli(capsys, "baseline", "list")[1]
    file = tmp_path / "targets.csv"
    file.write_text("unit_id,kpi_id,period,target\nHQ,rev,2026-03,150\n", encoding="utf-8")
    code, _, err = _cli(capsys, "load", "targets", str(file), "--by", "li")
    assert code == cli.EXIT_BAD_INPUT and "--reason" in err
    code, out, _ = _cli(capsys, "load", "targets", str(file), "--by", "li", "--reason", "Q1 re-forecast")
    assert code == 0 and "request #1" in out
    code, out, _ = _cli(capsys, "requests", "list", "--status", "pending")
    assert "#1 [pending] 2026 Acme · Targets file · li" in out and "    Revenue · 2026-03 Target: 200 → 150" in out
    code, out, _ = _cli(capsys, "--lang", "zh", "requests", "list")
    assert "[待审批]" in out and "目标值: 200 → 150" in out
    assert _cli(capsys, "requests", "approve", "1", "--as", "li")[0] == cli.EXIT_NOT_PERMITTED
    with pytest.raises(SystemExit):  # rejecting needs --note
        _cli(capsys, "requests", "reject", "1", "--as", "wang")
    code, out, _ = _cli(capsys, "requests", "approve", "1", "--as", "wang", "--note", "ok")
    assert code == 0 and out.strip() == "Request #1 approved by wang and applied as batch 6."
    code, out, _ = _cli(capsys, "score", "--unit", "HQ", "--period", "2026-03", "--format", "json")
    assert '"total": 95.0' in out
    code, _, err = _cli(capsys, "requests", "reject", "1", "--as", "zhao", "--note", "late")
    assert code == cli.EXIT_FAILED and "approved already (by wang)" in err
    assert _cli(capsys, "requests", "list", "--status", "rejected")[1].strip() == "No requests."
