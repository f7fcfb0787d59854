"""Stage 3a, the reward model (lesson_code.tictactoe.reward_model)."""

from __future__ import annotations

import torch

from lesson_code.tictactoe.model import GPT, GPTConfig
from lesson_code.tictactoe.reward_model import reward_scores


def test_scores_are_read_at_the_last_token_of_each_game() -> None:
    torch.manual_seed(0)
    model = GPT(GPTConfig(), value_head=True)
    tokens = torch.tensor([[9, 4, 0, 8, 10, 13], [9, 4, 0, 8, 2, 11]])
    lengths = torch.tensor([5, 6])
    values = model(tokens)[1]
    assert torch.equal(reward_scores(model, tokens, lengths), values[[0, 1], [4, 5]])


def test_quick_reward_model_recovers_the_judges_ordering(quick_results) -> None:
    rm = quick_results.metrics["reward_model"]
    assert rm["heldout_accuracy"] > 0.8
    assert rm["heldout_accuracy"] > rm["noisy_label_accuracy"]
    frozen = quick_results.stages["reward_model"].model
    assert not any(p.requires_grad for p in frozen.parameters())
