"""Matches and move quality (lesson_code.tictactoe.evaluate)."""

from __future__ import annotations

import pytest
import torch

from lesson_code.tictactoe.config import MATCHES
from lesson_code.tictactoe.data import sft_data
from lesson_code.tictactoe.evaluate import coach_quality, move_quality, outcomes
from lesson_code.tictactoe.game import play
from lesson_code.tictactoe.players import perfect_player, random_player


def test_outcomes_count_wins_draws_losses_and_illegal_moves() -> None:
    g = torch.Generator().manual_seed(0)
    games = play(random_player(g), perfect_player(g), 500)
    shares = outcomes(games)
    assert shares["win"] == 0.0
    assert shares["draw"] + shares["loss"] == pytest.approx(1.0)
    assert shares["illegal_move_rate"] == 0.0
    assert shares["games"] == 500


def test_every_stage_plays_every_match(quick_results) -> None:
    for stage in ("pretrained", "sft", "rlhf"):
        ev = quick_results.metrics["evaluation"][stage]
        for match, _, _ in MATCHES:
            assert sum(ev[match][k] for k in ("win", "draw", "loss")) == pytest.approx(1.0)
            assert ev["vs_perfect"]["win"] == 0.0  # nobody beats the perfect player


def test_the_coach_agrees_with_itself_and_is_not_perfect(quick_results) -> None:
    positions = sft_data(500, torch.Generator().manual_seed(1))
    assert 0.5 < coach_quality(positions) < 1.0
    sft = quick_results.stages["sft"].model
    quality = move_quality(sft, positions)
    assert set(quality) == {"coach_agreement", "optimal_move_rate", "illegal_move_rate"}
    assert 0.0 <= quality["illegal_move_rate"] <= 0.1
