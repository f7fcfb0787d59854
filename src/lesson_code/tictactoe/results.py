"""What a stage returns, and what a whole run returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lesson_code.tictactoe.config import Config
from lesson_code.tictactoe.model import GPT

__all__ = ["RunResults", "StageResult"]


@dataclass
class StageResult:
    """What one stage returns: the trained model, its training curves, its headline metrics."""

    model: GPT
    history: dict[str, list[float]] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass
class RunResults:
    """Everything a run produced: the config, each stage's result, and the metrics.

    ``stages`` has the keys ``"pretrained"``, ``"sft"``, ``"reward_model"`` and
    ``"rlhf"``; ``metrics`` is what ``metrics.json`` holds.
    """

    config: Config
    stages: dict[str, StageResult]
    metrics: dict[str, Any]

    @property
    def models(self) -> dict[str, GPT]:
        return {name: stage.model for name, stage in self.stages.items()}
