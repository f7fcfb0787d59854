r"""Stage 1, pre-training: next-token prediction on records of random games.

The model reads fresh games between random legal players, batch after batch,
and learns to predict each next token with
:func:`lesson_code.pretraining.next_token_loss`: no labels, no rewards. Its
held-out loss is compared with :func:`~lesson_code.tictactoe.game.entropy_bound`,
the lowest loss any model can reach on such games.
"""

from __future__ import annotations

import torch

from lesson_code.pretraining import IGNORE_INDEX, next_token_loss
from lesson_code.tictactoe import training
from lesson_code.tictactoe.config import Config
from lesson_code.tictactoe.data import pretraining_data
from lesson_code.tictactoe.game import entropy_bound
from lesson_code.tictactoe.model import GPT
from lesson_code.tictactoe.results import StageResult

__all__ = ["heldout_loss", "pretrain"]


@torch.no_grad()
def heldout_loss(model: GPT, tokens: torch.Tensor, labels: torch.Tensor) -> float:
    """Next-token loss in nats per token over a whole held-out set (total NLL / total tokens)."""
    model.eval()
    total = next_token_loss(model(tokens)[0], labels, reduction="sum").item()
    return total / (labels[:, 1:] != IGNORE_INDEX).sum().item()


def pretrain(config: Config, generator: torch.Generator) -> StageResult:
    """Train a new model on fresh games between random legal players, ``pretrain_steps`` batches."""
    model = GPT(config.model_config())
    heldout = pretraining_data(config.pretrain_heldout_games, generator)
    adam, scheduler = training.optimizer(model, config.pretrain_lr, config.pretrain_steps, config)
    history: dict[str, list[float]] = {"step": [], "loss": [], "heldout_step": [], "heldout": []}
    with training.progress(config.pretrain_steps, "1 pre-training", config) as bar:
        for i in range(config.pretrain_steps):
            model.train()
            tokens, labels = pretraining_data(config.pretrain_batch, generator)
            loss = next_token_loss(model(tokens)[0], labels)
            training.step(model, adam, loss, config, scheduler)
            history["step"].append(i)
            history["loss"].append(loss.item())
            if training.checkpoint(i, config.pretrain_steps, config):
                history["heldout_step"].append(i)
                history["heldout"].append(heldout_loss(model, *heldout))
                bar.set_postfix(heldout=f"{history['heldout'][-1]:.4f}")
            bar.update()
    bound = entropy_bound()
    metrics = {
        "heldout_loss": history["heldout"][-1],
        "entropy_bound": bound,
        "heldout_over_bound": history["heldout"][-1] / bound,
    }
    return StageResult(model, history, metrics)
