"""What every training stage shares: seeding, the optimiser, one step, the progress bar."""

from __future__ import annotations

import copy
import math

import torch
from tqdm import tqdm

from lesson_code.tictactoe.config import Config
from lesson_code.tictactoe.model import GPT

__all__ = ["checkpoint", "frozen", "optimizer", "progress", "seed_everything", "step"]


def seed_everything(config: Config) -> tuple[torch.Generator, torch.Generator]:
    """Seed torch, set the thread count, and return the two generators of a run:
    one for the stages (data, sampling, shuffling), one for the evaluations."""
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    return (
        torch.Generator().manual_seed(config.seed),
        torch.Generator().manual_seed(config.seed + 1),
    )


def optimizer(
    model: GPT, lr: float, steps: int, config: Config
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler]:
    """AdamW with a short linear warm-up, then a cosine decay to ``final_lr_fraction`` of ``lr``."""
    adam = torch.optim.AdamW(model.parameters(), lr=lr, betas=config.adam_betas, weight_decay=0.0)
    warmup = max(1, int(steps * config.warmup_fraction))
    floor = config.final_lr_fraction

    def factor(i: int) -> float:
        if i < warmup:
            return (i + 1) / warmup
        progress = min(1.0, (i - warmup) / max(1, steps - warmup))
        return floor + (1 - floor) / 2 * (1 + math.cos(math.pi * progress))

    return adam, torch.optim.lr_scheduler.LambdaLR(adam, factor)


def step(
    model: GPT,
    adam: torch.optim.Optimizer,
    loss: torch.Tensor,
    config: Config,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
) -> None:
    """One gradient step on ``loss``, its gradient norm clipped to ``config.max_grad_norm``."""
    adam.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
    adam.step()
    if scheduler is not None:
        scheduler.step()


def checkpoint(i: int, steps: int, config: Config) -> bool:
    """Whether step ``i`` (from 0 to ``steps - 1``) is one of the ``heldout_checks`` steps,
    evenly spread, that measure held-out quality for the curves; the last step always is."""
    checks = config.heldout_checks
    return (i + 1) * checks // steps > i * checks // steps


def progress(total: int, desc: str, config: Config) -> tqdm:
    """A progress bar for a stage, silent unless ``config.progress``."""
    return tqdm(total=total, desc=desc, disable=not config.progress, leave=True, ncols=90)


def frozen(model: GPT) -> GPT:
    """A detached copy in eval mode with gradients off."""
    copied = copy.deepcopy(model).eval()
    copied.requires_grad_(False)
    return copied
