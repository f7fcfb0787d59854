"""How well a policy plays: matches against the random and the perfect player, move quality."""

from __future__ import annotations

from typing import Any

import torch

from lesson_code.tictactoe.config import MATCHES, Config
from lesson_code.tictactoe.data import SFTData
from lesson_code.tictactoe.game import N_CELLS, GameBatch, play
from lesson_code.tictactoe.model import GPT
from lesson_code.tictactoe.players import (
    model_player,
    optimal_move_mask,
    perfect_player,
    random_player,
)

__all__ = ["coach_quality", "evaluate", "move_quality", "outcomes"]


def outcomes(games: GameBatch) -> dict[str, float]:
    """The share of games X won, drew and lost, and the share of X's moves that were illegal."""
    x_moves = games.x_moves.sum().item()
    return {
        "win": (games.results == 1).float().mean().item(),
        "draw": (games.results == 0).float().mean().item(),
        "loss": (games.results == -1).float().mean().item(),
        "illegal_move_rate": (games.illegal == 1).sum().item() / max(1, x_moves),
        "games": len(games.results),
    }


def evaluate(model: GPT, config: Config, generator: torch.Generator) -> dict[str, Any]:
    """The policy as X in the four :data:`~lesson_code.tictactoe.config.MATCHES`:
    against a random O and a perfect O, sampling its moves (temperature 1) or
    playing its top move (greedy), ``config.eval_games`` games each.

    ``illegal_move_rate`` is the share of the model's own sampled moves
    (temperature 1, against the random player) that are illegal.
    """
    model.eval()
    x_players = {
        "sampled": model_player(model, greedy=False, generator=generator),
        "greedy": model_player(model, greedy=True),
    }
    opponents = {"random": random_player(generator), "perfect": perfect_player(generator)}
    results: dict[str, Any] = {
        match: outcomes(play(x_players[how], opponents[opponent], config.eval_games))
        for match, opponent, how in MATCHES
    }
    results["illegal_move_rate"] = results["vs_random"]["illegal_move_rate"]
    return results


@torch.no_grad()
def move_quality(model: GPT, data: SFTData) -> dict[str, float]:
    """The model's top move on each position, compared with the coach and with minimax.

    Returns the coach agreement (the top move is one the coach could have
    chosen), the optimal-move rate (a move a perfect player could make: one
    that keeps the best game-theoretic value) and the share of top moves that
    are illegal.
    """
    model.eval()
    logits = model(data.input_ids)[0]
    rows = torch.arange(len(data))
    top = logits[rows, data.prompt_lengths - 1].argmax(-1)
    cell = top.clamp(max=N_CELLS - 1)
    legal = (top < N_CELLS) & (data.boards[rows, cell] == 0)
    optimal = optimal_move_mask(data.boards)[rows, cell] & legal
    return {
        "coach_agreement": (data.coach_options[rows, cell] & legal).float().mean().item(),
        "optimal_move_rate": optimal.float().mean().item(),
        "illegal_move_rate": (~legal).float().mean().item(),
    }


def coach_quality(data: SFTData) -> float:
    """The coach's own optimal-move rate on the same positions (expected over its random choice)."""
    options = data.coach_options
    good = (options & optimal_move_mask(data.boards)).sum(1) / options.sum(1)
    return good.mean().item()
