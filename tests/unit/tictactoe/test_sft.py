"""Stage 2, supervised fine-tuning (lesson_code.tictactoe.sft)."""

from __future__ import annotations


def test_quick_sft_imitates_the_coach_better_than_the_pretrained_model(quick_results) -> None:
    metrics = quick_results.metrics
    pre, sft = metrics["pretraining"], metrics["sft"]
    assert sft["coach_agreement"] > pre["heldout_positions_coach_agreement"]
    assert sft["optimal_move_rate"] > pre["heldout_positions_optimal_move_rate"]
    assert sft["coach_agreement"] > 0.85


def test_sft_starts_from_a_copy_and_leaves_the_pretrained_model_as_it_was(quick_results) -> None:
    pre, sft = quick_results.stages["pretrained"].model, quick_results.stages["sft"].model
    assert pre is not sft
    assert any(not a.equal(b) for a, b in zip(pre.parameters(), sft.parameters(), strict=True))
