"""The command line, run as an analyst would: exit codes, messages, formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kpi_core.cli import main
from kpi_core.store import Store

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def small_db(small_dir, tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    for kind in ("units", "kpis", "assignments", "targets", "actuals"):
        code, out, err = run(capsys, "--db", db, "load", kind, small_dir / f"{kind}.csv")
        assert code == 0, err
    return db


def test_score_json_is_the_hand_checked_scorecard(small_db, capsys):
    code, out, _ = run(capsys, "--db", small_db, "score", "--period", "2026-03", "--format", "json")
    assert code == 0
    card = json.loads(out)
    assert (card["unit_id"], card["period"], card["view"]) == ("HQ", "2026-03", "month")
    assert card["total"] == pytest.approx(85.0)
    assert card["perspectives"]["financial"] == pytest.approx(55 / 70 * 100)
    assert card["perspectives"]["process"] is None
    kpis = {k["kpi_id"]: k for k in card["kpis"]}
    assert set(kpis["rev"]) >= {
        "kpi_id",
        "perspective",
        "weight",
        "target",
        "actual",
        "completion",
        "score",
        "points",
        "status",
    }
    assert (kpis["spend"]["points"], kpis["spend"]["status"]) == (pytest.approx(4.0), "red")
    assert [(c["unit_id"], c["total"]) for c in card["children"]] == [("OPS", 80.0), ("SALES", 87.0)]


def test_score_defaults_to_company_and_latest_month(small_db, capsys):
    code, out, _ = run(capsys, "--db", small_db, "score", "--format", "json")
    assert code == 0 and json.loads(out)["period"] == "2026-03"


def test_score_table_in_chinese(small_db, capsys):
    code, out, _ = run(capsys, "--db", small_db, "--lang", "zh", "score", "--unit", "SALES", "--view", "quarter")
    assert code == 0
    assert "销售部计分卡" in out and "季度累计" in out and "营业收入" in out


def test_score_csv(small_db, capsys):
    code, out, _ = run(capsys, "--db", small_db, "score", "--unit", "OPS", "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("unit_id,kpi_id,perspective,role,weight,target,actual,completion,score,points,status")
    assert len(lines) == 3


def test_unknown_unit_and_bad_period_exit_2(small_db, capsys):
    code, _, err = run(capsys, "--db", small_db, "score", "--unit", "NOPE")
    assert code == 2 and "NOPE" in err
    code, _, err = run(capsys, "--db", small_db, "score", "--period", "2026-3")
    assert code == 2 and "2026-3" in err


def test_bad_file_exits_2_names_row_and_column_and_changes_nothing(small_db, tmp_path, capsys):
    bad = tmp_path / "april.csv"
    bad.write_text("unit_id,kpi_id,period,actual\nHQ,rev,2026-03,12\nHQ,rev,2026-03,oops\n", encoding="utf-8")
    with Store(small_db) as store:
        before = store.table_checksums()
    code, _, err = run(capsys, "--db", small_db, "load", "actuals", bad)
    assert code == 2
    assert "april.csv: row 3, column actual ('oops'): not a finite number" in err
    assert "row 3, column period" in err  # the duplicate key
    assert "nothing was written" in err
    with Store(small_db) as store:
        assert store.table_checksums() == before


def test_dry_run_changes_nothing(small_db, tmp_path, capsys):
    f = tmp_path / "restate.csv"
    f.write_text("unit_id,kpi_id,period,actual\nHQ,rev,2026-03,160\n", encoding="utf-8")
    with Store(small_db) as store:
        before = store.table_checksums()
    code, out, _ = run(capsys, "--db", small_db, "load", "actuals", f, "--dry-run")
    assert code == 0 and "1 changed" in out and "Dry run" in out
    with Store(small_db) as store:
        assert store.table_checksums() == before


def test_units_and_kpis_listings(small_db, capsys):
    code, out, _ = run(capsys, "--db", small_db, "units", "--format", "json")
    assert code == 0 and [u["unit_id"] for u in json.loads(out)] == ["HQ", "OPS", "P1", "SALES"]
    code, out, _ = run(capsys, "--db", small_db, "kpis")
    assert code == 0 and "Collection days" in out


def test_init_demo_then_score_as_a_real_process(tmp_path):
    db = tmp_path / "demo.duckdb"
    cmd = [sys.executable, "-m", "kpi_core", "--db", str(db)]
    init = subprocess.run([*cmd, "init", "--demo"], capture_output=True, text=True, cwd=ROOT)
    assert init.returncode == 0, init.stderr
    assert "Demo company loaded" in init.stdout
    again = subprocess.run([*cmd, "init", "--demo"], capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 0 and "not loaded again" in again.stdout
    score = subprocess.run([*cmd, "score", "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert score.returncode == 0, score.stderr
    assert json.loads(score.stdout)["period"] == "2026-10"


def test_a_locked_database_gets_a_clear_message(small_db):
    with Store(small_db):
        # DuckDB lets one process hold the file; a second process is told why it cannot open it
        proc = subprocess.run(
            [sys.executable, "-m", "kpi_core", "--db", str(small_db), "units"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    assert proc.returncode == 1
    assert "in use by another process" in proc.stderr
    assert "Traceback" not in proc.stderr
    # DuckDB's own text names the holder's interpreter and PID: not for users' eyes
    assert "PID" not in proc.stderr and sys.executable not in proc.stderr
    assert str(small_db.parent) not in proc.stderr


def test_score_piped_into_head_ends_quietly(small_db):
    # `score | head -3`: the reader closes the pipe after three lines
    proc = subprocess.run(
        f'"{sys.executable}" -m kpi_core --db "{small_db}" score --period 2026-03 | head -3',
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout.splitlines()[0] == "Scorecard of Acme · 2026-03 · Month"
    assert len(proc.stdout.splitlines()) == 3
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr


def test_help_and_problems_in_chinese(small_db, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "zh", "load", "--help"])
    out, _ = capsys.readouterr()
    assert out.startswith("用法: python -m kpi_core load")
    assert "校验并载入一个 CSV 或 .xlsx 文件" in out and "只报告将发生的变化,不做任何更改" in out
    for english in ("usage:", "options:", "positional arguments", "show this help", "validate and load"):
        assert english not in out
    bad = tmp_path / "bad.csv"
    bad.write_text("unit_id,kpi_id,period,actual\nHQ,rev,2026-03,abc\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", small_db, "--lang", "zh", "load", "actuals", bad)
    assert code == 2
    assert err.splitlines()[0] == "错误: bad.csv: 第 2 行, 列 actual ('abc'): 不是有效的数字"
    code, _, err = run(capsys, "--db", small_db, "--lang", "zh", "load", "actuals", tmp_path / "none.csv")
    assert (code, err.strip()) == (2, f"{tmp_path / 'none.csv'}:文件不存在")
