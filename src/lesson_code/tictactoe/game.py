r"""Tic-tac-toe as a language: rules, tokens, game records and the entropy of random play.

A game is written as a sequence of tokens, the way a chess book writes a game
as a list of moves::

    <start>  4  0  8  2  1  6  7  <x-wins>

``<start>`` opens the record, each number is the cell played (0 to 8, read
row by row, X moving first), and one of ``<x-wins>``, ``<o-wins>``,
``<draw>`` closes it. ``<pad>`` fills the rest of a fixed-length row.

Boards are tensors with ``+1`` for X, ``-1`` for O and ``0`` for an empty
cell, so thousands of games can be played at once as one tensor batch.
Players (:mod:`lesson_code.tictactoe.players`) are functions
``(tokens, boards) -> moves`` on such batches; :func:`play` sets two of them
against each other.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import torch

__all__ = [
    "BOS",
    "DRAW",
    "MAX_LEN",
    "N_CELLS",
    "O_WINS",
    "PAD",
    "TOKEN_NAMES",
    "VOCAB_SIZE",
    "X_WINS",
    "GameBatch",
    "Player",
    "board_code",
    "entropy_bound",
    "line_owner",
    "play",
    "render",
    "replay",
    "side_to_move",
    "winner",
]

N_CELLS = 9
BOS, X_WINS, O_WINS, DRAW, PAD = 9, 10, 11, 12, 13
VOCAB_SIZE = 14
MAX_LEN = 1 + N_CELLS + 1  # <start>, at most nine moves, the result
TOKEN_NAMES = [str(i) for i in range(N_CELLS)] + [
    "<start>",
    "<x-wins>",
    "<o-wins>",
    "<draw>",
    "<pad>",
]
_RESULT_TOKENS = torch.tensor([O_WINS, DRAW, X_WINS])  # indexed by result + 1

# The eight lines of three: rows, columns, diagonals.
LINE_CELLS = (
    (0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6)
)  # fmt: skip
LINES = torch.tensor(LINE_CELLS)
_POWERS = torch.tensor([3**i for i in range(N_CELLS)])

Player = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


# --------------------------------------------------------------------------- rules


def winner(boards: torch.Tensor) -> torch.Tensor:
    """The winner of each board: ``+1`` (X), ``-1`` (O) or ``0`` (nobody yet).

    Args:
        boards: ``[N, 9]`` with ``+1`` for X, ``-1`` for O, ``0`` for empty.

    ```python
    import torch
    from lesson_code.tictactoe.game import winner

    boards = torch.tensor([[1, 1, 1, -1, -1, 0, 0, 0, 0], [0] * 9])
    print(winner(boards).tolist())  # [1, 0]
    ```
    """
    line_sums = boards[:, LINES].sum(-1)  # [N, 8]
    return (line_sums == 3).any(1).long() - (line_sums == -3).any(1).long()


def line_owner(board: tuple[int, ...] | list[int]) -> int:
    """The winner of one board given as nine numbers: :func:`winner` for a tree walk.

    ```python
    from lesson_code.tictactoe.game import line_owner

    assert line_owner((0, 0, -1, 0, -1, 0, -1, 1, 1)) == -1
    ```
    """
    for a, b, c in LINE_CELLS:
        if board[a] != 0 and board[a] == board[b] == board[c]:
            return board[a]
    return 0


def side_to_move(boards: torch.Tensor) -> torch.Tensor:
    """``+1`` where X is to move (equal counts), ``-1`` where O is."""
    return torch.where(boards.sum(1) == 0, 1, -1)


def board_code(boards: torch.Tensor) -> torch.Tensor:
    """Each board as an integer in ``[0, 3**9)``: cell i adds ``3**i`` times 0, 1 (X) or 2 (O)."""
    return (boards.remainder(3) * _POWERS).sum(1)


def replay(tokens: torch.Tensor) -> torch.Tensor:
    """The boards ``[N, 9]`` reached by the game records ``[N, T]``, X moving first.

    Cell tokens after ``<start>`` are played in turn until the first token that
    is not a cell.

    ```python
    import torch
    from lesson_code.tictactoe.game import BOS, replay

    print(replay(torch.tensor([[BOS, 4, 0, 8]])).tolist())  # [[-1, 0, 0, 0, 1, 0, 0, 0, 1]]
    ```
    """
    n, T = tokens.shape
    boards = torch.zeros(n, N_CELLS, dtype=torch.long)
    playing = torch.ones(n, dtype=torch.bool)
    rows = torch.arange(n)
    for t in range(1, T):
        playing &= tokens[:, t] < N_CELLS
        cells = tokens[:, t].clamp(max=N_CELLS - 1)
        boards[rows[playing], cells[playing]] = 1 if t % 2 == 1 else -1
    return boards


def render(board: torch.Tensor | list[int]) -> str:
    """Three lines of text for one board: ``X``, ``O`` and ``.`` for empty."""
    marks = {1: "X", -1: "O", 0: "."}
    cells = [marks[int(v)] for v in board]
    return "\n".join(" ".join(cells[r * 3 : r * 3 + 3]) for r in range(3))


# --------------------------------------------------------------------------- playing


@dataclass
class GameBatch:
    """A batch of finished games.

    Attributes:
        tokens: ``[N, MAX_LEN]`` records: ``<start>``, the moves, the result, ``<pad>``.
        lengths: ``[N]`` number of tokens before the padding.
        results: ``[N]`` ``+1`` X won, ``0`` draw, ``-1`` O won (a forfeit counts as a loss).
        illegal: ``[N]`` ``+1`` if X forfeited by an illegal move, ``-1`` if O did, else 0.
        boards: ``[N, 9]`` final boards.
    """

    tokens: torch.Tensor
    lengths: torch.Tensor
    results: torch.Tensor
    illegal: torch.Tensor
    boards: torch.Tensor

    @property
    def x_moves(self) -> torch.Tensor:
        """``[N]`` number of moves X made (an illegal one included)."""
        return (self.lengths - 1) // 2


def play(x_player: Player, o_player: Player, n: int) -> GameBatch:
    """Play ``n`` games at once, X moving first; a move onto a taken cell, or any
    token that is not a cell, forfeits the game.

    ```python
    from lesson_code.tictactoe.game import play
    from lesson_code.tictactoe.players import perfect_moves, random_moves

    games = play(random_moves, perfect_moves, 100)
    print(int((games.results == 1).sum()))  # 0: nobody beats the perfect player
    ```
    """
    tokens = torch.full((n, MAX_LEN), PAD, dtype=torch.long)
    tokens[:, 0] = BOS
    boards = torch.zeros(n, N_CELLS, dtype=torch.long)
    results = torch.zeros(n, dtype=torch.long)
    illegal = torch.zeros(n, dtype=torch.long)
    lengths = torch.full((n,), MAX_LEN, dtype=torch.long)
    active = torch.ones(n, dtype=torch.bool)
    for t in range(N_CELLS):
        player = 1 if t % 2 == 0 else -1
        mover = x_player if player == 1 else o_player
        moves = torch.full((n,), PAD, dtype=torch.long)
        moves[active] = mover(tokens[active, : t + 1], boards[active]).long()
        tokens[active, t + 1] = moves[active]
        legal = (moves >= 0) & (moves < N_CELLS)
        legal &= boards.gather(1, moves.clamp(0, N_CELLS - 1)[:, None]).squeeze(1) == 0
        forfeit = active & ~legal
        illegal[forfeit] = player
        results[forfeit] = -player
        place = active & legal
        boards[place, moves[place]] = player
        won = place & (winner(boards) != 0)
        results[won] = player
        full = place & (t == N_CELLS - 1)
        ended = forfeit | won | full
        tokens[ended, t + 2] = _RESULT_TOKENS[results[ended] + 1]
        lengths[ended] = t + 3
        active &= ~ended
        if not active.any():
            break
    return GameBatch(tokens, lengths, results, illegal, boards)


# --------------------------------------------------------------------------- entropy


def entropy_bound(moves: tuple[int, ...] = ()) -> float:
    r"""The lowest possible next-token loss on games between random legal players.

    Each move is uniform over the $k$ empty cells, so predicting it costs at
    least $\log k$ nats; the result token is fixed by the board and costs 0.
    By the chain rule the entropy of a whole game is
    $H = \mathbb E\big[\sum_{\text{moves}} \log k\big]$, and the bound per
    predicted token (every token after ``<start>``) is

    $$\frac{\mathbb E\big[\sum_{\text{moves}} \log k\big]}{\mathbb E[\#\text{moves} + 1]}$$

    the ratio a token-level mean over a large corpus converges to.

    Args:
        moves: an opening already played; the bound is for the rest of the game.

    ```python
    from lesson_code.tictactoe.game import entropy_bound

    print(round(entropy_bound(), 4))  # 1.4094 nats per token
    ```
    """
    board = [0] * N_CELLS
    for t, cell in enumerate(moves):
        board[cell] = 1 if t % 2 == 0 else -1
    nll, n_tokens = _expected_nll_and_tokens(tuple(board))
    return nll / n_tokens


@cache
def _expected_nll_and_tokens(board: tuple[int, ...]) -> tuple[float, float]:
    """E[sum of log(#empty)] and E[#tokens still to predict] under random play from ``board``."""
    if line_owner(board) != 0 or 0 not in board:
        return 0.0, 1.0  # only the result token is left, and it is certain
    player = 1 if sum(board) == 0 else -1
    empty = [i for i in range(N_CELLS) if board[i] == 0]
    nll, n_tokens = math.log(len(empty)), 1.0
    for i in empty:
        child = list(board)
        child[i] = player
        child_nll, child_tokens = _expected_nll_and_tokens(tuple(child))
        nll += child_nll / len(empty)
        n_tokens += child_tokens / len(empty)
    return nll, n_tokens
