"""Who may see and do what (issue 13), over the demo company.

Accounts: ``root`` (admin), ``ana`` (analyst of Sales), ``mgr`` (manager of
Sales North), ``sales_rep_1`` (employee: Xu Gang, P_SALES_N_03, in Sales
North) and ``vw`` (viewer, no unit: the whole company's departments). The
demo's units are in data/demo/units.csv: 12 units (company + 11 departments)
and 56 persons; Sales holds Sales East (7 persons), North (6) and South (6).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from kpi_core import access, alerts, scorecard
from kpi_core.access import NotPermitted, Scope, SignInRefused, Viewer
from kpi_core.cli import main
from kpi_core.org import Org
from kpi_core.store import Store

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse"
UNITS = pd.read_csv(ROOT / "data" / "demo" / "units.csv")
PERSONS = UNITS[UNITS["kind"] == "person"]

# who may see which persons, written by hand from units.csv
PERSONS_SEEN = {
    "root": set(PERSONS["unit_id"]),
    "ana": {u for u in PERSONS["unit_id"] if u.startswith("P_SALES_")},  # 19 persons of Sales
    "mgr": {f"P_SALES_N_0{i}" for i in range(1, 7)},
    "sales_rep_1": {"P_SALES_N_03"},
    "vw": set(),
}
ACCOUNTS = [
    ("root", "admin", None),
    ("ana", "analyst", "SALES"),
    ("mgr", "manager", "SALES_N"),
    ("sales_rep_1", "employee", "P_SALES_N_03"),
    ("vw", "viewer", None),
]


@pytest.fixture(scope="module")
def password_hash() -> str:
    return access.hash_password(PASSWORD)


@pytest.fixture
def db(demo_db: Path, password_hash: str) -> Path:
    with Store(demo_db) as store:
        for name, role, unit in ACCOUNTS:
            if store.user(name) is not None:  # the demo's own sales_rep_1 (Wu Hao): made Xu Gang here
                store.update_user(name, role=role, unit_id=unit, by="test")
                store.set_user_password(name, password_hash, by="test")
                continue
            assert store.add_user(name, role=role, unit_id=unit, password_hash=password_hash, by="test")
    return demo_db


@pytest.fixture
def org(demo_store: Store) -> Org:
    return Org.from_frame(demo_store.units())


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def viewer(name: str) -> Viewer:
    role, unit = {n: (r, u) for n, r, u in ACCOUNTS}[name][0:2]
    return Viewer(name=name, display=name, role=role, unit_id=unit)


# --------------------------------------------------------------------------- the rules table

EXPECTED_RULES = {
    #                      admin  analyst  manager  employee viewer
    "read_unit": ("all", "scope", "scope", "scope", "scope"),
    "read_person": ("all", "scope", "scope", "scope", "no"),
    "upload": ("all", "scope", "no", "no", "no"),
    "rollback": ("all", "scope", "no", "no", "no"),
    "edit_design": ("all", "scope", "no", "no", "no"),
    "edit_dictionary": ("all", "no", "no", "no", "no"),
    "edit_settings": ("all", "no", "no", "no", "no"),
    "manage_users": ("all", "no", "no", "no", "no"),
    "close_periods": ("all", "no", "no", "no", "no"),
    "acknowledge_alerts": ("all", "no", "scope", "no", "no"),
    "assess_tasks": ("all", "no", "scope", "no", "no"),
    "comment": ("all", "no", "scope", "no", "no"),
    "see_pay": ("all", "no", "no", "no", "no"),  # issue 17: pay and bonuses, admins (HR) only
    "update_okr": ("all", "scope", "scope", "no", "no"),  # issue 18: a key result's current value
    "record_value_points": ("all", "all", "all", "all", "no"),  # issue 18: anyone signed in records
    "approve_value_points": ("all", "no", "scope", "no", "no"),  # issue 18: a manager of the person approves
    "read_360": ("all", "no", "scope", "no", "no"),  # issue 18: a subject's 360 report (and the subject)
    "manage_360": ("all", "no", "no", "no", "no"),  # issue 18: 360 cycle setup
    "see_fairness": ("all", "no", "no", "no", "no"),  # issue 18: the fairness check, admins (HR) only
}


def test_the_role_by_action_table_is_the_issues():
    roles = ("admin", "analyst", "manager", "employee", "viewer")
    assert {a: tuple(access.rule(r, a) for r in roles) for a in access.ACTIONS} == EXPECTED_RULES
    assert access.rule("superuser", "read_unit") == "no"


def test_scoped_actions_hold_inside_the_scope_only(org):
    ana = viewer("ana")
    scope = Scope.of(ana, org)
    assert access.permits(ana, "upload", scope, "SALES_E")
    assert access.permits(ana, "rollback", scope, "P_SALES_S_02")
    assert not access.permits(ana, "upload", scope, "MKT")
    assert not access.permits(ana, "acknowledge_alerts", scope, "SALES")
    assert access.permits(ana, "upload")  # may upload somewhere: the upload page is shown
    mgr = viewer("mgr")
    assert access.permits(mgr, "acknowledge_alerts", Scope.of(mgr, org), "P_SALES_N_05")
    assert not access.permits(mgr, "acknowledge_alerts", Scope.of(mgr, org), "SALES")
    assert not access.permits(viewer("vw"), "read_person", Scope.of(viewer("vw"), org), "P_MKT_01")
    assert access.permits(viewer("root"), "manage_users")
    assert not access.permits(viewer("mgr"), "manage_users")
    assert access.permits(None, "manage_users")  # the local operator of the CLI


# --------------------------------------------------------------------------- scopes


def test_each_roles_scope_over_the_demo_company(org):
    admin = Scope.of(viewer("root"), org)
    assert admin.units is None and admin.root == "HQ" and all(admin.allows(u) for u in UNITS["unit_id"])

    analyst = Scope.of(viewer("ana"), org)
    assert analyst.root == "SALES" and len(analyst.units) == 1 + 1 + 3 + 19  # the company, Sales, 3 regions, 19 persons
    assert analyst.allows("P_SALES_E_07") and analyst.allows("HQ") and not analyst.allows("P_MKT_01")

    manager = Scope.of(viewer("mgr"), org)
    assert manager.units == {"HQ", "SALES", "SALES_N", *PERSONS_SEEN["mgr"]}

    employee = Scope.of(viewer("sales_rep_1"), org)
    assert employee.units == {"HQ", "SALES_N", "P_SALES_N_03"} and employee.root == "P_SALES_N_03"

    seen = Scope.of(viewer("vw"), org)
    departments = {"HQ", "SALES", "SALES_E", "SALES_N", "SALES_S", "MKT", "PROD", "RD", "SCM", "CS", "FIN", "HR"}
    assert seen.units == departments and not seen.persons and seen.root == "HQ"


def test_visible_children(org):
    seen = Scope.of(viewer("vw"), org)
    assert seen.visible_children("HQ", org.children("HQ")) == ["SALES", "MKT", "PROD", "RD", "SCM", "CS", "FIN", "HR"]
    assert seen.visible_children("SALES_N", org.children("SALES_N")) == []
    employee = Scope.of(viewer("sales_rep_1"), org)
    assert employee.visible_children("SALES_N", org.children("SALES_N")) == ["P_SALES_N_03"]
    assert employee.visible_children("HQ", org.children("HQ")) == []  # Sales itself is outside
    # the analyst of Sales reads the company's unit-level scorecard, which lists Sales only
    assert Scope.of(viewer("ana"), org).visible_children("HQ", org.children("HQ")) == ["SALES"]


def test_who_may_be_named_as_an_owner_or_recorder(org):
    """An OKR's owner or a points recorder is named only when the reader may
    see that unit: Sales North's manager names his rep Xu Gang and the Sales
    department, not a rep of Sales East; a viewer names departments, no person."""
    manager = Scope.of(viewer("mgr"), org)
    assert manager.may_name("P_SALES_N_03", org) and manager.may_name("SALES", org)
    assert not manager.may_name("P_SALES_E_07", org) and not manager.may_name("MKT", org)
    seen = Scope.of(viewer("vw"), org)
    assert seen.may_name("SALES", org) and not seen.may_name("P_SALES_N_03", org)
    # a scope over every unit that hides persons still names no person
    no_persons = Scope(root="HQ", units=None, persons=False)
    assert no_persons.may_name("MKT", org) and not no_persons.may_name("P_MKT_01", org)


def test_a_viewer_with_a_unit_sees_its_departments_only(org):
    scope = Scope.of(Viewer("v2", "v2", "viewer", "SALES"), org)
    assert scope.units == {"SALES", "SALES_E", "SALES_N", "SALES_S"}


def test_an_account_whose_unit_is_gone_sees_nothing(org):
    scope = Scope.of(Viewer("x", "x", "manager", "GONE"), org)
    assert scope.units == frozenset() and not scope.allows("HQ")


def test_every_person_a_scope_allows_is_one_the_role_may_read(org):
    """The scopes agree with the table: no role without read_person ever gets a person."""
    for name, role, _ in ACCOUNTS:
        scope = Scope.of(viewer(name), org)
        persons = {u for u in PERSONS["unit_id"] if scope.allows(u)}
        assert persons == PERSONS_SEEN[name]
        assert bool(persons) == (access.rule(role, "read_person") != "no")


# --------------------------------------------------------------------------- kpi_core filters


def test_a_scorecard_outside_the_scope_is_refused_before_any_figure(demo_store, org):
    with pytest.raises(NotPermitted) as refused:
        scorecard.build(demo_store, "P_SALES_N_02", "2026-10", "month", org, scope=Scope.of(viewer("sales_rep_1"), org))
    assert refused.value.key == "access.not_permitted" and refused.value.params == {"unit": "P_SALES_N_02"}
    with pytest.raises(NotPermitted):
        scorecard.kpi_history(demo_store, "MKT", ["2026-10"], scope=Scope.of(viewer("mgr"), org))


def test_a_scope_hides_children_and_changes_no_figure(demo_store, org):
    full = scorecard.build(demo_store, "SALES_N", "2026-10", "month", org)
    mine = scorecard.build(demo_store, "SALES_N", "2026-10", "month", org, scope=Scope.of(viewer("sales_rep_1"), org))
    assert len(full.children) == 6
    assert mine.children["unit_id"].tolist() == ["P_SALES_N_03"]
    # the same figures (gross profit, tracked with weight 0, has no points in either: NaN == NaN here)
    assert mine.total == full.total and mine.kpis["points"].equals(full.kpis["points"])
    company = scorecard.build(demo_store, "HQ", "2026-10", "month", org, scope=Scope.of(viewer("vw"), org))
    assert set(company.children["kind"]) == {"department"} and len(company.children) == 8


def test_alerts_of_a_scope_name_only_its_units(demo_store, org):
    everyone = alerts.evaluate(demo_store, "2026-10")
    assert len(set(everyone["unit_id"]) - set(PERSONS_SEEN["mgr"]) - {"SALES_N"}) > 0
    mine = alerts.evaluate(demo_store, "2026-10", scope=Scope.of(viewer("mgr"), org))
    assert set(mine["unit_id"]) <= {"SALES_N", *PERSONS_SEEN["mgr"]}
    # the manager's alerts are the company's alerts of those units, unchanged
    theirs = everyone[everyone["unit_id"].isin({"SALES_N", *PERSONS_SEEN["mgr"]})]
    assert sorted(mine["message_key"] + mine["unit_id"] + mine["kpi_id"]) == sorted(
        theirs["message_key"] + theirs["unit_id"] + theirs["kpi_id"]
    )


# --------------------------------------------------------------------------- the CLI, role by unit

UNITS_ASKED = ["HQ", "SALES", "SALES_N", "P_SALES_N_03", "P_SALES_N_02", "SALES_E", "P_SALES_E_01", "MKT", "P_MKT_01"]
# exit code of `score --as NAME --unit U` per unit of UNITS_ASKED (0 shown, 3 not permitted)
MATRIX = {
    "root": [0, 0, 0, 0, 0, 0, 0, 0, 0],
    "ana": [0, 0, 0, 0, 0, 0, 0, 3, 3],  # the company's unit-level scorecard too, listing Sales only
    "mgr": [0, 0, 0, 0, 0, 3, 3, 3, 3],
    "sales_rep_1": [0, 3, 0, 0, 3, 3, 3, 3, 3],
    "vw": [0, 0, 0, 3, 3, 0, 3, 0, 3],
}


def _names(ids: set[str], lang: str) -> list[str]:
    column = "name_zh" if lang == "zh" else "name"
    return UNITS.loc[UNITS["unit_id"].isin(ids), column].tolist()


@pytest.mark.parametrize("name", list(MATRIX))
def test_score_as_each_role(db, capsys, name):
    hidden_persons = set(PERSONS["unit_id"]) - PERSONS_SEEN[name]
    for unit, expected in zip(UNITS_ASKED, MATRIX[name], strict=True):
        code, out, err = run(capsys, "--db", db, "score", "--as", name, "--unit", unit)
        assert code == expected, (name, unit, err)
        if expected == 3:
            assert "not permitted" in err and unit in err
            assert out == ""
            assert _names({unit}, "en")[0] not in err  # the id only, never the name or a figure
        else:
            assert out.startswith("Scorecard of ")
        leaked = [n for n in _names(hidden_persons, "en") if n in out + err]
        assert leaked == [], (name, unit, leaked)


def test_an_employee_reads_the_company_their_department_and_themselves(db, capsys):
    code, out, _ = run(capsys, "--db", db, "score", "--as", "sales_rep_1", "--unit", "SALES_N", "--format", "json")
    assert code == 0
    assert [c["unit_id"] for c in json.loads(out)["children"]] == ["P_SALES_N_03"]
    code, out, _ = run(capsys, "--db", db, "score", "--as", "sales_rep_1", "--unit", "HQ", "--format", "json")
    assert code == 0 and json.loads(out)["children"] == []
    # without --unit: their own scorecard
    code, out, _ = run(capsys, "--db", db, "--lang", "zh", "score", "--as", "sales_rep_1", "--unit", "SALES_N")
    assert code == 0 and "徐刚" in out
    assert [n for n in _names(set(PERSONS["unit_id"]) - {"P_SALES_N_03"}, "zh") if n in out] == []
    code, out, _ = run(capsys, "--db", db, "score", "--as", "sales_rep_1", "--format", "json")
    assert code == 0 and json.loads(out)["unit_id"] == "P_SALES_N_03"


def test_the_issues_example_exits_3(db, capsys):
    code, out, err = run(capsys, "--db", db, "score", "--as", "sales_rep_1", "--unit", "P_SALES_N_02")
    assert code == 3 and out == ""
    assert err.strip().splitlines()[-1] == "P_SALES_N_02: not permitted (outside what this account may see)"
    assert "Zhou Ting" not in err
    code, _, err = run(capsys, "--db", db, "--lang", "zh", "score", "--as", "sales_rep_1", "--unit", "P_SALES_N_02")
    assert code == 3 and "无权查看" in err and "周婷" not in err


def test_as_of_a_moment_keeps_the_scope(db, capsys):
    moment = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    code, out, err = run(
        capsys, "--db", db, "score", "--as", "sales_rep_1", "--as-of", moment, "--unit", "P_SALES_N_02"
    )
    assert code == 3 and out == "" and "not permitted" in err
    code, out, _ = run(capsys, "--db", db, "score", "--as", "mgr", "--as-of", moment, "--format", "json")
    assert code == 0 and sorted(c["unit_id"] for c in json.loads(out)["children"]) == sorted(PERSONS_SEEN["mgr"])


def test_a_viewers_company_scorecard_lists_departments_never_persons(db, capsys):
    code, out, _ = run(capsys, "--db", db, "score", "--as", "vw", "--format", "json")
    assert code == 0
    card = json.loads(out)
    assert card["unit_id"] == "HQ"
    assert sorted(c["unit_id"] for c in card["children"]) == ["CS", "FIN", "HR", "MKT", "PROD", "RD", "SALES", "SCM"]
    for lang in ("en", "zh"):
        code, out, _ = run(capsys, "--db", db, "--lang", lang, "score", "--as", "vw", "--unit", "SALES_E")
        assert code == 0
        assert [n for n in _names(set(PERSONS["unit_id"]), lang) if n in out] == []


def test_a_manager_sees_the_persons_of_their_unit(db, capsys):
    code, out, _ = run(capsys, "--db", db, "score", "--as", "mgr", "--format", "json")
    assert code == 0
    card = json.loads(out)
    assert card["unit_id"] == "SALES_N"
    assert sorted(c["unit_id"] for c in card["children"]) == sorted(PERSONS_SEEN["mgr"])


def test_alerts_as_each_role_stay_inside_the_scope(db, capsys):
    allowed = {
        "ana": None,  # checked by prefix below
        "mgr": {"HQ", "SALES", "SALES_N", *PERSONS_SEEN["mgr"]},
        "sales_rep_1": {"HQ", "SALES_N", "P_SALES_N_03"},
    }
    code, out, _ = run(capsys, "--db", db, "alerts", "--period", "2026-10", "--as", "ana", "--format", "json")
    assert code == 0
    units = {r["unit_id"] for r in json.loads(out)}
    assert units and all(u.startswith("SALES") or u.startswith("P_SALES_") for u in units)
    for name in ("mgr", "sales_rep_1"):
        code, out, _ = run(capsys, "--db", db, "alerts", "--period", "2026-10", "--as", name, "--format", "json")
        assert code == 0
        assert {r["unit_id"] for r in json.loads(out)} <= allowed[name]
    code, out, err = run(capsys, "--db", db, "alerts", "--period", "2026-10", "--as", "mgr", "--unit", "SALES_E")
    assert code == 3 and "not permitted" in err and out == ""
    code, out, _ = run(capsys, "--db", db, "alerts", "--period", "2026-10", "--as", "sales_rep_1", "--unit", "HQ")
    assert code == 0
    hidden = set(PERSONS["unit_id"]) - {"P_SALES_N_03"}
    assert [n for n in _names(hidden, "en") if n in out] == []


def test_units_listing_as_a_viewer_has_no_person(db, capsys):
    code, out, _ = run(capsys, "--db", db, "units", "--as", "vw", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 12 and {r["kind"] for r in rows} == {"company", "department"}
    code, out, _ = run(capsys, "--db", db, "units", "--as", "sales_rep_1", "--format", "json")
    assert [r["unit_id"] for r in json.loads(out)] == ["HQ", "SALES_N", "P_SALES_N_03"]
    code, out, _ = run(capsys, "--db", db, "kpis", "--as", "vw", "--format", "json")
    assert code == 0 and len(json.loads(out)) > 0  # the dictionary is everybody's


def test_unknown_or_disabled_user_exits_3(db, capsys):
    code, out, err = run(capsys, "--db", db, "score", "--as", "nobody")
    assert (code, out) == (3, "") and "No user named nobody." in err
    code, *_ = run(capsys, "--db", db, "users", "disable", "mgr")
    assert code == 0
    code, out, err = run(capsys, "--db", db, "score", "--as", "mgr")
    assert (code, out) == (3, "") and "User mgr is disabled." in err
    code, *_ = run(capsys, "--db", db, "alerts", "--period", "2026-10", "--as", "mgr")
    assert code == 3


def test_without_as_the_cli_reads_everything(db, capsys):
    code, out, _ = run(capsys, "--db", db, "score", "--unit", "SALES_N", "--format", "json")
    assert code == 0 and len(json.loads(out)["children"]) == 6


# --------------------------------------------------------------------------- passwords and sign-in


def test_password_hash_round_trip():
    hashed = access.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert access.verify_password(hashed, PASSWORD)
    assert not access.verify_password(hashed, "correct horse ")
    assert not access.verify_password("not a hash", PASSWORD) and not access.verify_password(None, PASSWORD)
    assert access.hash_password(PASSWORD) != hashed  # salted
    with pytest.raises(access.AccountProblem) as short:
        access.hash_password("seven77")
    assert short.value.key == "access.password_short"


T0 = datetime(2026, 11, 21, 9, 0, 0)


def test_sign_in_right_and_wrong(db):
    with Store(db) as store:
        signed = access.authenticate(store, "mgr", PASSWORD, now=T0)
        assert (signed.name, signed.role, signed.unit_id) == ("mgr", "manager", "SALES_N")
        with pytest.raises(SignInRefused) as wrong:
            access.authenticate(store, "mgr", "wrong horse", now=T0)
        assert wrong.value.key == "access.sign_in.wrong"
        assert store.user("mgr")["failed_logins"] == 1
        with pytest.raises(SignInRefused) as unknown:
            access.authenticate(store, "nobody", PASSWORD, now=T0)
        assert unknown.value.key == "access.sign_in.wrong"  # the same words as a wrong password
        access.authenticate(store, "mgr", PASSWORD, now=T0)
        assert store.user("mgr")["failed_logins"] == 0  # a success starts the count again


def test_a_disabled_account_is_refused_even_with_its_password(db):
    with Store(db) as store:
        store.update_user("ana", disabled=True, by="test")
        with pytest.raises(SignInRefused) as refused:
            access.authenticate(store, "ana", PASSWORD, now=T0)
        assert refused.value.key == "access.sign_in.disabled"
        with pytest.raises(SignInRefused) as wrong:
            access.authenticate(store, "ana", "wrong horse", now=T0)
        assert wrong.value.key == "access.sign_in.wrong"  # who lacks the password learns nothing


def test_five_failures_lock_the_account_for_30_s_then_60_s(db):
    with Store(db) as store:
        for i in range(4):
            with pytest.raises(SignInRefused) as refused:
                access.authenticate(store, "vw", "guess", now=T0 + timedelta(seconds=i))
            assert refused.value.key == "access.sign_in.wrong"
        # the 5th failure, at T0 + 4 s, locks until T0 + 34 s
        with pytest.raises(SignInRefused) as locked:
            access.authenticate(store, "vw", "guess", now=T0 + timedelta(seconds=4))
        assert (locked.value.key, locked.value.params) == ("access.sign_in.locked", {"seconds": 30})
        # even the right password is refused while locked, and not counted
        with pytest.raises(SignInRefused) as still:
            access.authenticate(store, "vw", PASSWORD, now=T0 + timedelta(seconds=10))
        assert (still.value.key, still.value.params) == ("access.sign_in.locked", {"seconds": 24})
        assert store.user("vw")["failed_logins"] == 5
        # at T0 + 34 s a 6th wrong guess locks it for 60 s
        with pytest.raises(SignInRefused) as longer:
            access.authenticate(store, "vw", "guess", now=T0 + timedelta(seconds=34))
        assert longer.value.params == {"seconds": 60}
        with pytest.raises(SignInRefused):
            access.authenticate(store, "vw", PASSWORD, now=T0 + timedelta(seconds=93))
        assert access.authenticate(store, "vw", PASSWORD, now=T0 + timedelta(seconds=94)).name == "vw"
        assert store.user("vw")["failed_logins"] == 0


def test_a_new_password_lifts_a_lock(db, tmp_path, capsys):
    with Store(db) as store:
        for i in range(5):
            with pytest.raises(SignInRefused):
                access.authenticate(store, "vw", "guess", now=T0 + timedelta(seconds=i))
    new = tmp_path / "pw.txt"
    new.write_text("battery staple\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "users", "password", "vw", "--password-file", new)
    assert code == 0 and "Password of vw changed" in out
    with Store(db) as store:
        assert access.authenticate(store, "vw", "battery staple", now=T0 + timedelta(seconds=5)).name == "vw"
        with pytest.raises(SignInRefused):
            access.authenticate(store, "vw", PASSWORD, now=T0 + timedelta(seconds=6))


# --------------------------------------------------------------------------- the users command


@pytest.fixture
def bare_db(demo_db: Path) -> Path:
    """The demo without the demo's accounts: a company creating its accounts."""
    with Store(demo_db) as store:
        store.cursor().execute("DELETE FROM users")
    return demo_db


@pytest.fixture
def pw_file(tmp_path: Path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def test_users_add_list_disable_enable_role(bare_db, pw_file, capsys):
    db = bare_db
    code, out, err = run(
        capsys, "--db", db, "users", "add", "sales_rep_1", "--role", "employee", "--unit", "P_SALES_N_03",
        "--display", "Xu Gang", "--password-file", pw_file,
    )  # fmt: skip
    assert code == 0, err
    assert out.strip() == "User sales_rep_1 added: employee of Xu Gang (P_SALES_N_03)."
    code, out, err = run(
        capsys, "--db", db, "users", "add", "boss", "--role", "manager", "--unit", "SALES", "--approver",
        "--email", "boss@example.com", "--password-file", pw_file,
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "users", "list", "--format", "json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert set(rows) == {"sales_rep_1", "boss"}
    assert (rows["boss"]["role"], rows["boss"]["unit_id"], rows["boss"]["approver"]) == ("manager", "SALES", True)
    assert rows["sales_rep_1"]["display"] == "Xu Gang" and rows["sales_rep_1"]["approver"] is False
    assert "password_hash" not in out and "argon2" not in out
    code, out, _ = run(capsys, "--db", db, "--lang", "zh", "users", "list")
    assert code == 0 and "经理" in out and "员工" in out

    code, _, err = run(capsys, "--db", db, "users", "disable", "boss")
    assert code == 0
    with Store(db) as store:
        assert store.user("boss")["disabled"]
        with pytest.raises(SignInRefused):
            access.authenticate(store, "boss", PASSWORD, now=T0)
    code, *_ = run(capsys, "--db", db, "users", "enable", "boss")
    assert code == 0
    code, out, err = run(capsys, "--db", db, "users", "role", "boss", "viewer", "--no-approver")
    assert code == 0 and out.strip() == "User boss is now viewer."
    with Store(db) as store:
        row = store.user("boss")
        assert (row["role"], row["unit_id"], row["approver"]) == ("viewer", None, False)
        log = store.change_log()
        assert set(log.loc[log["entity"] == "user", "field"]) >= {"role", "unit_id", "approver", "disabled"}
    code, out, _ = run(capsys, "--db", db, "score", "--as", "boss", "--format", "json")
    assert code == 0 and json.loads(out)["unit_id"] == "HQ"


def test_users_add_refuses_bad_accounts(bare_db, pw_file, capsys):
    db = bare_db
    code, _, err = run(
        capsys, "--db", db, "users", "add", "x1", "--role", "employee", "--unit", "SALES_N", "--password-file", pw_file
    )
    assert code == 2 and "the unit id of the person themselves" in err
    code, _, err = run(capsys, "--db", db, "users", "add", "x2", "--role", "manager", "--password-file", pw_file)
    assert code == 2 and "needs --unit" in err
    code, _, err = run(
        capsys, "--db", db, "users", "add", "x3", "--role", "analyst", "--unit", "NOPE", "--password-file", pw_file
    )
    assert code == 2 and "No unit NOPE" in err
    code, _, err = run(capsys, "--db", db, "users", "add", "bad name", "--role", "viewer", "--password-file", pw_file)
    assert code == 2 and "not a user name" in err
    short = pw_file.parent / "short.txt"
    short.write_text("abc\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", db, "users", "add", "x4", "--role", "viewer", "--password-file", short)
    assert code == 2 and "at least 8 characters" in err
    code, _, err = run(capsys, "--db", db, "users", "add", "x5", "--role", "viewer")
    assert code == 2 and "--password-file" in err  # no terminal to ask at
    with pytest.raises(SystemExit) as bad_role:  # argparse: the role is one of the five
        run(capsys, "--db", db, "users", "add", "x6", "--role", "wizard", "--password-file", pw_file)
    assert bad_role.value.code == 2 and "invalid choice: 'wizard'" in capsys.readouterr().err
    with Store(db) as store:
        assert store.user_count() == 0
    assert run(capsys, "--db", db, "users", "add", "x7", "--role", "viewer", "--password-file", pw_file)[0] == 0
    code, _, err = run(capsys, "--db", db, "users", "add", "x7", "--role", "viewer", "--password-file", pw_file)
    assert code == 2 and "already exists" in err
    code, _, err = run(capsys, "--db", db, "users", "disable", "ghost")
    assert code == 2 and "No user named ghost" in err


def test_the_last_admin_cannot_be_disabled_or_demoted(bare_db, pw_file, capsys):
    db = bare_db
    run(capsys, "--db", db, "users", "add", "root", "--role", "admin", "--password-file", pw_file)
    code, _, err = run(capsys, "--db", db, "users", "disable", "root")
    assert code == 2 and "last enabled admin" in err
    code, _, err = run(capsys, "--db", db, "users", "role", "root", "viewer")
    assert code == 2 and "last enabled admin" in err
    run(capsys, "--db", db, "users", "add", "root2", "--role", "admin", "--password-file", pw_file)
    assert run(capsys, "--db", db, "users", "disable", "root")[0] == 0


def test_a_password_is_asked_for_twice_at_a_terminal(demo_db, capsys, monkeypatch):
    answers = iter([PASSWORD, PASSWORD, PASSWORD, "something else"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert run(capsys, "--db", demo_db, "users", "add", "tty", "--role", "viewer")[0] == 0
    code, _, err = run(capsys, "--db", demo_db, "users", "password", "tty")
    assert code == 2 and "differ" in err
    with Store(demo_db) as store:
        assert access.authenticate(store, "tty", PASSWORD, now=T0).name == "tty"


# --------------------------------------------------------------------------- the first admin


def test_init_prints_a_generated_first_admin_password_once(tmp_path, capsys):
    db = tmp_path / "new.duckdb"
    code, out, _ = run(capsys, "--db", db, "init")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("First administrator admin created."))
    password = line.rsplit(": ", 1)[1]
    assert len(password) == 16
    with Store(db) as store:
        assert access.authenticate(store, "admin", password, now=T0).role == "admin"
    code, out, _ = run(capsys, "--db", db, "init")
    assert code == 0 and "First administrator" not in out and password not in out


def test_init_admin_with_a_password_file(tmp_path, pw_file, capsys):
    db = tmp_path / "new.duckdb"
    code, out, _ = run(capsys, "--db", db, "init", "--admin", "boss", "--password-file", pw_file)
    assert code == 0 and "First administrator boss created." in out and PASSWORD not in out
    with Store(db) as store:
        assert access.authenticate(store, "boss", PASSWORD, now=T0).role == "admin"
        assert store.users()["name"].tolist() == ["boss"]
    code, out, err = run(capsys, "--db", db, "init", "--admin", "other", "--password-file", pw_file)
    assert code == 0 and "has users already" in err
    with Store(db) as store:
        assert store.users()["name"].tolist() == ["boss"]


def test_init_admin_asks_at_a_terminal(tmp_path, capsys, monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    db = tmp_path / "new.duckdb"
    code, out, _ = run(capsys, "--db", db, "init", "--admin", "boss")
    assert code == 0 and PASSWORD not in out
    with Store(db) as store:
        assert access.authenticate(store, "boss", PASSWORD, now=T0).name == "boss"


def test_company_only_accounts_emails_and_ending_the_demo(demo_db, pw_file, capsys):
    db = demo_db
    code, _, err = run(capsys, "--db", db, "users", "add", "sso", "--role", "viewer", "--company-sign-in-only")
    assert code == 2 and "needs --email" in err
    code, out, _ = run(
        capsys, "--db", db, "users", "add", "sso", "--role", "viewer", "--company-sign-in-only", "--email", "a@b.cn"
    )
    assert code == 0
    with Store(db) as store:
        assert store.user("sso")["password_hash"] is None  # no password: only the company sign-in
        with pytest.raises(SignInRefused):
            access.authenticate(store, "sso", "anything at all")
    code, _, err = run(capsys, "--db", db, "users", "email", "sso", "not-an-address")
    assert code == 2 and "not an email address" in err
    assert run(capsys, "--db", db, "users", "email", "sso", "Sso@Example.com")[0] == 0
    with Store(db) as store:
        assert store.user_by_email("sso@example.com")["name"] == "sso"
        assert store.is_demo()
    # the demo's accounts have no password: ending the demo needs an admin who can sign in
    code, _, err = run(capsys, "--db", db, "users", "demo-off")
    assert code == 2 and "Demo mode stays on" in err
    assert run(capsys, "--db", db, "users", "add", "root", "--role", "admin", "--password-file", pw_file)[0] == 0
    code, out, _ = run(capsys, "--db", db, "users", "demo-off")
    assert code == 0 and "sign-in page" in out
    with Store(db) as store:
        assert not store.is_demo()
        log = store.cursor().execute("SELECT field, new_value FROM change_log WHERE entity = 'settings'").fetchall()
        assert ("demo", "false") in log
