"""The players of the game course: random, the coach, perfect, and the model itself.

A player is a function ``(tokens, boards) -> moves`` on a batch of games
(:data:`lesson_code.tictactoe.game.Player`):

- ``random_moves``: a uniformly random legal move (the books' authors);
- ``coach_moves``: win if you can, block if you must, otherwise any move
  (a good but imperfect coach);
- ``perfect_moves``: a uniformly random move among those that keep the best
  game-theoretic value (exact minimax over all 5478 reachable positions);
- ``model_player``: a trained model, whose next token after the game so far is its move.
"""

from __future__ import annotations

from functools import cache, partial

import numpy as np
import torch
import torch.nn.functional as F

from lesson_code.tictactoe.game import LINES, N_CELLS, Player, board_code, line_owner, side_to_move
from lesson_code.tictactoe.model import GPT

__all__ = [
    "coach_move_mask",
    "coach_moves",
    "coach_or_random",
    "coach_player",
    "minimax_table",
    "model_player",
    "optimal_move_mask",
    "perfect_moves",
    "perfect_player",
    "random_moves",
    "random_player",
    "with_exploration",
]


def random_moves(
    tokens: torch.Tensor, boards: torch.Tensor, generator: torch.Generator | None = None
) -> torch.Tensor:
    """A uniformly random empty cell for each board (every board must have one)."""
    return torch.multinomial((boards == 0).float(), 1, generator=generator).squeeze(1)


def _completing_cells(boards: torch.Tensor, player: torch.Tensor) -> torch.Tensor:
    """``[N, 9]`` bool: empty cells that would give ``player`` three in a row."""
    marks = boards[:, LINES]  # [N, 8, 3]
    two_and_gap = ((marks == player[:, None, None]).sum(-1) == 2) & ((marks == 0).sum(-1) == 1)
    gap = (marks == 0) & two_and_gap[..., None]  # [N, 8, 3]
    cells = torch.zeros_like(boards, dtype=torch.bool)
    rows = torch.arange(len(boards))[:, None, None].expand_as(gap)
    cells[rows[gap], LINES.expand_as(gap)[gap]] = True
    return cells


def coach_move_mask(boards: torch.Tensor) -> torch.Tensor:
    """``[N, 9]`` bool: the moves the coach would choose among on each board.

    The winning cells if there are any; otherwise the cells that block the
    opponent's three in a row; otherwise every empty cell.

    ```python
    import torch
    from lesson_code.tictactoe.players import coach_move_mask

    # X to move: X holds 0 and 1 (wins at 2); O holds 3 and 4 (threatens 5).
    board = torch.tensor([[1, 1, 0, -1, -1, 0, 0, 0, 0]])
    print(coach_move_mask(board).nonzero()[:, 1].tolist())  # [2]: win before blocking
    ```
    """
    player = side_to_move(boards)
    wins = _completing_cells(boards, player)
    blocks = _completing_cells(boards, -player)
    choice = torch.where(wins.any(1, keepdim=True), wins, blocks)
    return torch.where(choice.any(1, keepdim=True), choice, boards == 0)


def coach_moves(
    tokens: torch.Tensor, boards: torch.Tensor, generator: torch.Generator | None = None
) -> torch.Tensor:
    """The coach: win if you can, block if you must, otherwise any move (uniformly at random).

    Sound on tactics one move deep, blind to strategy (forks, the centre):
    good, but not perfect.
    """
    return torch.multinomial(coach_move_mask(boards).float(), 1, generator=generator).squeeze(1)


@cache
def minimax_table() -> tuple[np.ndarray, np.ndarray]:
    """Exact minimax over every reachable position.

    Returns:
        ``values[code]``: the game value for X (``+1``, ``0``, ``-1``) with
        perfect play from the board with that :func:`board_code`; and
        ``optimal[code, cell]``: the moves that keep the best value for the
        side to move.
    """
    values = np.zeros(3**N_CELLS, dtype=np.int8)
    optimal = np.zeros((3**N_CELLS, N_CELLS), dtype=bool)
    seen = np.zeros(3**N_CELLS, dtype=bool)

    def solve(board: list[int], code: int) -> int:
        if seen[code]:
            return int(values[code])
        seen[code] = True
        owner = line_owner(board)
        if owner != 0:
            values[code] = owner
            return owner
        empty = [i for i in range(N_CELLS) if board[i] == 0]
        if not empty:
            return 0
        player = 1 if sum(board) == 0 else -1
        child_values = []
        for i in empty:
            board[i] = player
            child_values.append(solve(board, code + (1 if player == 1 else 2) * 3**i))
            board[i] = 0
        best = max(child_values) if player == 1 else min(child_values)
        values[code] = best
        for i, v in zip(empty, child_values, strict=True):
            optimal[code, i] = v == best
        return best

    solve([0] * N_CELLS, 0)
    return values, optimal


def optimal_move_mask(boards: torch.Tensor) -> torch.Tensor:
    """``[N, 9]`` bool: the moves a perfect minimax player could make on each board."""
    _, optimal = minimax_table()
    return torch.from_numpy(optimal[board_code(boards).numpy()])


def perfect_moves(
    tokens: torch.Tensor, boards: torch.Tensor, generator: torch.Generator | None = None
) -> torch.Tensor:
    """A uniformly random move among the minimax-optimal ones: this player never loses."""
    return torch.multinomial(optimal_move_mask(boards).float(), 1, generator=generator).squeeze(1)


def random_player(generator: torch.Generator) -> Player:
    """:func:`random_moves`, drawing from ``generator``."""
    return partial(random_moves, generator=generator)


def coach_player(generator: torch.Generator) -> Player:
    """:func:`coach_moves`, drawing from ``generator``."""
    return partial(coach_moves, generator=generator)


def perfect_player(generator: torch.Generator) -> Player:
    """:func:`perfect_moves`, drawing from ``generator``."""
    return partial(perfect_moves, generator=generator)


def model_player(
    model: GPT, *, greedy: bool, generator: torch.Generator | None = None, temperature: float = 1.0
) -> Player:
    """The model as a player: its next token after the game so far is its move.

    It chooses from the whole vocabulary, so it can pick a taken cell or a
    non-move token (an illegal move, which forfeits the game). ``greedy``
    plays the top token; otherwise the move is sampled at ``temperature``.
    """

    @torch.no_grad()
    def player(tokens: torch.Tensor, boards: torch.Tensor) -> torch.Tensor:
        logits = model(tokens)[0][:, -1]
        if greedy:
            return logits.argmax(-1)
        probs = F.softmax(logits / temperature, dim=-1)
        return torch.multinomial(probs, 1, generator=generator).squeeze(1)

    return player


def with_exploration(player: Player, epsilon: float, generator: torch.Generator) -> Player:
    """``player``, except that with probability ``epsilon`` a random legal move is played."""

    def explorer(tokens: torch.Tensor, boards: torch.Tensor) -> torch.Tensor:
        explore = torch.rand(len(boards), generator=generator) < epsilon
        return torch.where(explore, random_moves(tokens, boards, generator), player(tokens, boards))

    return explorer


def coach_or_random(p_coach: float, generator: torch.Generator) -> Player:
    """A player that follows the coach with probability ``p_coach``, else plays at random."""

    def player(tokens: torch.Tensor, boards: torch.Tensor) -> torch.Tensor:
        follow = torch.rand(len(boards), generator=generator) < p_coach
        return torch.where(
            follow, coach_moves(tokens, boards, generator), random_moves(tokens, boards, generator)
        )

    return player
