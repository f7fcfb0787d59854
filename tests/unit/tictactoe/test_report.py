"""What a run reports (lesson_code.tictactoe.report)."""

from __future__ import annotations

import copy

from lesson_code.tictactoe.report import (
    SECONDS_TARGET,
    check_targets,
    headline,
    summary_table,
    targets_text,
)


def test_the_summary_has_a_row_per_stage_and_match(quick_results) -> None:
    table = summary_table(quick_results.metrics).splitlines()
    assert len(table) == 1 + 3 * 4
    sft_greedy = quick_results.metrics["evaluation"]["sft"]["vs_random_greedy"]
    assert any(
        line.startswith("sft") and "random (greedy)" in line and f"{sft_greedy['win']:.3f}" in line
        for line in table
    )


def test_a_quick_run_has_no_time_target_and_a_full_one_does(quick_results) -> None:
    quick = check_targets(quick_results.metrics, full=False)
    full = check_targets(quick_results.metrics, full=True)
    assert len(full) == len(quick) + 1
    assert full[-1][2] == f"<= {SECONDS_TARGET:g}"


def test_a_failing_target_is_reported_as_failing(quick_results) -> None:
    metrics = copy.deepcopy(quick_results.metrics)
    metrics["sft"]["coach_agreement"] = 0.5
    rows = {name: ok for name, _, _, ok in check_targets(metrics, full=False)}
    assert rows["SFT coach agreement"] is False
    assert "[FAIL] SFT coach agreement" in targets_text(check_targets(metrics, full=False))


def test_the_headline_gives_each_stage_its_number(quick_results) -> None:
    text = headline(quick_results.metrics)
    assert f"{quick_results.metrics['sft']['coach_agreement']:.3f}" in text
    assert len(text.splitlines()) == 4
