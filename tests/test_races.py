"""Two writers on one store at once, as two dashboard sessions share it.

The dashboard keeps one DuckDB connection per process and every session (a
thread) writes through its own cursor; DuckDB's transactions are optimistic,
so two that write the same rows cannot both commit. These tests race
rollbacks and uploads of the same rows and check what a user cares about:
no write reported as stored is ever lost, the data matches its own history,
and the loser gets a sentence from the translation table (never DuckDB's own
words, such as "Conflict on tuple deletion" or "transaction is aborted").

Writes through one store object take turns (a lock): the second waits and
then reads what the first wrote. Writers that do not share the lock (a
second ``Store`` on the same file here, standing for another process) are
kept apart by DuckDB itself: the loser's transaction fails and is run once
more. Each race is run both ways, deterministically, by pausing one writer at
the worst moment (after its checks, before its writes) while the other
commits, and at random, with threads started 0-30 ms apart, many times.
"""

from __future__ import annotations

import random
import threading

import pytest

from kpi_core import ingest
from kpi_core.i18n import TABLE, error_text
from kpi_core.store import RollbackError, Store, StoreError, WriteConflictError
from kpi_core.store import uploads as uploads_module
from kpi_core.store import writes as writes_module
from tests.conftest import TODAY

#: Race 1 runs this many random trials (the issue asks for at least 200 in CI).
RANDOM_TRIALS = 200

HEADER = b"unit_id,kpi_id,period,actual\n"


def _file(rev: float, days: float) -> bytes:
    # March restates HQ's stored revenue (150) and collection days (38); April is new.
    return HEADER + f"HQ,rev,2026-03,{rev:g}\nHQ,days,2026-04,{days:g}\n".encode()


def _load(store, rev: float, days: float, name: str) -> int | None:
    report = ingest.load(store, "actuals", _file(rev, days), name, today=TODAY, uploaded_by="race")
    assert report.validated.ok, report.validated.errors
    return report.result.batch_id


def _values(store) -> dict[tuple[str, str], tuple[float, int]]:
    rows = (
        store.cursor()
        .execute(
            """SELECT kpi_id, strftime(period, '%Y-%m'), actual, batch_id FROM actuals
               WHERE unit_id = 'HQ' AND ((kpi_id = 'rev' AND period = DATE '2026-03-01')
                                      OR (kpi_id = 'days' AND period = DATE '2026-04-01'))"""
        )
        .fetchall()
    )
    return {(k, p): (v, b) for k, p, v, b in rows}


def _assert_matches_history(store) -> None:
    """Every stored value is the new value of the last history row of its key,
    written by the batch it is stamped with: nothing changed behind the audit."""
    bad = (
        store.cursor()
        .execute(
            """WITH last AS (
                 SELECT row_key, arg_max_null(new_value, batch_id) AS value, max(batch_id) AS batch_id
                 FROM history WHERE kind = 'actuals' GROUP BY row_key)
               SELECT a.unit_id, a.kpi_id, a.period, a.actual, a.batch_id, l.value, l.batch_id
               FROM actuals a JOIN last l
                 ON l.row_key = concat_ws('|', a.unit_id, a.kpi_id, CAST(a.period AS VARCHAR))
               WHERE a.actual IS DISTINCT FROM l.value OR a.batch_id <> l.batch_id"""
        )
        .fetchall()
    )
    assert bad == []
    # a value removed by a rollback has no row left; its last history row says so (new value NULL)
    orphans = (
        store.cursor()
        .execute(
            """WITH last AS (
                 SELECT row_key, arg_max_null(new_value, batch_id) AS value FROM history
                 WHERE kind = 'actuals' GROUP BY row_key)
               SELECT l.row_key FROM last l WHERE l.value IS NOT NULL AND NOT EXISTS (
                 SELECT 1 FROM actuals a
                 WHERE l.row_key = concat_ws('|', a.unit_id, a.kpi_id, CAST(a.period AS VARCHAR)))"""
        )
        .fetchall()
    )
    assert orphans == []


def _assert_clear(exc: BaseException) -> None:
    """A refused write speaks our words, in both languages, not DuckDB's."""
    assert isinstance(exc, StoreError), repr(exc)
    assert exc.key in TABLE, exc.key
    for lang in ("en", "zh"):
        text = error_text(exc, lang)
        for raw in ("Conflict", "aborted", "duplicate key", "TransactionContext", "ROLLBACK", "Traceback"):
            assert raw not in text, text


def _run(*jobs) -> list:
    """Start each job in its own thread after a random 0-30 ms; the result or exception of each."""
    out: list = [None] * len(jobs)

    def run(i, job):
        threading.Event().wait(random.random() * 0.03)
        try:
            out[i] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return out


class _Pause:
    """Wraps a function so that its first call stops after running, until released."""

    def __init__(self, monkeypatch, module, name: str) -> None:
        self.reached, self.release = threading.Event(), threading.Event()
        self.calls = 0
        original = getattr(module, name)

        def paused(*args, **kwargs):
            result = original(*args, **kwargs)
            self.calls += 1
            if self.calls == 1:
                self.reached.set()
                self.release.wait(10)
            return result

        monkeypatch.setattr(module, name, paused)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release.set()


def _in_thread(job) -> tuple[threading.Thread, dict]:
    box: dict = {}

    def run():
        try:
            box["result"] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box


# --------------------------------------------------------------------------- 1. rollback against an upload


@pytest.fixture
def other(small_store):
    """A second writer on the same file that does not share ``small_store``'s lock."""
    with Store(small_store.path) as store:
        yield store


def test_an_upload_between_a_rollbacks_check_and_its_writes_is_kept(small_store, other, monkeypatch):
    batch = _load(small_store, 160, 37, "restated.csv")
    with _Pause(monkeypatch, uploads_module, "_check_rollback") as pause:
        thread, box = _in_thread(lambda: small_store.rollback_batch(batch, uploaded_by="Bo"))
        assert pause.reached.wait(10)
        upload = _load(other, 170, 36, "later.csv")  # commits while the rollback waits
        pause.release.set()
        thread.join(10)
    # The rollback's first try lost the race; its second try sees the upload and refuses.
    assert isinstance(box.get("error"), RollbackError), box
    assert box["error"].key == "store.rollback_later"
    assert error_text(box["error"], "en") == (
        f"Batch {batch} cannot be rolled back: later batch(es) {upload} changed the same rows. Roll those back first."
    )
    assert _values(small_store) == {("rev", "2026-03"): (170.0, upload), ("days", "2026-04"): (36.0, upload)}
    _assert_matches_history(small_store)


def test_a_rollback_between_an_uploads_diff_and_its_writes_is_not_undone(small_store, other, monkeypatch):
    batch = _load(small_store, 160, 37, "restated.csv")
    with _Pause(monkeypatch, writes_module, "_diff") as pause:
        thread, box = _in_thread(lambda: _load(small_store, 170, 36, "later.csv"))
        assert pause.reached.wait(10)
        undo = other.rollback_batch(batch, uploaded_by="Bo")  # commits while the upload waits
        pause.release.set()
        thread.join(10)
    # The upload's first try lost the race; its second try diffs against the rolled-back rows and stores.
    upload = box["result"]
    assert upload > undo.batch_id
    assert _values(small_store) == {("rev", "2026-03"): (170.0, upload), ("days", "2026-04"): (36.0, upload)}
    changes = small_store.batch_changes(upload).set_index("row_key")
    # March was restored to 150 by the rollback, April removed: the upload restates one and adds the other
    assert changes.loc["HQ|rev|2026-03-01", "old_value"] == 150
    assert changes["old_value"].isna().sum() == 1
    _assert_matches_history(small_store)


@pytest.fixture(params=["one store", "two stores"])
def writers(request, small_store):
    """Two writers: sessions sharing one store (and its lock), or two stores on one file."""
    if request.param == "one store":
        yield small_store, small_store
    else:
        with Store(small_store.path) as second:
            yield small_store, second


def test_a_rollback_racing_an_upload_of_the_same_rows_never_loses_the_upload(writers):
    small_store, other = writers
    outcomes = {"both": 0, "upload_only": 0, "rollback_only": 0}
    for trial in range(RANDOM_TRIALS):
        rev, days = 1000 + trial, 500 + trial
        batch = _load(small_store, rev - 0.5, days - 0.5, f"b{trial}.csv")
        undo, upload = _run(
            lambda b=batch: small_store.rollback_batch(b, uploaded_by="Bo"),
            lambda r=rev, d=days, t=trial: _load(other, r, d, f"c{t}.csv"),
        )
        for result in (undo, upload):
            if isinstance(result, BaseException):
                _assert_clear(result)
        stored = _values(small_store)
        if not isinstance(upload, BaseException):
            # an upload reported as stored is what the store holds
            assert stored == {("rev", "2026-03"): (rev, upload), ("days", "2026-04"): (days, upload)}, trial
            outcomes["both" if not isinstance(undo, BaseException) else "upload_only"] += 1
        else:
            assert not isinstance(undo, BaseException), (undo, upload)
            outcomes["rollback_only"] += 1
        _assert_matches_history(small_store)
    assert sum(outcomes.values()) == RANDOM_TRIALS


def test_sessions_sharing_a_store_take_turns(small_store, monkeypatch):
    batch = _load(small_store, 160, 37, "restated.csv")
    with _Pause(monkeypatch, uploads_module, "_check_rollback") as pause:
        undo_thread, undo = _in_thread(lambda: small_store.rollback_batch(batch, uploaded_by="Bo"))
        assert pause.reached.wait(10)
        upload_thread, upload = _in_thread(lambda: _load(small_store, 170, 36, "later.csv"))
        upload_thread.join(0.3)
        assert upload == {}  # waiting for the rollback to commit, not racing it
        pause.release.set()
        undo_thread.join(10)
        upload_thread.join(10)
    # the rollback went first; the upload then restated the restored rows
    assert upload["result"] > undo["result"].batch_id
    assert pause.calls == 1  # no conflict, no retry
    assert _values(small_store) == {
        ("rev", "2026-03"): (170.0, upload["result"]),
        ("days", "2026-04"): (36.0, upload["result"]),
    }
    _assert_matches_history(small_store)


# --------------------------------------------------------------------------- 2. two rollbacks of one batch


def test_a_second_rollback_of_the_same_batch_at_once_says_it_was_rolled_back(small_store, other, monkeypatch):
    batch = _load(small_store, 160, 37, "restated.csv")
    with _Pause(monkeypatch, uploads_module, "_check_rollback") as pause:
        thread, box = _in_thread(lambda: small_store.rollback_batch(batch, uploaded_by="Ann"))
        assert pause.reached.wait(10)
        first = other.rollback_batch(batch, uploaded_by="Bo")
        pause.release.set()
        thread.join(10)
    assert isinstance(box.get("error"), RollbackError), box
    assert box["error"].key == "store.already_rolled_back"
    assert error_text(box["error"], "zh") == f"批次 {batch} 已被批次 {first.batch_id} 回滚;本次未做任何更改。"
    assert _values(small_store) == {("rev", "2026-03"): (150.0, first.batch_id)}
    assert (small_store.upload_history()["rollback_of"] == batch).sum() == 1


def test_two_rollbacks_of_one_batch_clicked_at_once_undo_it_exactly_once(writers):
    small_store, other = writers
    for trial in range(60):
        batch = _load(small_store, 2000 + trial, 700 + trial, f"b{trial}.csv")
        results = _run(lambda b=batch: small_store.rollback_batch(b), lambda b=batch: other.rollback_batch(b))
        done = [r for r in results if not isinstance(r, BaseException)]
        assert len(done) == 1, results
        refused = next(r for r in results if isinstance(r, BaseException))
        _assert_clear(refused)
        assert refused.key == "store.already_rolled_back"
        assert (small_store.upload_history()["rollback_of"] == batch).sum() == 1
        assert _values(small_store) == {("rev", "2026-03"): (150.0, done[0].batch_id)}
        _assert_matches_history(small_store)


# --------------------------------------------------------------------------- 3. two uploads of the same rows


def test_two_uploads_of_the_same_rows_at_once_both_land_in_order(small_store, other, monkeypatch):
    with _Pause(monkeypatch, writes_module, "_diff") as pause:
        thread, box = _in_thread(lambda: _load(small_store, 171, 35, "first.csv"))
        assert pause.reached.wait(10)
        second = _load(other, 172, 34, "second.csv")
        pause.release.set()
        thread.join(10)
    first = box["result"]
    # the paused upload lost the race, was diffed again against the other's rows, and stored after it
    assert first > second
    assert small_store.batch_changes(first).set_index("row_key").loc["HQ|rev|2026-03-01", "old_value"] == 172
    assert _values(small_store) == {("rev", "2026-03"): (171.0, first), ("days", "2026-04"): (35.0, first)}
    _assert_matches_history(small_store)


def test_an_upload_that_loses_twice_is_told_which_batch_won_and_stores_nothing(small_store, monkeypatch):
    original = writes_module.WriteQueries._write_once
    winners: list[int] = []

    def beaten(self, kind, frame, **kwargs):
        # another session commits the same rows first, every time this upload tries
        value = 180.0 + len(winners)
        winner = original(self, kind, frame.assign(actual=value), **{**kwargs, "file_name": f"w{value:g}.csv"})
        winners.append(winner.batch_id)
        raise WriteConflictError("lost", key="store.conflict")

    monkeypatch.setattr(writes_module.WriteQueries, "_write_once", beaten)
    validated = ingest.read("actuals", _file(173, 33), "mine.csv", small_store, today=TODAY)
    with pytest.raises(WriteConflictError) as caught:
        ingest.commit(small_store, validated, uploaded_by="Bo")
    assert len(winners) == 2  # tried once more, then gave up
    assert caught.value.key == "store.conflict_batches"
    assert error_text(caught.value, "en") == (
        f"Another upload (batch {winners[0]}, {winners[1]}) changed these rows a moment ago; "
        "nothing of yours was stored. Try again."
    )
    assert "mine.csv" not in set(small_store.upload_history()["file_name"])
    assert _values(small_store) == {("rev", "2026-03"): (181.0, winners[1]), ("days", "2026-04"): (181.0, winners[1])}


def test_uploads_of_the_same_rows_at_once_lose_nothing_and_speak_plainly(writers):
    small_store, other = writers
    for trial in range(40):
        a, b = 3000 + trial, 4000 + trial
        first, second = _run(
            lambda a=a, t=trial: _load(small_store, a, a, f"a{t}.csv"),
            lambda b=b, t=trial: _load(other, b, b, f"b{t}.csv"),
        )
        stored = _values(small_store)
        done = {r: v for r, v in ((first, a), (second, b)) if not isinstance(r, BaseException)}
        for result in (first, second):
            if isinstance(result, BaseException):
                _assert_clear(result)
        assert done, (first, second)
        # the store holds the values of the batch that committed last
        last = max(done)
        assert stored == {("rev", "2026-03"): (done[last], last), ("days", "2026-04"): (done[last], last)}
        _assert_matches_history(small_store)
