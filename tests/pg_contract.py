"""The store contract tests that run on both backends (DuckDB and PostgreSQL).

A test listed here and using ``small_store``, ``demo_store`` or ``demo_db``
runs twice, ``[duckdb]`` and ``[postgresql]``. Chosen for what they prove
about the store, not for coverage: ingest, restatement and rollback, kill-during-commit, stored
scores equal a rescore, alerts, design edits, the scoring examples and the
golden scorecard. The PostgreSQL half is kept under ~2 minutes.
"""

from __future__ import annotations

#: module -> test function names ("*": every test of the module that uses a store fixture)
CONTRACT: dict[str, set[str] | str] = {
    # ingest: all or nothing, restatement, batch stamps, dry runs, integer limits
    "test_ingest": {
        "test_restatement_replaces_the_value_and_keeps_the_old_one",
        "test_loading_the_same_file_twice_changes_nothing",
        "test_every_value_knows_its_batch",
        "test_dry_run_reports_and_writes_nothing",
        "test_a_failure_inside_the_transaction_leaves_the_store_as_it_was",
        "test_sort_order_at_the_integer_limits_is_stored_and_a_reload_changes_nothing",
        "test_1e15_itself_is_accepted",
    },
    # restatement and rollback; history statistics (the median)
    "test_upload": {
        "test_same_file_twice_changes_nothing_the_second_time",
        "test_values_far_outside_history_warn",
        "test_preview_shows_rows_and_effect_and_writes_nothing",
        "test_restatement_changes_that_months_score_and_rollback_restores_it",
        "test_rollback_removes_added_rows_and_restores_replaced_ones_exactly",
        "test_a_batch_changed_later_cannot_be_rolled_back",
        "test_rollback_of_set_up_kinds",
        "test_a_failing_rollback_changes_nothing",
    },
    # graded task assessments in the fairness check: who wrote each assessment
    "test_fairness_tasks": {
        "test_a_manager_who_grades_new_people_lower_is_worth_a_look",
        "test_only_hr_reads_the_assessors_grades",
    },
    # OKRs counted in a total: rescored when objectives and key results are written
    "test_okr_in_total": {
        "test_the_okrs_count_in_the_total_with_the_quarter_score",
        "test_a_key_result_updated_on_the_form_moves_the_total",
        "test_objective_weights_share_the_quarter_score",
    },
    # stored scores equal a rescore from scratch after writes
    "test_stored_scores": {
        "test_a_restated_march_moves_march_to_december_and_nothing_before",
        "test_a_rule_edit_moves_every_unit_with_the_kpi",
        "test_the_scorecard_right_after_a_weight_edit_shows_the_new_total",
        "test_a_failed_write_leaves_the_stored_scores_as_they_were",
        "test_the_scores_reach_the_latest_month_with_an_actual",
    },
    # alerts: settings, acknowledgements, the small company by hand, the demo's golden alerts
    "test_alerts": {
        "test_settings_round_trip_in_the_store",
        "test_acknowledgements_are_kept_and_the_latest_shown",
        "test_small_company_march_by_hand",
        "test_demo_golden_alerts_of_the_latest_month",
        "test_stored_month_cells_hold_the_stored_values_and_their_completion",
    },
    # design edits: saved and logged, all or nothing, impact by hand
    "test_design": {
        "test_a_valid_edit_is_saved_and_every_changed_field_logged",
        "test_a_new_kpi_is_added_and_logged",
        "test_a_failing_edit_changes_nothing",
        "test_impact_of_lowering_the_revenue_cap_checked_by_hand",
        "test_editing_weights_saves_logs_and_changes_the_total",
        "test_adding_and_removing_a_kpi_from_the_table",
        "test_a_write_failing_midway_rolls_everything_back",
        "test_validity_answers_flag_a_failing_kpi",
    },
    # the scoring examples worked by hand, and the golden scorecard of the demo
    "test_scoring": "*",
    "test_golden_scorecard": "*",
    # commentary and action items (string_agg, list filters); closed months
    "test_review": {
        "test_a_managers_comment_is_kept_replaced_and_logged_and_earlier_months_stay",
        "test_an_action_is_overdue_until_done_and_every_change_is_kept",
    },
    # a writer killed (SIGKILL) inside, after, or at any moment of its commit: all of the batch or none
    "test_kill": "*",
    # meetings (issue 16) and pay (issue 17): their mixins' SQL on both backends
    "test_agenda": {
        "test_the_agenda_orders_actions_due_then_reds_by_points_lost_then_overdue_then_falls",
        "test_the_chair_reorders_drops_adds_decides_and_the_minutes_come_back_as_recorded",
        "test_bad_meeting_input_is_refused_and_nothing_is_written",
    },
    "test_pay": "*",
    # OKRs and value points, 360 reviews (issue 18): their mixins' SQL on both backends
    "test_okr": {
        "test_a_key_result_update_is_an_audited_batch_for_a_manager_of_the_unit_only",
        "test_an_event_counts_only_once_a_manager_of_the_person_approves_it",
    },
    # the OKR page's new objective: two batches in one transaction, and the rollback of both
    "test_okr_form": {
        "test_a_created_objective_scores_by_hand_and_both_batches_are_audited",
        "test_key_results_failing_inside_the_transaction_leave_no_objective_behind",
    },
    "test_review360": {
        "test_two_peers_are_hidden_the_superior_shown_with_one",
        "test_a_raters_form_lists_what_they_owe_and_takes_their_answers",
    },
    # 360 set-up and people's attributes by file (issue 18): the batches, their rollback, a closed cycle
    "test_review360_files": {
        "test_rollback_removes_what_a_batch_added_and_nothing_of_a_closed_cycle_changes",
        "test_attributes_loaded_by_file_reach_the_fairness_check_and_their_rollback_too",
        "test_attributes_carry_chinese_labels_to_the_fairness_check_and_their_rollback_too",
    },
    "test_closed_periods": {"test_rolling_back_a_rule_change_that_scores_a_closed_month_is_refused"},
}


def is_contract(module: str, function: str) -> bool:
    names = CONTRACT.get(module.rsplit(".", 1)[-1])
    return names == "*" or (names is not None and function in names)
