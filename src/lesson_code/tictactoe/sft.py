"""Stage 2, supervised fine-tuning: imitate the coach, with the loss on the coach's move only.

Each example is a position with X to move (the prompt) followed by the
coach's move (the response); :func:`lesson_code.sft.sft_loss` masks the prompt,
so the model is scored on the response alone.
"""

from __future__ import annotations

import copy

import torch

from lesson_code.sft import sft_loss
from lesson_code.tictactoe import training
from lesson_code.tictactoe.config import SFT_LEN, Config
from lesson_code.tictactoe.data import SFTData, sft_data
from lesson_code.tictactoe.evaluate import coach_quality, move_quality
from lesson_code.tictactoe.model import GPT
from lesson_code.tictactoe.results import StageResult

__all__ = ["supervised_finetune"]


def supervised_finetune(
    model: GPT, config: Config, generator: torch.Generator, heldout: SFTData
) -> StageResult:
    """A copy of ``model`` fine-tuned on ``sft_positions`` fresh positions labelled by the
    coach, measured on the ``heldout`` positions."""
    model = copy.deepcopy(model)
    train = sft_data(config.sft_positions, generator, config)
    adam, scheduler = training.optimizer(model, config.sft_lr, config.sft_steps, config)
    history: dict[str, list[float]] = {"step": [], "loss": [], "heldout_step": [], "agreement": []}
    with training.progress(config.sft_steps, "2 SFT", config) as bar:
        for i in range(config.sft_steps):
            model.train()
            batch = train.subset(
                torch.randint(len(train), (config.sft_batch,), generator=generator)
            )
            input_ids = batch.input_ids[:, :SFT_LEN]  # the rest is padding
            loss = sft_loss(
                model(input_ids)[0],
                input_ids,
                batch.prompt_lengths,
                attention_mask=batch.attention_mask[:, :SFT_LEN],
            )
            training.step(model, adam, loss, config, scheduler)
            history["step"].append(i)
            history["loss"].append(loss.item())
            if training.checkpoint(i, config.sft_steps, config):
                history["heldout_step"].append(i)
                history["agreement"].append(move_quality(model, heldout)["coach_agreement"])
                bar.set_postfix(agreement=f"{history['agreement'][-1]:.3f}")
            bar.update()
    metrics = {
        **move_quality(model, heldout),
        "coach_optimal_move_rate": coach_quality(heldout),
        "coach_entropy": heldout.coach_options.sum(1).float().log().mean().item(),
    }
    return StageResult(model, history, metrics)
