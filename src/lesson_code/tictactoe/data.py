r"""The data each stage learns from: game records, the coach's moves, the judge's choices.

1. Pre-training reads records of games between random legal players; the
   labels are the tokens themselves (:func:`pretraining_data`).
2. SFT reads positions with X to move, each followed by the coach's move
   (:func:`sft_data`).
3. The reward model reads pairs of the policy's games, ordered by a simulated
   judge with a hidden taste and Bradley–Terry noise (:func:`preference_data`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Self

import torch

from lesson_code.pretraining import IGNORE_INDEX
from lesson_code.tictactoe.config import MAX_X_MOVES, Config
from lesson_code.tictactoe.game import MAX_LEN, N_CELLS, PAD, GameBatch, play, replay
from lesson_code.tictactoe.model import GPT
from lesson_code.tictactoe.players import (
    coach_move_mask,
    coach_moves,
    coach_or_random,
    model_player,
    random_player,
    with_exploration,
)

__all__ = [
    "PreferenceData",
    "SFTData",
    "hidden_utility",
    "judge",
    "preference_data",
    "pretraining_data",
    "sft_data",
]

# The judge's hidden taste (see hidden_utility).
QUICK_WIN_BONUS = 0.25  # per X move saved before the fifth
LOSS_UTILITY = -3.0  # losing is much worse than failing to win


class _Rows:
    """A dataclass of tensors with one row per example."""

    def __len__(self) -> int:
        return len(getattr(self, fields(self)[0].name))

    def subset(self, index: torch.Tensor) -> Self:
        """The examples at ``index``."""
        return type(self)(*(getattr(self, f.name)[index] for f in fields(self)))


def pretraining_data(n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` games between random legal players: the token ids and the labels.

    The labels are the ids themselves (the data labels itself), with ``<pad>``
    set to ``IGNORE_INDEX`` so that padding is never a target.
    """
    games = play(random_player(generator), random_player(generator), n)
    labels = games.tokens.masked_fill(games.tokens == PAD, IGNORE_INDEX)
    return games.tokens, labels


@dataclass
class SFTData(_Rows):
    """Positions with X to move, each followed by the coach's move.

    Attributes:
        input_ids: ``[N, MAX_LEN]`` the prompt (``<start>`` and the moves so far),
            the coach's move, then ``<pad>``.
        prompt_lengths: ``[N]`` tokens in the prompt.
        attention_mask: ``[N, MAX_LEN]`` 1 on the prompt and the response.
        boards: ``[N, 9]`` the positions.
        coach: ``[N]`` the coach's move.
        coach_options: ``[N, 9]`` bool, the moves the coach chooses among.
    """

    input_ids: torch.Tensor
    prompt_lengths: torch.Tensor
    attention_mask: torch.Tensor
    boards: torch.Tensor
    coach: torch.Tensor
    coach_options: torch.Tensor


def sft_data(n: int, generator: torch.Generator, config: Config | None = None) -> SFTData:
    """``n`` positions with X to move, labelled with the coach's move.

    Positions come from games where X follows the coach with probability
    ``config.sft_p_coach`` and plays at random otherwise, and O plays at
    random: the positions a coach would meet, and many it would not.
    """
    config = config or Config()
    games = play(coach_or_random(config.sft_p_coach, generator), random_player(generator), n)
    prefixes = []
    for prompt_length in range(1, MAX_LEN - 1, 2):  # 1, 3, 5, 7, 9 tokens: X to move
        going_on = games.tokens[:, prompt_length] < N_CELLS  # X did move here
        prefixes.append((games.tokens[going_on, :prompt_length], prompt_length))
    total = sum(len(p) for p, _ in prefixes)
    pick = torch.randperm(total, generator=generator)[:n]
    input_ids = torch.full((total, MAX_LEN), PAD, dtype=torch.long)
    prompt_lengths = torch.cat([torch.full((len(p),), k) for p, k in prefixes])
    row = 0
    for prefix, k in prefixes:
        input_ids[row : row + len(prefix), :k] = prefix
        row += len(prefix)
    input_ids, prompt_lengths = input_ids[pick], prompt_lengths[pick]
    boards = replay(input_ids)
    coach = coach_moves(input_ids, boards, generator)
    input_ids[torch.arange(len(pick)), prompt_lengths] = coach
    attention_mask = (torch.arange(MAX_LEN)[None, :] <= prompt_lengths[:, None]).long()
    return SFTData(
        input_ids, prompt_lengths, attention_mask, boards, coach, coach_move_mask(boards)
    )


def hidden_utility(games: GameBatch) -> torch.Tensor:
    """The judge's hidden taste: a win beats a draw beats a loss; quicker wins are better.

    $u = 1.5, 1.25, 1$ for a win in 3, 4, 5 moves of X; $0$ for a draw;
    $-3$ for a loss (losing is much worse than failing to win).
    """
    win = (games.results == 1).float()
    loss = (games.results == -1).float()
    quick = QUICK_WIN_BONUS * (MAX_X_MOVES - games.x_moves).clamp(min=0)
    return win * (1 + quick) + LOSS_UTILITY * loss


def judge(
    utility_a: torch.Tensor,
    utility_b: torch.Tensor,
    *,
    temperature: float,
    generator: torch.Generator,
) -> torch.Tensor:
    r"""The simulated judge: ``True`` where it prefers game a to game b.

    Bradley–Terry noise: $P(a \succ b) = \sigma\big((u_a - u_b)/\tau\big)$, so
    close calls are often wrong and ties are coin flips.
    """
    p_a = torch.sigmoid((utility_a - utility_b) / temperature)
    return torch.rand(len(p_a), generator=generator) < p_a


@dataclass
class PreferenceData(_Rows):
    """Pairs of games, ordered by the judge: chosen first.

    Attributes:
        chosen, rejected: ``[N, MAX_LEN]`` game records.
        chosen_lengths, rejected_lengths: ``[N]`` tokens before padding.
        chosen_utility, rejected_utility: ``[N]`` the judge's hidden utilities.
    """

    chosen: torch.Tensor
    rejected: torch.Tensor
    chosen_lengths: torch.Tensor
    rejected_lengths: torch.Tensor
    chosen_utility: torch.Tensor
    rejected_utility: torch.Tensor

    @property
    def strict(self) -> torch.Tensor:
        """``[N]`` bool: pairs whose hidden utilities differ (not ties)."""
        return self.chosen_utility != self.rejected_utility

    @property
    def judge_agrees(self) -> torch.Tensor:
        """``[N]`` bool: the noisy label matches the noiseless ordering."""
        return self.chosen_utility > self.rejected_utility


def preference_data(
    policy: GPT, n_pairs: int, config: Config, generator: torch.Generator
) -> PreferenceData:
    """Pairs of the policy's games as X against a random O, ranked by the judge.

    X's moves are the policy's, sampled at temperature 1, except that with
    probability ``config.rm_explore`` a random legal move is played instead:
    without it the judge would see almost no draws and losses, and the reward
    model could not learn how they compare.
    """
    x = model_player(policy, greedy=False, generator=generator)
    x = with_exploration(x, config.rm_explore, generator)
    games = play(x, random_player(generator), 2 * n_pairs)
    utility = hidden_utility(games)
    a, b = torch.arange(n_pairs), torch.arange(n_pairs, 2 * n_pairs)
    a_wins = judge(
        utility[a], utility[b], temperature=config.judge_temperature, generator=generator
    )
    chosen, rejected = torch.where(a_wins, a, b), torch.where(a_wins, b, a)
    return PreferenceData(
        games.tokens[chosen],
        games.tokens[rejected],
        games.lengths[chosen],
        games.lengths[rejected],
        utility[chosen],
        utility[rejected],
    )
