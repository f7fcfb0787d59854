"""Each stage's data: game records, coach-labelled positions, judged pairs
(lesson_code.tictactoe.data)."""

from __future__ import annotations

import pytest
import torch

from lesson_code.pretraining import IGNORE_INDEX
from lesson_code.sft import mask_prompt
from lesson_code.tictactoe.config import Config
from lesson_code.tictactoe.data import (
    PreferenceData,
    hidden_utility,
    judge,
    preference_data,
    pretraining_data,
    sft_data,
)
from lesson_code.tictactoe.game import BOS, MAX_LEN, N_CELLS, PAD, GameBatch, winner
from lesson_code.tictactoe.model import GPT, GPTConfig
from lesson_code.tictactoe.players import coach_move_mask


def _games(results: list[int], x_moves: list[int]) -> GameBatch:
    n = len(results)
    lengths = torch.tensor([2 * m + 1 for m in x_moves])  # X moved m times
    return GameBatch(
        tokens=torch.full((n, MAX_LEN), PAD),
        lengths=lengths,
        results=torch.tensor(results),
        illegal=torch.zeros(n, dtype=torch.long),
        boards=torch.zeros(n, N_CELLS, dtype=torch.long),
    )


def test_pretraining_labels_are_the_tokens_with_only_padding_ignored() -> None:
    tokens, labels = pretraining_data(300, torch.Generator().manual_seed(0))
    assert torch.equal(labels == IGNORE_INDEX, tokens == PAD)
    assert torch.equal(labels[labels != IGNORE_INDEX], tokens[tokens != PAD])
    assert (tokens[:, 0] == BOS).all()


@pytest.fixture(scope="module")
def positions():
    return sft_data(2000, torch.Generator().manual_seed(1))


def test_sft_prompts_are_unfinished_positions_with_x_to_move(positions) -> None:
    assert ((positions.prompt_lengths - 1) % 2 == 0).all()  # an even number of moves
    assert (positions.boards.sum(1) == 0).all()  # as many X as O
    assert (winner(positions.boards) == 0).all()
    assert (positions.boards == 0).any(1).all()


def test_sft_response_is_one_coach_move_right_after_the_prompt(positions) -> None:
    rows = torch.arange(len(positions))
    assert torch.equal(positions.input_ids[rows, positions.prompt_lengths], positions.coach)
    assert positions.coach_options[rows, positions.coach].all()
    assert torch.equal(positions.coach_options, coach_move_mask(positions.boards))
    assert torch.equal(positions.attention_mask.sum(1), positions.prompt_lengths + 1)


def test_sft_masks_every_token_but_the_coach_move(positions) -> None:
    labels = mask_prompt(
        positions.input_ids, positions.prompt_lengths, attention_mask=positions.attention_mask
    )
    kept = labels != IGNORE_INDEX
    assert torch.equal(kept.sum(1), torch.ones(len(positions), dtype=torch.long))
    assert torch.equal(kept.float().argmax(1), positions.prompt_lengths)
    assert torch.equal(labels[kept], positions.coach)


def test_a_subset_keeps_the_rows_of_every_field_together(positions) -> None:
    index = torch.tensor([5, 0, 7])
    subset = positions.subset(index)
    assert len(subset) == 3
    assert torch.equal(subset.coach, positions.coach[index])
    assert torch.equal(subset.boards, positions.boards[index])


def test_hidden_utility_ranks_quick_wins_over_slow_wins_over_draws_over_losses() -> None:
    u = hidden_utility(_games([1, 1, 1, 0, -1], [3, 4, 5, 5, 4])).tolist()
    assert u == [1.5, 1.25, 1.0, 0.0, -3.0]


def test_judge_prefers_each_game_with_the_bradley_terry_probability() -> None:
    g = torch.Generator().manual_seed(2)
    n = 40000
    u_a, u_b = torch.full((n,), 1.0), torch.zeros(n)
    prefers_a = judge(u_a, u_b, temperature=1.0, generator=g).float().mean().item()
    assert prefers_a == pytest.approx(torch.sigmoid(torch.tensor(1.0)).item(), abs=0.01)
    tie = judge(u_b, u_b, temperature=1.0, generator=g).float().mean().item()
    assert tie == pytest.approx(0.5, abs=0.01)


def test_preference_pairs_put_the_better_game_first_when_the_judge_is_noiseless() -> None:
    torch.manual_seed(3)
    policy = GPT(GPTConfig())
    pairs = preference_data(
        policy, 500, Config(judge_temperature=1e-6), torch.Generator().manual_seed(3)
    )
    assert isinstance(pairs, PreferenceData)
    assert (pairs.chosen_utility >= pairs.rejected_utility).all()
    assert pairs.strict.any()
    assert torch.equal(pairs.judge_agrees, pairs.chosen_utility > pairs.rejected_utility)
