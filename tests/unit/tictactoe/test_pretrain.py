"""Stage 1, pre-training (lesson_code.tictactoe.pretrain)."""

from __future__ import annotations

import math

import pytest
import torch

from lesson_code.tictactoe.model import GPT, GPTConfig
from lesson_code.tictactoe.pretrain import heldout_loss


def test_heldout_loss_is_total_nll_over_all_predicted_tokens() -> None:
    model = GPT(GPTConfig())
    torch.nn.init.zeros_(model.lm_head.weight)  # uniform logits: log V per token
    tokens = torch.tensor([[9, 4, 0, 10, 13, 13], [9, 1, 2, 3, 4, 5]])
    labels = tokens.masked_fill(tokens == 13, -100)
    assert heldout_loss(model, tokens, labels) == pytest.approx(math.log(14), rel=1e-6)


def test_quick_pretraining_learns_the_rules(quick_results) -> None:
    pre = quick_results.metrics["pretraining"]
    assert pre["heldout_loss"] < 1.1 * pre["entropy_bound"]
    assert pre["illegal_move_rate"] < 0.05  # an untrained model: about half its moves
    curve = quick_results.stages["pretrained"].history["heldout"]
    assert curve[-1] < curve[0]
