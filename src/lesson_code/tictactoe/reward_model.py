"""Stage 3a, the reward model: a scalar head on the SFT model, fit to the judge's choices.

The judge compares pairs of the SFT model's games
(:func:`~lesson_code.tictactoe.data.preference_data`); the reward model
learns to score the chosen game above the rejected one with
:func:`lesson_code.reward_model.preference_loss` (InstructGPT, eq. 1).
"""

from __future__ import annotations

import torch

from lesson_code.reward_model import preference_accuracy, preference_loss
from lesson_code.tictactoe import training
from lesson_code.tictactoe.config import Config
from lesson_code.tictactoe.data import PreferenceData, preference_data
from lesson_code.tictactoe.model import GPT
from lesson_code.tictactoe.results import StageResult

__all__ = ["reward_model_accuracy", "reward_scores", "train_reward_model"]


def reward_scores(reward_model: GPT, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """``[N]`` the scalar head read at the last token of each game (the result)."""
    values = reward_model(tokens)[1]
    return values[torch.arange(len(tokens)), lengths - 1]


@torch.no_grad()
def reward_model_accuracy(reward_model: GPT, pairs: PreferenceData) -> dict[str, float]:
    """Held-out accuracy against the noiseless ordering and against the judge's noisy labels.

    Both are measured on the pairs that are not ties under the hidden utility.
    """
    reward_model.eval()
    strict = pairs.strict
    r_chosen = reward_scores(reward_model, pairs.chosen, pairs.chosen_lengths)[strict]
    r_rejected = reward_scores(reward_model, pairs.rejected, pairs.rejected_lengths)[strict]
    right = pairs.judge_agrees[strict]  # noisy label == noiseless ordering
    better = torch.where(right, r_chosen, r_rejected)  # the truly better game's score
    worse = torch.where(right, r_rejected, r_chosen)
    return {
        "heldout_accuracy": preference_accuracy(better, worse),
        "noisy_label_accuracy": preference_accuracy(r_chosen, r_rejected),
        "judge_accuracy": right.float().mean().item(),
    }


def train_reward_model(policy: GPT, config: Config, generator: torch.Generator) -> StageResult:
    """A copy of ``policy`` with a scalar head, trained on ``rm_pairs`` pairs of its own
    games ranked by the judge; returned frozen."""
    policy.eval()
    train = preference_data(policy, config.rm_pairs, config, generator)
    heldout = preference_data(policy, config.rm_heldout_pairs, config, generator)
    model = policy.with_value_head()
    adam, scheduler = training.optimizer(model, config.rm_lr, config.rm_steps, config)
    history: dict[str, list[float]] = {"step": [], "loss": [], "heldout_step": []}
    history.update({"heldout_accuracy": [], "noisy_label_accuracy": []})
    with training.progress(config.rm_steps, "3a reward model", config) as bar:
        for i in range(config.rm_steps):
            model.train()
            batch = train.subset(torch.randint(len(train), (config.rm_batch,), generator=generator))
            r_chosen = reward_scores(model, batch.chosen, batch.chosen_lengths)
            r_rejected = reward_scores(model, batch.rejected, batch.rejected_lengths)
            loss = preference_loss(r_chosen, r_rejected)
            training.step(model, adam, loss, config, scheduler)
            history["step"].append(i)
            history["loss"].append(loss.item())
            if training.checkpoint(i, config.rm_steps, config):
                accuracy = reward_model_accuracy(model, heldout)
                history["heldout_step"].append(i)
                history["heldout_accuracy"].append(accuracy["heldout_accuracy"])
                history["noisy_label_accuracy"].append(accuracy["noisy_label_accuracy"])
                bar.set_postfix(accuracy=f"{accuracy['heldout_accuracy']:.3f}")
            bar.update()
    metrics = {**reward_model_accuracy(model, heldout), "heldout_pairs": int(heldout.strict.sum())}
    return StageResult(training.frozen(model), history, metrics)
