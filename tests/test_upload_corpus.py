"""The hostile-file corpus (tests/corpus/cases.py): every file is refused with
a problem naming its row and column, and the database is byte-for-byte as
before (a checksum of every table)."""

from __future__ import annotations

import pytest

from kpi_core import ingest
from tests.conftest import TODAY
from tests.corpus import cases


def test_the_corpus_is_large_and_the_files_match_the_generator():
    assert len(cases.CASES) >= 40
    assert len({c.name for c in cases.CASES}) == len(cases.CASES)
    for case in cases.CASES:
        if not case.is_excel:
            assert cases.data(case) == case.make(), f"{case.name}: run python -m tests.corpus.cases"


@pytest.mark.parametrize("case", cases.CASES, ids=lambda c: c.name)
def test_each_hostile_file_is_refused_and_changes_nothing(small_store, case):
    before = small_store.table_checksums()
    report = ingest.load(small_store, case.kind, cases.data(case), case.name, today=TODAY, uploaded_by="corpus")
    errors = report.validated.errors
    assert report.result is None and errors, f"{case.name} was accepted"
    found = [(p.row, p.column) for p in errors]
    assert (case.row, case.column) in found, found
    first = next(p for p in errors if (p.row, p.column) == (case.row, case.column))
    text = str(first)
    assert text.startswith(case.name + ": ")
    if case.row is not None:
        assert f"row {case.row}" in text
    if case.column:
        assert f"column {case.column}" in text
    assert small_store.table_checksums() == before


def test_dry_run_and_preview_of_hostile_files_write_nothing(small_store):
    before = small_store.table_checksums()
    for case in cases.CASES[:10]:
        report = ingest.load(small_store, case.kind, cases.data(case), case.name, today=TODAY, dry_run=True)
        assert not report.validated.ok
    assert small_store.table_checksums() == before
