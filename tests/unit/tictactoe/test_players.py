"""The players: random, the coach, perfect, the model (lesson_code.tictactoe.players)."""

from __future__ import annotations

from functools import partial

import pytest
import torch

from lesson_code.tictactoe.game import BOS, N_CELLS, board_code, line_owner, play
from lesson_code.tictactoe.model import GPT, GPTConfig
from lesson_code.tictactoe.players import (
    coach_move_mask,
    coach_moves,
    coach_or_random,
    minimax_table,
    model_player,
    optimal_move_mask,
    perfect_moves,
    random_moves,
    with_exploration,
)


def _board(s: str) -> torch.Tensor:
    """A board from nine characters: ``X``, ``O`` or ``.``."""
    return torch.tensor([[{"X": 1, "O": -1, ".": 0}[c] for c in s]])


# --------------------------------------------------------------------------- players


def test_random_player_only_plays_empty_cells() -> None:
    g = torch.Generator().manual_seed(2)
    boards = torch.randint(-1, 2, (1000, N_CELLS), generator=g)
    boards[:, 0] = 0  # at least one empty cell
    moves = random_moves(None, boards, g)
    assert (boards.gather(1, moves[:, None]) == 0).all()


def test_coach_takes_a_win_before_a_block() -> None:
    assert coach_move_mask(_board("XX.OO....")).nonzero()[:, 1].tolist() == [2]


def test_coach_blocks_when_it_cannot_win() -> None:
    assert coach_move_mask(_board("X..OO...X")).nonzero()[:, 1].tolist() == [5]


def test_coach_plays_any_empty_cell_in_a_quiet_position() -> None:
    board = _board("X...O....")
    assert torch.equal(coach_move_mask(board), board == 0)
    g = torch.Generator().manual_seed(3)
    moves = coach_moves(None, board.expand(2000, -1), g)
    assert set(moves.tolist()) == set((board[0] == 0).nonzero()[:, 0].tolist())


def test_coach_is_good_but_not_perfect() -> None:
    # Its "any move" is blind to forks: against best play it sometimes loses.
    values, optimal = minimax_table()
    g = torch.Generator().manual_seed(4)
    games = play(partial(coach_moves, generator=g), partial(perfect_moves, generator=g), 3000)
    assert (games.results == -1).any()  # the coach sometimes loses to a perfect player
    assert (games.results == 1).sum() == 0
    assert values[0] == 0  # tic-tac-toe is a draw with perfect play
    assert optimal[0].all()  # every opening move keeps the draw


def test_minimax_values_the_empty_board_as_a_draw_and_sees_immediate_wins() -> None:
    values, _ = minimax_table()
    assert values[board_code(_board("........."))] == 0
    assert values[board_code(_board("XX.OO...."))] == 1  # X to move wins at once
    assert optimal_move_mask(_board("XX.OO....")).nonzero()[:, 1].tolist() == [2]


def _perfect_never_loses_from(board: list[int], perfect_side: int, optimal) -> bool:
    """Every optimal move of the perfect player, against every reply: never a loss."""
    if (w := line_owner(board)) != 0:
        return w != -perfect_side
    if 0 not in board:
        return True
    to_move = 1 if sum(board) == 0 else -1
    code = sum((v % 3) * 3**i for i, v in enumerate(board))
    moves = optimal[code] if to_move == perfect_side else [v == 0 for v in board]
    for cell in (i for i in range(N_CELLS) if moves[i]):
        child = list(board)
        child[cell] = to_move
        if not _perfect_never_loses_from(child, perfect_side, optimal):
            return False
    return True


@pytest.mark.parametrize("perfect_side", [1, -1], ids=["as-x", "as-o"])
def test_perfect_player_never_loses_against_any_sequence_of_replies(perfect_side: int) -> None:
    _, optimal = minimax_table()
    assert _perfect_never_loses_from([0] * N_CELLS, perfect_side, optimal.tolist())


def test_perfect_player_never_loses_to_random_or_to_itself_in_many_games() -> None:
    g = torch.Generator().manual_seed(5)
    perfect = partial(perfect_moves, generator=g)
    rand = partial(random_moves, generator=g)
    assert (play(perfect, rand, 5000).results >= 0).all()
    assert (play(rand, perfect, 5000).results <= 0).all()
    assert (play(perfect, perfect, 2000).results == 0).all()


def test_random_play_outcomes_match_the_known_frequencies() -> None:
    # Exact values: X wins 58.5%, O wins 28.8%, draws 12.7% of random games.
    g = torch.Generator().manual_seed(6)
    results = play(partial(random_moves, generator=g), partial(random_moves, generator=g), 20000)
    assert abs((results.results == 1).float().mean().item() - 0.585) < 0.015
    assert abs((results.results == -1).float().mean().item() - 0.288) < 0.015


def test_model_player_greedy_plays_the_top_token() -> None:
    torch.manual_seed(4)
    model = GPT(GPTConfig())
    games = play(
        model_player(model, greedy=True),
        partial(random_moves, generator=torch.Generator().manual_seed(4)),
        20,
    )
    first = model(torch.full((1, 1), BOS))[0][0, -1].argmax().item()
    assert (games.tokens[:, 1] == first).all()


def test_model_player_samples_in_proportion_to_its_probabilities() -> None:
    torch.manual_seed(5)
    model = GPT(GPTConfig())
    start = torch.full((20000, 1), BOS)
    probs = torch.softmax(model(start[:1])[0][0, -1], -1)
    moves = model_player(model, greedy=False, generator=torch.Generator().manual_seed(5))(
        start, torch.zeros(20000, N_CELLS, dtype=torch.long)
    )
    counts = torch.bincount(moves, minlength=len(probs)).float() / len(moves)
    assert torch.allclose(counts, probs, atol=0.015)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_coach_or_random_follows_the_coach_with_probability_p(p: float) -> None:
    board = _board("XX.OO....").expand(500, -1)  # the coach must play 2
    moves = coach_or_random(p, torch.Generator().manual_seed(6))(None, board)
    if p == 1.0:
        assert (moves == 2).all()
    else:
        assert (moves != 2).any()


def test_with_exploration_plays_random_legal_moves_at_rate_epsilon() -> None:
    always_zero = lambda tokens, boards: torch.zeros(len(boards), dtype=torch.long)  # noqa: E731
    boards = torch.zeros(20000, N_CELLS, dtype=torch.long)
    explorer = with_exploration(always_zero, 0.3, torch.Generator().manual_seed(7))
    moves = explorer(None, boards)
    # a random move is cell 0 one time in nine
    assert (moves != 0).float().mean().item() == pytest.approx(0.3 * 8 / 9, abs=0.015)
