"""One run of the course: the four stages in order, each policy evaluated after its stage.

:class:`Run` is the one path through the stages. The command line
(:func:`run_pipeline`) and the notebook call the same methods in the same
order, so they draw the same random numbers and cannot disagree::

    run = Run(Config(seed=0))
    run.pretrain()            # stage 1, then its evaluation
    run.finetune()            # stage 2, on held-out positions kept for later
    run.train_reward_model()  # stage 3a
    run.rlhf()                # stage 3b, then its evaluation
    results = run.results()   # what metrics.json holds
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

from lesson_code.tictactoe.config import Config
from lesson_code.tictactoe.data import SFTData, sft_data
from lesson_code.tictactoe.evaluate import evaluate, move_quality
from lesson_code.tictactoe.ppo import ppo_finetune
from lesson_code.tictactoe.pretrain import pretrain
from lesson_code.tictactoe.results import RunResults, StageResult
from lesson_code.tictactoe.reward_model import train_reward_model
from lesson_code.tictactoe.sft import supervised_finetune
from lesson_code.tictactoe.training import seed_everything

__all__ = ["Run", "run_pipeline"]

T = TypeVar("T")


class Run:
    """The stages of one run, called one at a time, in order.

    Attributes:
        config: the run's hyperparameters.
        stages: each finished stage's :class:`StageResult`, by name.
        evaluation: each evaluated policy's matches (:func:`evaluate`), by stage.
        heldout_positions: the SFT positions every policy's moves are judged on.
        seconds: wall-clock seconds spent in each stage and in evaluation.
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.started = time.perf_counter()
        self.generator, self.eval_generator = seed_everything(self.config)
        self.stages: dict[str, StageResult] = {}
        self.evaluation: dict[str, Any] = {}
        self.heldout_positions: SFTData | None = None
        self.quality: dict[str, dict[str, float]] = {}
        self.seconds: dict[str, float] = {}

    def _timed(self, name: str, work: Callable[[], T]) -> T:
        start = time.perf_counter()
        out = work()
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
        return out

    def _evaluate(self, stage: str) -> None:
        model = self.stages[stage].model
        self.evaluation[stage] = self._timed(
            "evaluation", lambda: evaluate(model, self.config, self.eval_generator)
        )

    def _require(self, *stages: str) -> None:
        missing = [s for s in stages if s not in self.stages]
        if missing:
            raise ValueError(f"stages: run {', '.join(missing)} first (Run's methods go in order)")

    def pretrain(self) -> StageResult:
        """Stage 1: pre-train a new model on random games, then evaluate it."""
        stage = self._timed("pretraining", lambda: pretrain(self.config, self.generator))
        self.stages["pretrained"] = stage
        self._evaluate("pretrained")
        return stage

    def finetune(self) -> StageResult:
        """Stage 2: draw the held-out positions, fine-tune on the coach's moves, evaluate."""
        self._require("pretrained")
        config, pre = self.config, self.stages["pretrained"].model
        heldout = sft_data(config.sft_heldout_positions, self.generator, config)
        self.heldout_positions = heldout
        self.quality["pretrained"] = move_quality(pre, heldout)
        stage = self._timed(
            "sft", lambda: supervised_finetune(pre, config, self.generator, heldout)
        )
        self.stages["sft"] = stage
        self._evaluate("sft")
        return stage

    def train_reward_model(self) -> StageResult:
        """Stage 3a: the reward model, fit to the judge's choices between SFT games."""
        self._require("sft")
        sft = self.stages["sft"].model
        stage = self._timed(
            "reward_model", lambda: train_reward_model(sft, self.config, self.generator)
        )
        self.stages["reward_model"] = stage
        return stage

    def rlhf(self) -> StageResult:
        """Stage 3b: PPO against the reward model on a KL leash to the SFT model, evaluated."""
        self._require("sft", "reward_model")
        sft, rm = self.stages["sft"].model, self.stages["reward_model"].model
        stage = self._timed("rlhf", lambda: ppo_finetune(sft, rm, self.config, self.generator))
        self.stages["rlhf"] = stage
        self._evaluate("rlhf")
        self.quality["rlhf"] = move_quality(stage.model, self.heldout_positions)
        return stage

    def results(self) -> RunResults:
        """Everything the run produced, with the metrics ``metrics.json`` holds."""
        self._require("pretrained", "sft", "reward_model", "rlhf")

        def positions(stage: str) -> dict[str, float]:
            return {f"heldout_positions_{k}": v for k, v in self.quality[stage].items()}

        stages = self.stages
        metrics = {
            "seed": self.config.seed,
            "parameters": stages["pretrained"].model.num_parameters(),
            "pretraining": {
                **stages["pretrained"].metrics,
                "illegal_move_rate": self.evaluation["pretrained"]["illegal_move_rate"],
                **positions("pretrained"),
            },
            "sft": stages["sft"].metrics,
            "reward_model": stages["reward_model"].metrics,
            "rlhf": {**stages["rlhf"].metrics, **positions("rlhf")},
            "evaluation": self.evaluation,
            "config": asdict(self.config),
            "seconds": dict(self.seconds),
            "seconds_total": time.perf_counter() - self.started,
        }
        return RunResults(self.config, dict(stages), metrics)


def run_pipeline(config: Config | None = None) -> RunResults:
    """Pre-training, SFT, reward model, PPO; each policy evaluated after its stage."""
    run = Run(config)
    run.pretrain()
    run.finetune()
    run.train_reward_model()
    run.rlhf()
    return run.results()
