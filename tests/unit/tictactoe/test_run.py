"""The one run path: the stages in order, and what the run returns (lesson_code.tictactoe.run)."""

from __future__ import annotations

import pytest

from lesson_code.tictactoe.config import Config
from lesson_code.tictactoe.run import Run

# The keys metrics.json has always had: readers' scripts and the notebook read them.
METRICS_KEYS = {
    "seed",
    "parameters",
    "pretraining",
    "sft",
    "reward_model",
    "rlhf",
    "evaluation",
    "config",
    "seconds",
    "seconds_total",
}
STAGE_KEYS = {
    "pretraining": {
        "heldout_loss",
        "entropy_bound",
        "heldout_over_bound",
        "illegal_move_rate",
        "heldout_positions_coach_agreement",
        "heldout_positions_optimal_move_rate",
        "heldout_positions_illegal_move_rate",
    },
    "sft": {
        "coach_agreement",
        "optimal_move_rate",
        "illegal_move_rate",
        "coach_optimal_move_rate",
        "coach_entropy",
    },
    "reward_model": {
        "heldout_accuracy",
        "noisy_label_accuracy",
        "judge_accuracy",
        "heldout_pairs",
    },
    "rlhf": {
        "kl_to_reference",
        "beta",
        "heldout_positions_coach_agreement",
        "heldout_positions_optimal_move_rate",
        "heldout_positions_illegal_move_rate",
    },
}


def test_the_metrics_keep_their_keys(quick_results) -> None:
    metrics = quick_results.metrics
    assert set(metrics) == METRICS_KEYS
    for stage, keys in STAGE_KEYS.items():
        assert set(metrics[stage]) == keys, stage
    assert set(metrics["evaluation"]) == {"pretrained", "sft", "rlhf"}
    assert set(quick_results.stages) == {"pretrained", "sft", "reward_model", "rlhf"}


def test_the_timer_covers_every_stage(quick_results) -> None:
    seconds = quick_results.metrics["seconds"]
    assert {"pretraining", "sft", "reward_model", "rlhf", "evaluation"} <= set(seconds)
    assert quick_results.metrics["seconds_total"] >= sum(seconds.values())


def test_a_stage_run_out_of_order_says_which_to_run_first() -> None:
    run = Run(Config.quick(progress=False))
    with pytest.raises(ValueError, match="run sft first"):
        run.train_reward_model()
    with pytest.raises(ValueError, match="pretrained, sft, reward_model, rlhf"):
        run.results()
