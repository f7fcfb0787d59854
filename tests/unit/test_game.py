"""Tic-tac-toe rules, players and the entropy bound of random play (lesson_code.game)."""

from __future__ import annotations

import math
from functools import partial

import pytest
import torch

from lesson_code.game import (
    BOS,
    DRAW,
    LINES,
    N_CELLS,
    O_WINS,
    PAD,
    X_WINS,
    board_code,
    coach_move_mask,
    coach_moves,
    entropy_bound,
    minimax_table,
    optimal_move_mask,
    perfect_moves,
    play,
    random_moves,
    replay,
    winner,
)


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


def _line(board: list[int]) -> int:
    for a, b, c in LINES.tolist():
        if board[a] != 0 and board[a] == board[b] == board[c]:
            return board[a]
    return 0


def _perfect_never_loses_from(board: list[int], perfect_side: int, optimal) -> bool:
    """Every optimal move of the perfect player, against every reply: never a loss."""
    if (w := _line(board)) != 0:
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
