"""Stage 3b, RLHF with PPO (lesson_code.tictactoe.ppo)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lesson_code.tictactoe.game import BOS, PAD, X_WINS, GameBatch
from lesson_code.tictactoe.model import GPT, GPTConfig
from lesson_code.tictactoe.ppo import move_mask, policy_outputs

# X: 4, 0, 8 wins at its third move; O: 1, 2.
RECORD = torch.tensor([[BOS, 4, 1, 0, 2, 8, X_WINS, PAD, PAD, PAD, PAD]])


def test_each_x_move_is_scored_by_the_logits_of_the_position_before_it() -> None:
    torch.manual_seed(0)
    model = GPT(GPTConfig(), value_head=True)
    logp, logits, values = policy_outputs(model, RECORD)
    full_logits, full_values = model(RECORD)
    log_probs = F.log_softmax(full_logits, -1)
    for k, (position, move) in enumerate([(0, 4), (2, 0), (4, 8)]):
        assert torch.allclose(logp[0, k], log_probs[0, position, move])
        assert torch.allclose(values[0, k], full_values[0, position])
    assert logits.shape == (1, 5, 14)


def test_the_move_mask_covers_the_moves_x_made() -> None:
    games = GameBatch(
        tokens=RECORD,
        lengths=torch.tensor([7]),
        results=torch.tensor([1]),
        illegal=torch.tensor([0]),
        boards=torch.zeros(1, 9, dtype=torch.long),
    )
    assert move_mask(games).tolist() == [[True, True, True, False, False]]


def test_quick_rlhf_beats_the_sft_model_against_the_random_player(quick_results) -> None:
    ev = quick_results.metrics["evaluation"]
    fewer_losses = ev["rlhf"]["vs_random_greedy"]["loss"] < ev["sft"]["vs_random_greedy"]["loss"]
    more_wins = ev["rlhf"]["vs_random"]["win"] > ev["sft"]["vs_random"]["win"]
    assert fewer_losses or more_wins
    assert quick_results.metrics["rlhf"]["kl_to_reference"] > 0
    history = quick_results.stages["rlhf"].history
    assert len(history["win"]) == quick_results.config.ppo_iterations
