"""The translation table: every key in English and Chinese, with the same
placeholders, and every status, perspective and grade the engine can produce."""

from __future__ import annotations

import string

import pytest

from kpi_core.i18n import TABLE, t
from kpi_core.model import ACCUMULATIONS, DIRECTIONS, PERSPECTIVES, ROLES, STATUSES, UNIT_KINDS, VIEWS
from kpi_core.scoring import GRADES


def _fields(text):
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(TABLE))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    en, zh = TABLE[key]
    assert en.strip() and zh.strip(), f"{key} is missing a language"
    assert _fields(en) == _fields(zh), f"{key}: placeholders differ"


def test_every_value_the_engine_produces_has_a_label():
    needed = (
        [f"status.{s}" for s in STATUSES]
        + [f"perspective.{p}" for p in PERSPECTIVES]
        + [f"grade.{g}" for _, g in GRADES]
        + ["grade.fail", "grade.no_data"]
        + [f"view.{v}" for v in VIEWS]
        + [f"kind.{k}" for k in UNIT_KINDS]
        + [f"direction.{d}" for d in DIRECTIONS]
        + [f"accumulation.{a}" for a in ACCUMULATIONS]
        + [f"role.{r}" for r in ROLES]
    )
    missing = [k for k in needed if k not in TABLE]
    assert missing == []


def test_switching_language_changes_the_words():
    assert t("perspective.learning", "en") == "Learning & growth"
    assert t("perspective.learning", "zh") == "学习与成长"
    assert t("cli.scorecard_of", "zh", unit="销售部", period="2026-03", view="当月") == "销售部计分卡 · 2026-03 · 当月"


def test_every_reason_the_hostile_corpus_produces_has_a_chinese_translation(small_store):
    """Chinese analysts read why a file was refused in Chinese: every reason
    ingest gives for the corpus (and for the other bad files of the tests)
    matches a ``reason.*`` template of the translation table."""
    from kpi_core import ingest
    from kpi_core.i18n import reason
    from tests.conftest import TODAY
    from tests.corpus import cases
    from tests.test_ingest import BAD_ACTUALS

    files = [(c.kind, cases.data(c), c.name) for c in cases.CASES]
    files += [("actuals", ("unit_id,kpi_id,period,actual\n" + body).encode(), "bad.csv") for body, _ in BAD_ACTUALS]
    untranslated = set()
    for kind, data, name in files:
        for problem in ingest.read(kind, data, name, small_store, today=TODAY).problems:
            if reason(problem.reason, "zh") == problem.reason:
                untranslated.add(problem.reason)
    assert untranslated == set()
