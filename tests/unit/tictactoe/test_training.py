"""What the stages share: seeding, the optimiser's schedule, one clipped step
(lesson_code.tictactoe.training)."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

from lesson_code.tictactoe import training
from lesson_code.tictactoe.config import Config
from lesson_code.tictactoe.model import GPT, GPTConfig


def _lrs(steps: int, config: Config) -> list[float]:
    model = GPT(GPTConfig(n_layer=1, n_embd=8, n_head=2))
    adam, scheduler = training.optimizer(model, 1.0, steps, config)
    rates = []
    for _ in range(steps):
        rates.append(adam.param_groups[0]["lr"])
        adam.step()
        scheduler.step()
    return rates


def test_learning_rate_warms_up_linearly_then_decays_to_its_floor() -> None:
    config = Config(warmup_fraction=0.1, final_lr_fraction=0.1)
    rates = _lrs(100, config)
    assert rates[:10] == pytest.approx([(i + 1) / 10 for i in range(10)])
    assert rates[10] == pytest.approx(1.0)
    assert all(a >= b for a, b in itertools.pairwise(rates[10:]))
    assert rates[-1] == pytest.approx(0.1 + 0.45 * (1 + math.cos(math.pi * 89 / 90)))


def test_a_step_clips_the_gradient_norm_to_the_configured_maximum() -> None:
    torch.manual_seed(0)
    model = GPT(GPTConfig(n_layer=1, n_embd=8, n_head=2))
    adam = torch.optim.SGD(model.parameters(), lr=0.0)  # a step that changes nothing
    loss = 1e4 * model(torch.tensor([[9, 4, 0]]))[0].square().sum()
    training.step(model, adam, loss, Config(max_grad_norm=0.5))
    norm = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in model.parameters()]))
    assert norm.item() == pytest.approx(0.5, rel=1e-4)


@pytest.mark.parametrize(("steps", "checks"), [(500, 5), (120, 5), (7, 5), (3, 10)])
def test_checkpoints_are_evenly_spread_and_include_the_last_step(steps: int, checks: int) -> None:
    config = Config(heldout_checks=checks)
    chosen = [i for i in range(steps) if training.checkpoint(i, steps, config)]
    assert chosen[-1] == steps - 1
    assert len(chosen) == min(steps, checks)


def test_a_frozen_copy_has_no_gradients_and_does_not_follow_the_original() -> None:
    model = GPT(GPTConfig(n_layer=1, n_embd=8, n_head=2))
    copy = training.frozen(model)
    assert not any(p.requires_grad for p in copy.parameters())
    assert not copy.training
    with torch.no_grad():
        next(model.parameters()).add_(1.0)
    assert not torch.equal(next(model.parameters()), next(copy.parameters()))


def test_the_same_seed_gives_the_same_generators() -> None:
    first = [g.initial_seed() for g in training.seed_everything(Config(seed=3, threads=1))]
    second = [g.initial_seed() for g in training.seed_everything(Config(seed=3, threads=1))]
    assert first == second == [3, 4]
