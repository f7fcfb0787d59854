"""Tic-tac-toe rules, game records and the entropy bound of random play
(lesson_code.tictactoe.game)."""

from __future__ import annotations

import math
from functools import partial
from itertools import product

import pytest
import torch

from lesson_code.tictactoe.game import (
    BOS,
    DRAW,
    LINES,
    N_CELLS,
    O_WINS,
    PAD,
    X_WINS,
    entropy_bound,
    line_owner,
    play,
    replay,
    winner,
)
from lesson_code.tictactoe.players import random_moves


def _board(s: str) -> torch.Tensor:
    """A board from nine characters: ``X``, ``O`` or ``.``."""
    return torch.tensor([[{"X": 1, "O": -1, ".": 0}[c] for c in s]])


def _fixed(*moves: int):
    """A player that plays ``moves`` in order, whatever the board."""
    it = iter(moves)
    return lambda tokens, boards: torch.full((len(boards),), next(it))


# --------------------------------------------------------------------------- rules


@pytest.mark.parametrize("line", LINES.tolist())
@pytest.mark.parametrize("player", [1, -1])
def test_every_line_of_three_wins(line: list[int], player: int) -> None:
    board = torch.zeros(1, N_CELLS, dtype=torch.long)
    board[0, line] = player
    assert winner(board).item() == player


def test_empty_and_drawn_boards_have_no_winner() -> None:
    assert winner(_board(".........")).item() == 0
    assert winner(_board("XOXXOOOXX")).item() == 0  # full board, no line


def test_two_in_a_row_is_not_a_win() -> None:
    assert winner(_board("XX.OO....")).item() == 0


def test_game_records_start_with_start_and_end_with_the_result_token() -> None:
    g = torch.Generator().manual_seed(0)
    games = play(partial(random_moves, generator=g), partial(random_moves, generator=g), 2000)
    expected = {1: X_WINS, -1: O_WINS, 0: DRAW}
    for tokens, length, result, board in zip(
        games.tokens.tolist(),
        games.lengths.tolist(),
        games.results.tolist(),
        games.boards,
        strict=True,
    ):
        moves = tokens[1 : length - 1]
        assert tokens[0] == BOS
        assert tokens[length - 1] == expected[result]
        assert all(t == PAD for t in tokens[length:])
        assert len(set(moves)) == len(moves)  # no cell played twice
        assert winner(board[None]).item() == result
    assert (games.illegal == 0).all()


def test_a_game_ends_as_soon_as_someone_has_three_in_a_row() -> None:
    # X: 0, 1, 2 (wins at its third move); O: 3, 4.
    games = play(_fixed(0, 1, 2), _fixed(3, 4), 1)
    assert games.tokens[0].tolist()[:7] == [BOS, 0, 3, 1, 4, 2, X_WINS]
    assert games.results.item() == 1
    assert games.x_moves.item() == 3


def test_a_full_board_without_a_line_is_a_draw() -> None:
    games = play(_fixed(0, 2, 3, 7, 8), _fixed(1, 4, 5, 6), 1)  # X O X / X O O / O X X
    assert games.results.item() == 0
    assert games.tokens[0, -1].item() == DRAW


@pytest.mark.parametrize("bad_move", [0, BOS, X_WINS, PAD])
def test_an_illegal_move_forfeits_the_game(bad_move: int) -> None:
    # X plays 0, O plays 4, then X plays a taken cell or a token that is not a cell.
    games = play(_fixed(0, bad_move), _fixed(4), 1)
    assert games.results.item() == -1
    assert games.illegal.item() == 1
    assert games.tokens[0, :5].tolist() == [BOS, 0, 4, bad_move, O_WINS]


def test_replay_rebuilds_the_board_from_the_record() -> None:
    g = torch.Generator().manual_seed(1)
    games = play(partial(random_moves, generator=g), partial(random_moves, generator=g), 500)
    assert torch.equal(replay(games.tokens), games.boards)


def test_line_owner_agrees_with_winner_on_every_board() -> None:
    boards = torch.tensor(list(product((0, 1, -1), repeat=N_CELLS)))
    one_by_one = torch.tensor([line_owner(board) for board in boards.tolist()])
    mixed = (winner(boards) == 0) & (winner(-boards) == 0)  # neither or both have a line
    agree = (one_by_one == winner(boards)) | mixed
    assert agree.all()


# --------------------------------------------------------------------------- entropy bound


def _enumerate_games(board: list[int], prob: float, n_tokens: int, out: list) -> None:
    """Every complete random game from ``board``: (probability, tokens still predicted)."""
    b = torch.tensor([board])
    if winner(b).item() != 0 or 0 not in board:
        out.append((prob, n_tokens + 1))  # + the result token
        return
    empty = [i for i in range(N_CELLS) if board[i] == 0]
    to_move = 1 if sum(board) == 0 else -1
    for cell in empty:
        child = list(board)
        child[cell] = to_move
        _enumerate_games(child, prob / len(empty), n_tokens + 1, out)


@pytest.mark.parametrize("opening", [(4, 0, 8, 2), (0, 1, 2, 3), (4, 0, 8)])
def test_entropy_bound_equals_brute_force_entropy_per_token(opening: tuple[int, ...]) -> None:
    board = [0] * N_CELLS
    for t, cell in enumerate(opening):
        board[cell] = 1 if t % 2 == 0 else -1
    games: list[tuple[float, int]] = []
    _enumerate_games(board, 1.0, 0, games)
    assert abs(sum(p for p, _ in games) - 1) < 1e-12
    entropy = -sum(p * math.log(p) for p, _ in games)  # of whole games, in nats
    tokens = sum(p * n for p, n in games)  # expected predicted tokens
    assert entropy_bound(opening) == pytest.approx(entropy / tokens, rel=1e-12)


def test_entropy_bound_of_random_tic_tac_toe_is_about_1_41_nats_per_token() -> None:
    assert entropy_bound() == pytest.approx(1.4094, abs=1e-4)


def test_entropy_bound_is_what_an_oracle_scores_on_sampled_games() -> None:
    # An oracle puts 1/k on each of the k empty cells and probability 1 on the result.
    g = torch.Generator().manual_seed(7)
    games = play(partial(random_moves, generator=g), partial(random_moves, generator=g), 40000)
    n_moves = games.lengths - 2
    nll = sum(
        torch.where(n_moves > t, torch.log(torch.tensor(N_CELLS - t, dtype=torch.float64)), 0.0)
        for t in range(N_CELLS)
    )
    per_token = nll.sum() / (n_moves + 1).sum()
    assert per_token.item() == pytest.approx(entropy_bound(), abs=0.005)
