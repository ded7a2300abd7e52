"""The database schema and its migrations.

Each entry of :data:`MIGRATIONS` brings a database from the version before it
to its own number; :func:`migrate` applies the missing ones in one transaction
so an existing file is upgraded in place, never rebuilt.
"""

from __future__ import annotations

V1 = [
    """CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE SEQUENCE batch_seq START 1""",
    """CREATE TABLE batches (
        batch_id INTEGER PRIMARY KEY,
        kind VARCHAR NOT NULL,
        file_name VARCHAR,
        sha256 VARCHAR,
        uploaded_by VARCHAR,
        uploaded_at TIMESTAMP NOT NULL,
        rows_total INTEGER NOT NULL DEFAULT 0,
        rows_added INTEGER NOT NULL DEFAULT 0,
        rows_changed INTEGER NOT NULL DEFAULT 0,
        rows_unchanged INTEGER NOT NULL DEFAULT 0,
        rollback_of INTEGER,
        note VARCHAR
    )""",
    """CREATE TABLE units (
        unit_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        name_zh VARCHAR,
        kind VARCHAR NOT NULL,
        parent_id VARCHAR,
        sort_order INTEGER,
        batch_id INTEGER
    )""",
    """CREATE TABLE kpis (
        kpi_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        name_zh VARCHAR,
        perspective VARCHAR NOT NULL,
        direction VARCHAR NOT NULL,
        unit VARCHAR,
        accumulation VARCHAR NOT NULL,
        definition VARCHAR,
        floor DOUBLE,
        cap DOUBLE,
        tiers VARCHAR,
        band_low DOUBLE,
        band_high DOUBLE,
        band_penalty DOUBLE,
        green_at DOUBLE,
        amber_at DOUBLE,
        blend DOUBLE,
        definition_zh VARCHAR,
        caliber VARCHAR,
        data_source VARCHAR,
        owner VARCHAR,
        frequency VARCHAR,
        indicator_type VARCHAR,
        batch_id INTEGER
    )""",
    """CREATE TABLE assignments (
        unit_id VARCHAR NOT NULL,
        kpi_id VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        weight DOUBLE NOT NULL,
        role VARCHAR NOT NULL,
        batch_id INTEGER,
        PRIMARY KEY (unit_id, kpi_id, year)
    )""",
    """CREATE TABLE targets (
        unit_id VARCHAR NOT NULL,
        kpi_id VARCHAR NOT NULL,
        period DATE NOT NULL,
        target DOUBLE NOT NULL,
        batch_id INTEGER,
        PRIMARY KEY (unit_id, kpi_id, period)
    )""",
    """CREATE TABLE actuals (
        unit_id VARCHAR NOT NULL,
        kpi_id VARCHAR NOT NULL,
        period DATE NOT NULL,
        actual DOUBLE NOT NULL,
        batch_id INTEGER,
        PRIMARY KEY (unit_id, kpi_id, period)
    )""",
    # What each batch replaced, so a restatement shows its old value and a
    # batch can be rolled back. old_row / new_row are the JSON text of a
    # set-up row (units, kpis, assignments); values use the typed columns.
    """CREATE TABLE history (
        batch_id INTEGER NOT NULL,
        kind VARCHAR NOT NULL,
        row_key VARCHAR NOT NULL,
        unit_id VARCHAR,
        kpi_id VARCHAR,
        period DATE,
        old_value DOUBLE,
        new_value DOUBLE,
        old_batch_id INTEGER,
        old_row VARCHAR,
        new_row VARCHAR
    )""",
    """CREATE TABLE alert_acks (
        kind VARCHAR NOT NULL,
        unit_id VARCHAR NOT NULL,
        kpi_id VARCHAR NOT NULL,
        period DATE NOT NULL,
        acked_by VARCHAR NOT NULL,
        acked_at TIMESTAMP NOT NULL,
        action VARCHAR,
        comment VARCHAR
    )""",
    """CREATE TABLE change_log (
        changed_at TIMESTAMP NOT NULL,
        changed_by VARCHAR NOT NULL,
        entity VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        field VARCHAR NOT NULL,
        old_value VARCHAR,
        new_value VARCHAR,
        reason VARCHAR NOT NULL
    )""",
    """CREATE TABLE kpi_validity (
        kpi_id VARCHAR NOT NULL,
        question VARCHAR NOT NULL,
        passed BOOLEAN NOT NULL,
        note VARCHAR,
        answered_by VARCHAR,
        answered_at TIMESTAMP,
        PRIMARY KEY (kpi_id, question)
    )""",
    """CREATE TABLE settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)""",
]

# Version 2: the KPI dictionary's caliber and data source in Chinese (optional
# columns of the kpis file; pages in Chinese show them, falling back to English).
V2 = [
    """ALTER TABLE kpis ADD COLUMN caliber_zh VARCHAR""",
    """ALTER TABLE kpis ADD COLUMN data_source_zh VARCHAR""",
]

# Version 3: stored scores (kpi_core.scores keeps them current at every write)
# and the marks of what moved since they were made. No keys: rows are replaced
# in sets (a unit-year's months from the one that moved), and a 13M-row table
# without an index loads and reads faster; rows are written unit by unit, so
# DuckDB's zone maps narrow a read to one unit's blocks.
V3 = [
    """CREATE TABLE kpi_scores (
        unit_id VARCHAR NOT NULL,
        kpi_id VARCHAR NOT NULL,
        period DATE NOT NULL,
        view VARCHAR NOT NULL,
        weight DOUBLE,
        role VARCHAR,
        target DOUBLE,
        actual DOUBLE,
        completion DOUBLE,
        score DOUBLE,
        points DOUBLE,
        status VARCHAR NOT NULL
    )""",
    """CREATE TABLE unit_scores (
        unit_id VARCHAR NOT NULL,
        period DATE NOT NULL,
        view VARCHAR NOT NULL,
        total DOUBLE,
        weight DOUBLE,
        scored_weight DOUBLE,
        coverage DOUBLE,
        status VARCHAR NOT NULL,
        grade VARCHAR NOT NULL,
        green INTEGER,
        amber INTEGER,
        red INTEGER,
        missing INTEGER,
        kpi_count INTEGER,
        w_financial DOUBLE,
        p_financial DOUBLE,
        w_customer DOUBLE,
        p_customer DOUBLE,
        w_process DOUBLE,
        p_process DOUBLE,
        w_learning DOUBLE,
        p_learning DOUBLE
    )""",
    # unit_id NULL: every unit with the KPI; year NULL: every year
    """CREATE TABLE score_moves (unit_id VARCHAR, kpi_id VARCHAR NOT NULL, year INTEGER, from_month INTEGER NOT NULL)""",
]

# Version 4: who may do what (issue 13). Users sign in with a local password
# (argon2 hash) or through the company's OpenID Connect provider (matched by
# email); a role with a scope (the root unit of what they may see). Closed
# months refuse every write that touches them.
V4 = [
    """CREATE TABLE users (
        name VARCHAR PRIMARY KEY,
        display VARCHAR,
        role VARCHAR NOT NULL,
        unit_id VARCHAR,
        email VARCHAR,
        password_hash VARCHAR,
        approver BOOLEAN NOT NULL DEFAULT FALSE,
        disabled BOOLEAN NOT NULL DEFAULT FALSE,
        created_at TIMESTAMP NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        last_failed_at TIMESTAMP
    )""",
    """CREATE TABLE closed_periods (
        period DATE PRIMARY KEY,
        closed_by VARCHAR NOT NULL,
        closed_at TIMESTAMP NOT NULL,
        note VARCHAR
    )""",
]

# Version 5: approvals and owners (issue 13). An admin locks a year's baseline
# (targets, weights, KPI rules of the year); a change to a locked year is then
# a request, applied only once someone else with the approver flag approves it.
# A KPI of a unit may have an owner (an account) who enters its figures; with
# the company setting that asks for it, an entered figure waits for an
# analyst's approval in ``entries`` before it is written as an actual.
V5 = [
    """CREATE TABLE baseline_locks (
        year INTEGER PRIMARY KEY,
        locked_by VARCHAR NOT NULL,
        locked_at TIMESTAMP NOT NULL,
        note VARCHAR
    )""",
    """CREATE SEQUENCE request_seq START 1""",
    """CREATE TABLE change_requests (
        request_id INTEGER PRIMARY KEY,
        year INTEGER NOT NULL,
        unit_id VARCHAR,
        kind VARCHAR NOT NULL,
        payload VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        requested_by VARCHAR NOT NULL,
        requested_at TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,
        decided_by VARCHAR,
        decided_at TIMESTAMP,
        decision_note VARCHAR,
        batch_id INTEGER
    )""",
    """CREATE TABLE kpi_owners (
        unit_id VARCHAR NOT NULL,
        kpi_id VARCHAR NOT NULL,
        owner VARCHAR NOT NULL,
        set_by VARCHAR NOT NULL,
        set_at TIMESTAMP NOT NULL,
        PRIMARY KEY (unit_id, kpi_id)
    )""",
    """CREATE SEQUENCE entry_seq START 1""",
    """CREATE TABLE entries (
        entry_id INTEGER PRIMARY KEY,
        unit_id VARCHAR NOT NULL,
        kpi_id VARCHAR NOT NULL,
        period DATE NOT NULL,
        value DOUBLE NOT NULL,
        entered_by VARCHAR NOT NULL,
        entered_at TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,
        decided_by VARCHAR,
        decided_at TIMESTAMP,
        note VARCHAR,
        batch_id INTEGER
    )""",
    # a database holding only what the demo loaded is the demo (files made
    # before this version had no mark); anything else never is
    """INSERT INTO meta SELECT 'demo', '1'
       WHERE EXISTS (SELECT 1 FROM batches WHERE uploaded_by = 'demo')
         AND NOT EXISTS (SELECT 1 FROM batches WHERE coalesce(uploaded_by, '') <> 'demo')""",
]

# Version 6: reporting frequency and calculated KPIs (issue 14). A KPI may be
# calculated from other KPIs by its ``formula`` (``GP / REV * 100``); a stored
# score carried from a KPI's last due month (a quarterly KPI in the months
# between its quarter ends) records that month in ``as_of`` (NULL: the
# figures are the period's own). The scores are rebuilt by the new engine.
V6 = [
    """ALTER TABLE kpis ADD COLUMN formula VARCHAR""",
    """ALTER TABLE kpi_scores ADD COLUMN as_of DATE""",
]

# Version 7: goal-setting tasks (issue 14). A task belongs to a unit's
# scorecard of a year; a manager assesses it month by month. Its scored cells
# are stored in ``kpi_scores`` beside the KPIs' with ``role = 'task'`` (the
# task id in ``kpi_id``): one table, so unit totals, perspectives and the
# stored == rescored check read tasks like KPIs. The scores are rebuilt by the
# new engine.
V7 = [
    """CREATE TABLE tasks (
        task_id VARCHAR NOT NULL,
        unit_id VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        name VARCHAR NOT NULL,
        name_zh VARCHAR,
        perspective VARCHAR NOT NULL,
        weight DOUBLE NOT NULL,
        mode VARCHAR NOT NULL,
        objective VARCHAR,
        acceptance VARCHAR,
        deadline VARCHAR,
        cap DOUBLE,
        batch_id INTEGER,
        PRIMARY KEY (task_id, year)
    )""",
    """CREATE TABLE task_assessments (
        task_id VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        period VARCHAR NOT NULL,
        result VARCHAR NOT NULL,
        comment VARCHAR,
        batch_id INTEGER,
        PRIMARY KEY (task_id, year, period)
    )""",
]

# Version 8: the business review (issue 16). Commentary: per unit, KPI (or
# task: a free key) and month, an analysis and an outlook; every change is
# also logged in ``change_log`` (entity ``comment``). Action items: a title,
# an owner (an account or a unit), a due date and a status, linked to a unit
# and its KPIs (``action_kpis``); ``action_history`` keeps every change of an
# action (created, status ...) with who and when.
V8 = [
    """CREATE TABLE comments (
        unit_id VARCHAR NOT NULL,
        subject VARCHAR NOT NULL,
        period DATE NOT NULL,
        analysis VARCHAR,
        outlook VARCHAR,
        written_by VARCHAR NOT NULL,
        written_at TIMESTAMP NOT NULL,
        PRIMARY KEY (unit_id, subject, period)
    )""",
    """CREATE SEQUENCE action_seq START 1""",
    """CREATE TABLE actions (
        action_id INTEGER PRIMARY KEY,
        unit_id VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        owner VARCHAR NOT NULL,
        due DATE NOT NULL,
        status VARCHAR NOT NULL,
        period DATE,
        source VARCHAR NOT NULL,
        source_ref VARCHAR,
        created_by VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        updated_by VARCHAR NOT NULL,
        updated_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE action_kpis (
        action_id INTEGER NOT NULL,
        kpi_id VARCHAR NOT NULL,
        PRIMARY KEY (action_id, kpi_id)
    )""",
    """CREATE TABLE action_history (
        action_id INTEGER NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        changed_by VARCHAR NOT NULL,
        field VARCHAR NOT NULL,
        old_value VARCHAR,
        new_value VARCHAR,
        note VARCHAR
    )""",
]

# Issue 16 (items 3, 4): the business-review meeting. A meeting of a unit
# about a month is ``planned`` (its agenda saved and edited by the chair)
# until it is finished, then ``held`` (its minutes). ``meeting_items`` are its
# agenda items in ``position`` order (``item_no`` names an item for good:
# positions change when the chair reorders), with the figures shown when it
# was proposed (JSON text), whether the chair dropped or added it, and its
# decision. ``meeting_actions`` links the actions created or updated from an
# item. Every change is also logged in ``change_log`` (entity ``meeting``).
V9 = [
    """CREATE SEQUENCE meeting_seq START 1""",
    """CREATE TABLE meetings (
        meeting_id INTEGER PRIMARY KEY,
        unit_id VARCHAR NOT NULL,
        period DATE NOT NULL,
        status VARCHAR NOT NULL,
        held_on DATE,
        chair VARCHAR,
        attendees VARCHAR,
        created_by VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        updated_by VARCHAR NOT NULL,
        updated_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE meeting_items (
        meeting_id INTEGER NOT NULL,
        item_no INTEGER NOT NULL,
        position INTEGER NOT NULL,
        kind VARCHAR NOT NULL,
        subject VARCHAR,
        unit_id VARCHAR,
        title VARCHAR,
        figures VARCHAR,
        dropped BOOLEAN NOT NULL DEFAULT false,
        added_by_chair BOOLEAN NOT NULL DEFAULT false,
        decision VARCHAR,
        decided_by VARCHAR,
        decided_at TIMESTAMP,
        PRIMARY KEY (meeting_id, item_no)
    )""",
    """CREATE TABLE meeting_actions (
        meeting_id INTEGER NOT NULL,
        item_no INTEGER NOT NULL,
        action_id INTEGER NOT NULL,
        how VARCHAR NOT NULL,
        linked_by VARCHAR NOT NULL,
        linked_at TIMESTAMP NOT NULL,
        PRIMARY KEY (meeting_id, item_no, action_id, how)
    )""",
]

# Issue 17 (items 1-3): pay data. One row per person and year: the annual
# total, its mix (fixed, performance bonus, long-term: percents adding up to
# 100) and how the bonus is earned (``scheme`` target / commission / none, on
# ``basis`` "total" or a KPI id, with ``rate``, ``cap`` and ``floor``).
# Written as upload batches like every other kind; read only by
# kpi_core.pay, which checks the reader may see pay (``see_pay``) first.
V10 = [
    """CREATE TABLE pay (
        unit_id VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        annual_total DOUBLE NOT NULL,
        fixed_pct DOUBLE NOT NULL,
        bonus_pct DOUBLE NOT NULL,
        longterm_pct DOUBLE NOT NULL,
        scheme VARCHAR NOT NULL,
        basis VARCHAR,
        rate DOUBLE,
        cap DOUBLE,
        floor DOUBLE,
        batch_id INTEGER,
        PRIMARY KEY (unit_id, year)
    )""",
]

# Issue 18 (items 1, 2): OKRs and value-contribution points. Each table is
# the file kind of the same name, written as upload batches (audited, rolled
# back from ``history``): an objective of a unit for a quarter ("2026Q3"), its
# key results, and value events recorded for a person (``status`` pending /
# approved / rejected; the points are the catalogue's when recorded).
V11 = [
    """CREATE TABLE objectives (
        objective_id VARCHAR PRIMARY KEY,
        unit_id VARCHAR NOT NULL,
        quarter VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        title_zh VARCHAR,
        weight DOUBLE,
        batch_id INTEGER
    )""",
    """CREATE TABLE key_results (
        kr_id VARCHAR PRIMARY KEY,
        objective_id VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        title_zh VARCHAR,
        start DOUBLE,
        target DOUBLE,
        current DOUBLE,
        progress DOUBLE,
        owner VARCHAR,
        confidence DOUBLE,
        batch_id INTEGER
    )""",
    """CREATE TABLE value_events (
        event_id VARCHAR PRIMARY KEY,
        unit_id VARCHAR NOT NULL,
        type_id VARCHAR NOT NULL,
        event_date VARCHAR NOT NULL,
        evidence VARCHAR NOT NULL,
        recorded_by VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        points DOUBLE,
        approved_by VARCHAR,
        batch_id INTEGER
    )""",
    """CREATE SEQUENCE value_event_seq START 1""",
]

# Issue 18 (items 3-4): 360-degree reviews and the subjects' attributes the
# fairness check groups by. A cycle (its id chosen by the admin, e.g.
# "2026-H1") has a questionnaire of behaviours, each with five anchored
# levels (English and Chinese); its subjects; the raters assigned to each
# subject, in a rater group (self, superior, peer, subordinate, customer); and
# the answers, one score 1-5 per rater, subject and behaviour, with who wrote
# it and when. Answers are read in full only by kpi_core.review360 (which
# hides groups under three answers) and kpi_core.fairness (admins only).
# ``unit_attributes``: optional extra columns of a unit (tenure, location ...).
V12 = [
    """CREATE TABLE review_cycles (
        cycle_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        name_zh VARCHAR,
        period VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        created_by VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE review_behaviours (
        cycle_id VARCHAR NOT NULL,
        behaviour_id VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        name VARCHAR NOT NULL,
        name_zh VARCHAR,
        PRIMARY KEY (cycle_id, behaviour_id)
    )""",
    """CREATE TABLE review_anchors (
        cycle_id VARCHAR NOT NULL,
        behaviour_id VARCHAR NOT NULL,
        level INTEGER NOT NULL,
        text VARCHAR NOT NULL,
        text_zh VARCHAR,
        PRIMARY KEY (cycle_id, behaviour_id, level)
    )""",
    """CREATE TABLE review_raters (
        cycle_id VARCHAR NOT NULL,
        subject_id VARCHAR NOT NULL,
        rater_id VARCHAR NOT NULL,
        rater_group VARCHAR NOT NULL,
        PRIMARY KEY (cycle_id, subject_id, rater_id)
    )""",
    """CREATE TABLE review_answers (
        cycle_id VARCHAR NOT NULL,
        subject_id VARCHAR NOT NULL,
        rater_id VARCHAR NOT NULL,
        behaviour_id VARCHAR NOT NULL,
        score INTEGER NOT NULL,
        answered_by VARCHAR NOT NULL,
        answered_at TIMESTAMP NOT NULL,
        PRIMARY KEY (cycle_id, subject_id, rater_id, behaviour_id)
    )""",
    """CREATE TABLE unit_attributes (
        unit_id VARCHAR NOT NULL,
        attribute VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        PRIMARY KEY (unit_id, attribute)
    )""",
]

# Issue 18 (items 3-4, set-up by file): the 360 cycles, their questionnaires,
# the raters and the units' attributes become upload kinds of the same names,
# written as batches (audited, rolled back from ``history``) like every other
# kind: each table gets the ``batch_id`` of the upload that wrote its row. A
# behaviour's five anchored levels move into its own row (``anchor_1`` ..
# ``anchor_5`` and their ``_zh``), as the file gives them, so that one file
# row is one stored row; ``review_anchors`` is emptied into them and dropped.
# A cycle made by a file has no ``created_by``/``created_at`` of its own: the
# batch that made it says who and when.
V13 = [
    "ALTER TABLE review_cycles ADD COLUMN batch_id INTEGER",
    "ALTER TABLE review_cycles ALTER COLUMN created_by DROP NOT NULL",
    "ALTER TABLE review_cycles ALTER COLUMN created_at DROP NOT NULL",
    "ALTER TABLE review_behaviours ADD COLUMN anchor_1 VARCHAR",
    "ALTER TABLE review_behaviours ADD COLUMN anchor_1_zh VARCHAR",
    "ALTER TABLE review_behaviours ADD COLUMN anchor_2 VARCHAR",
    "ALTER TABLE review_behaviours ADD COLUMN anchor_2_zh VARCHAR",
    "ALTER TABLE review_behaviours ADD COLUMN anchor_3 VARCHAR",
    "ALTER TABLE review_behaviours ADD COLUMN anchor_3_zh VARCHAR",
    "ALTER TABLE review_behaviours ADD COLUMN anchor_4 VARCHAR",
    "ALTER TABLE review_behaviours ADD COLUMN anchor_4_zh VARCHAR",
    "ALTER TABLE review_behaviours ADD COLUMN anchor_5 VARCHAR",
    "ALTER TABLE review_behaviours ADD COLUMN anchor_5_zh VARCHAR",
    "ALTER TABLE review_behaviours ADD COLUMN batch_id INTEGER",
    """UPDATE review_behaviours SET
        anchor_1 = (SELECT a.text FROM review_anchors a WHERE a.cycle_id = review_behaviours.cycle_id
            AND a.behaviour_id = review_behaviours.behaviour_id AND a.level = 1),
        anchor_1_zh = (SELECT a.text_zh FROM review_anchors a WHERE a.cycle_id = review_behaviours.cycle_id
            AND a.behaviour_id = review_behaviours.behaviour_id AND a.level = 1),
        anchor_2 = (SELECT a.text FROM review_anchors a WHERE a.cycle_id = review_behaviours.cycle_id
            AND a.behaviour_id = review_behaviours.behaviour_id AND a.level = 2),
        anchor_2_zh = (SELECT a.text_zh FROM review_anchors a WHERE a.cycle_id = review_behaviours.cycle_id
            AND a.behaviour_id = review_behaviours.behaviour_id AND a.level = 2),
        anchor_3 = (SELECT a.text FROM review_anchors a WHERE a.cycle_id = review_behaviours.cycle_id
            AND a.behaviour_id = review_behaviours.behaviour_id AND a.level = 3),
        anchor_3_zh = (SELECT a.text_zh FROM review_anchors a WHERE a.cycle_id = review_behaviours.cycle_id
            AND a.behaviour_id = review_behaviours.behaviour_id AND a.level = 3),
        anchor_4 = (SELECT a.text FROM review_anchors a WHERE a.cycle_id = review_behaviours.cycle_id
            AND a.behaviour_id = review_behaviours.behaviour_id AND a.level = 4),
        anchor_4_zh = (SELECT a.text_zh FROM review_anchors a WHERE a.cycle_id = review_behaviours.cycle_id
            AND a.behaviour_id = review_behaviours.behaviour_id AND a.level = 4),
        anchor_5 = (SELECT a.text FROM review_anchors a WHERE a.cycle_id = review_behaviours.cycle_id
            AND a.behaviour_id = review_behaviours.behaviour_id AND a.level = 5),
        anchor_5_zh = (SELECT a.text_zh FROM review_anchors a WHERE a.cycle_id = review_behaviours.cycle_id
            AND a.behaviour_id = review_behaviours.behaviour_id AND a.level = 5)""",
    "DROP TABLE review_anchors",
    "ALTER TABLE review_raters ADD COLUMN batch_id INTEGER",
    "ALTER TABLE unit_attributes ADD COLUMN batch_id INTEGER",
]

# The units' attributes in both languages: an attribute's name and its value
# may each carry a Simplified Chinese label (``attribute_zh``, ``value_zh``),
# as units carry ``name_zh``, so the fairness page reads "司龄 = 新任" in
# Chinese instead of "tenure = new". Empty: the id as written, in both.
V14 = [
    "ALTER TABLE unit_attributes ADD COLUMN attribute_zh VARCHAR",
    "ALTER TABLE unit_attributes ADD COLUMN value_zh VARCHAR",
]

#: version -> statements that bring the database from version - 1 to it.
MIGRATIONS: dict[int, list[str]] = {
    1: V1,
    2: V2,
    3: V3,
    4: V4,
    5: V5,
    6: V6,
    7: V7,
    8: V8,
    9: V9,
    10: V10,
    11: V11,
    12: V12,
    13: V13,
    14: V14,
}
SCHEMA_VERSION = max(MIGRATIONS)
