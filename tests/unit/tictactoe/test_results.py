"""What a stage and a run return (lesson_code.tictactoe.results)."""

from __future__ import annotations


def test_a_run_gives_each_stage_its_model_under_the_stage_name(quick_results) -> None:
    models = quick_results.models
    assert set(models) == {"pretrained", "sft", "reward_model", "rlhf"}
    assert models["sft"] is quick_results.stages["sft"].model
    assert models["reward_model"].value_head is not None
    assert models["pretrained"].value_head is None
    assert quick_results.config.seed == quick_results.metrics["seed"]
