"""The role x action matrix of issue 13, on the demo, for every demo account:

* every write, through the domain functions the pages and the CLI call: the
  allowed ones change the database, the denied ones raise "not permitted"
  and leave every table exactly as it was (a fingerprint of each table);
* every page, in AppTest: it opens without an exception; a page the account
  may not use says "not permitted" and shows no form; no person outside the
  account's scope is named anywhere on it;
* the CLI's `--as` on the writes it offers.

The expected answers are written out by hand from the issue's roles (admin:
everything; analyst of the company: uploads, rollbacks, designs; manager:
acknowledges, comments, approves when marked approver; employee: their own
figures; viewer: reads departments), not derived from kpi_core.access.RULES.
"""

from __future__ import annotations

import pytest

from kpi_core import access, approvals, design, ingest, owners
from kpi_core.cli import main
from kpi_core.store import Store

PERIOD = "2026-10"
TODAY_FILE = b"unit_id,kpi_id,period,actual\nSALES_N,REV,2026-10,600\n"

#: demo account -> (role, unit) as the demo creates them
ACCOUNTS = {
    "hr_admin": ("admin", None),
    "analyst": ("analyst", "HQ"),
    "ceo": ("manager", "HQ"),
    "sales_director": ("manager", "SALES"),
    "sales_rep_1": ("employee", "P_SALES_N_01"),
    "board": ("viewer", None),
}

#: write -> the accounts allowed to do it (on Sales North / Wu Hao's figures)
ALLOWED = {
    "upload": {"hr_admin", "analyst"},
    "rollback": {"hr_admin", "analyst"},
    "edit_design": {"hr_admin", "analyst"},
    "edit_dictionary": {"hr_admin"},
    "validity": {"hr_admin"},
    "lock_baseline": {"hr_admin"},
    "set_owner": {"hr_admin", "analyst"},
    "enter_own_figure": {"sales_rep_1"},  # Wu Hao's own KPI: only its owner enters it
    "approve_request": {"ceo"},  # the approver; hr_admin requested it
}

TABLES = (
    "actuals",
    "targets",
    "assignments",
    "kpis",
    "units",
    "batches",
    "history",
    "change_log",
    "change_requests",
    "baseline_locks",
    "kpi_owners",
    "entries",
    "kpi_validity",
    "settings",
    "kpi_scores",
    "unit_scores",
)


def fingerprint(store: Store) -> dict[str, tuple]:
    cur = store.cursor()
    return {t: cur.execute(f"SELECT count(*), bit_xor(hash(x)) FROM {t} x").fetchone() for t in TABLES}


def viewer(store: Store, name: str) -> access.Viewer:
    return access.acting_as(store, name)


def _validated(store: Store, content: bytes, kind: str = "actuals") -> ingest.Validated:
    parsed = ingest.parse(kind, content, "f.csv")
    validated = ingest.validate(parsed, store)
    assert validated.ok, [str(p) for p in validated.problems]
    return validated


def _do(store: Store, action: str, who: access.Viewer) -> None:
    """One write as ``who``, as the page (or the CLI) does it."""
    scope = access.Scope.of(who, _org(store))
    if action == "upload":
        approvals.upload(store, _validated(store, TODAY_FILE), by=who.name, viewer=who, scope=scope)
    elif action == "rollback":
        batch = int(store.batches()["batch_id"].max())
        approvals.rollback(store, batch, by=who.name, viewer=who, scope=scope)
    elif action == "edit_design":
        before = design.design_table(store.assignments(2026, ["SALES_N"]), store.unit_targets(["SALES_N"], 2026), 2026)
        after = before.copy()
        after.loc[after["kpi_id"] == "REV", "weight"] += 5
        after.loc[after["kpi_id"] == "COLLECTION_DAYS", "weight"] -= 5
        problems, _ = approvals.save_design(
            store, "SALES_N", 2026, before, after, by=who.name, reason="matrix", viewer=who, scope=scope
        )
        assert not problems, [str(p) for p in problems]
    elif action == "edit_dictionary":
        kpi = dict(store.kpi("REV"))
        kpi["definition"] = "Invoiced revenue, net of VAT (matrix)"
        problems, _ = approvals.save_kpi(store, kpi, by=who.name, reason="matrix", viewer=who)
        assert not problems
    elif action == "validity":
        approvals.save_validity(store, "REV", {"strategy": (True, "matrix")}, by=who.name, viewer=who)
    elif action == "lock_baseline":
        approvals.lock(store, 2027, viewer=who, by=who.name)
    elif action == "set_owner":
        owners.set_owner(store, who, "SALES_N", "REV", "sales_director", by=who.name)
    elif action == "enter_own_figure":
        entry = owners.Entry(unit_id="P_SALES_N_01", kpi_id="REV", period="2026-10", text="130")
        owners.enter(store, who, [entry], confirm_warnings=True)
    elif action == "approve_request":
        request_id = int(store.change_requests()["request_id"].max())
        approvals.decide(store, request_id, approve=True, viewer=who, scope=scope)
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(action)


def _org(store: Store):
    from kpi_core.org import Org

    return Org.from_frame(store.units())


def _prepare(store: Store, action: str) -> None:
    """What the write needs to exist first (done by the admin)."""
    admin = viewer(store, "hr_admin")
    if action == "rollback":
        _do(store, "upload", admin)
    if action == "approve_request":
        approvals.lock(store, 2026, viewer=admin, by=admin.name)
        _do(store, "edit_design", admin)  # now a request by hr_admin


@pytest.mark.parametrize("account", list(ACCOUNTS))
@pytest.mark.parametrize("action", list(ALLOWED))
def test_each_write_for_each_role(demo_store: Store, action: str, account: str):
    who = viewer(demo_store, account)
    assert (who.role, who.unit_id) == ACCOUNTS[account]
    _prepare(demo_store, action)
    before = fingerprint(demo_store)
    if account in ALLOWED[action]:
        _do(demo_store, action, who)
        assert fingerprint(demo_store) != before, f"{account} may {action}: something is written"
    else:
        with pytest.raises(access.NotPermitted):
            _do(demo_store, action, who)
        assert fingerprint(demo_store) == before, f"{account} may not {action}: nothing changes"


def test_the_requester_cannot_approve_their_own_request(demo_store: Store):
    admin = viewer(demo_store, "hr_admin")
    demo_store.update_user("hr_admin", approver=True, by="test")
    _prepare(demo_store, "approve_request")
    before = fingerprint(demo_store)
    with pytest.raises(access.NotPermitted):
        _do(demo_store, "approve_request", viewer(demo_store, "hr_admin"))
    assert fingerprint(demo_store) == before
    assert admin.name == "hr_admin"


# --------------------------------------------------------------------------- the pages

PAGES = {
    "scorecard": None,
    "kpi_detail": "pages/2_kpi_detail.py",
    "alerts": "pages/3_alerts.py",
    "upload": "pages/4_upload.py",
    "dictionary": "pages/5_kpi_dictionary.py",
    "design": "pages/6_scorecard_design.py",
    "requests": "pages/7_requests.py",
    "my_updates": "pages/8_my_updates.py",
    "review": "pages/9_review.py",
    "bonus": "pages/10_bonus.py",
}
#: page -> accounts that get "not permitted" on it (on Sales North, 2026-10)
REFUSED = {
    # Sales North is the salesperson's own department: its unit-level scorecard
    # is his to read, listing himself only
    "scorecard": set(),
    "kpi_detail": set(),
    "alerts": set(),
    "upload": {"ceo", "sales_director", "sales_rep_1", "board"},
    "dictionary": set(),  # everyone may read the dictionary; only admins edit it
    "design": {"ceo", "sales_director", "sales_rep_1", "board"},
    "requests": set(),
    "my_updates": set(),
    "review": set(),  # agenda and minutes within the scope; only admins and managers chair
    "bonus": {"ceo", "analyst", "sales_director", "sales_rep_1", "board"},  # pay: admins (HR) only
}
#: persons each account may see named (Sales North's six, on its pages)
NORTH = {"Wu Hao", "Zhou Ting", "Xu Gang", "Zhao Min", "Sun Li", "Ma Chao"}
SEES = {
    "hr_admin": NORTH,
    "analyst": NORTH,
    "ceo": NORTH,
    "sales_director": NORTH,
    "sales_rep_1": {"Wu Hao"},
    "board": set(),
}


def _refused(at) -> bool:
    return any("not permitted" in e.value.replace("\\", "").lower() for e in at.error)


@pytest.mark.parametrize("account", list(ACCOUNTS))
@pytest.mark.parametrize("page", list(PAGES))
def test_each_page_for_each_role(app, page: str, account: str):
    from tests.test_zh_walk import visible_texts

    unit = "SALES_N"
    at = app(PAGES[page], view_as=account, unit=unit, period=PERIOD)
    assert not at.exception, [e.value for e in at.exception]
    text = "\n".join(visible_texts(at))
    refused = account in REFUSED[page]
    assert _refused(at) == refused, (page, account, [e.value for e in at.error])
    if refused:
        assert not at.get("file_uploader") and not at.get("data_editor")
    for name in NORTH - SEES[account]:
        assert name not in text, (page, account, name)


# --------------------------------------------------------------------------- the CLI's --as on writes


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_writes_as_each_account(demo_db, capsys):
    db = str(demo_db)
    # locking a baseline is an admin's
    code, _, err = run(capsys, "--db", db, "baseline", "lock", "2027", "--as", "analyst")
    assert code == 3 and "not permitted" in err.lower()
    assert run(capsys, "--db", db, "baseline", "lock", "2027", "--as", "hr_admin")[0] == 0
    # owners are set by admins and analysts of the unit
    code, _, err = run(capsys, "--db", db, "owners", "set", "SALES_N", "REV", "sales_director", "--as", "sales_rep_1")
    assert code == 3
    assert run(capsys, "--db", db, "owners", "set", "SALES_N", "REV", "sales_director", "--as", "analyst")[0] == 0
    # a request of a locked year is decided by an approver who did not ask for it
    with Store(demo_db) as store:
        approvals.lock(store, 2026, viewer=None, by="hr_admin")
        _do(store, "edit_design", viewer(store, "hr_admin"))
        request_id = int(store.change_requests()["request_id"].max())
    code, _, err = run(capsys, "--db", db, "requests", "approve", request_id, "--as", "sales_director")
    assert code == 3
    with Store(demo_db) as store:
        assert store.change_request(request_id)["status"] == "pending"
    assert run(capsys, "--db", db, "requests", "approve", request_id, "--as", "ceo")[0] == 0
    with Store(demo_db) as store:
        assert store.change_request(request_id)["status"] == "approved"


def test_the_upload_history_lists_only_batches_of_the_accounts_scope(small_store, monkeypatch):
    """On the small company: an analyst of Operations does not see a file that
    wrote only Sales' figures (its name could name a person), the admin does."""
    from datetime import date

    from tests.conftest import TESTER, app_factory

    report = ingest.load(
        small_store,
        "actuals",
        b"unit_id,kpi_id,period,actual\nP1,rev,2026-03,48\n",
        "li_na_march.csv",
        uploaded_by="tester",
        today=date(2026, 11, 21),
    )
    assert report.validated.ok
    small_store.add_user("ops", role="analyst", unit_id="OPS", display="Ops analyst", by="tests")
    path = small_store.path
    small_store.close()
    monkeypatch.setenv("KPI_DB_PATH", str(path))
    ops = access.Viewer(name="ops", display="Ops analyst", role="analyst", unit_id="OPS")
    with app_factory() as make:
        theirs = make("pages/4_upload.py", as_user=ops, unit="OPS", period="2026-03")
        assert not theirs.exception
        files = [f for df in theirs.dataframe for f in df.value.astype(str).to_numpy().ravel()]
        assert "li_na_march.csv" not in files and "actuals.csv" in files
        admin = make("pages/4_upload.py", as_user=TESTER, unit="OPS", period="2026-03")
        files = [f for df in admin.dataframe for f in df.value.astype(str).to_numpy().ravel()]
        assert "li_na_march.csv" in files
