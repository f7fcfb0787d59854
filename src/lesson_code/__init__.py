"""The tested math of the chapter "Deep Learning Paradigms".

One module per paradigm, each function one formula:

- :mod:`lesson_code.pretraining`: self-supervised next-token loss, perplexity;
- :mod:`lesson_code.sft`: supervised fine-tuning with the prompt masked out;
- :mod:`lesson_code.reward_model`: the pairwise preference (Bradley–Terry) loss;
- :mod:`lesson_code.ppo`: PPO's clipped objective, value loss, diagnostics;
- :mod:`lesson_code.advantages`: generalised advantage estimation (GAE);
- :mod:`lesson_code.rlhf`: KL-shaped rewards and the adaptive KL controller.

Around them, and built on them only:

- :mod:`lesson_code.tictactoe`: the notebook's course, a tiny transformer taken
  through pre-training, SFT and RLHF at tic-tac-toe (``python -m lesson_code.tictactoe``);
- :mod:`lesson_code.next_token`: the word model behind the chapter's next-token
  widget (``python -m lesson_code.next_token``);
- :mod:`lesson_code.plotting`: the one chart style, and the chapter's figures.
"""

from lesson_code.advantages import gae
from lesson_code.ppo import (
    approx_kl,
    clip_fraction,
    clipped_surrogate,
    entropy,
    masked_mean,
    normalize_advantages,
    ppo_policy_loss,
    ppo_value_loss,
    probability_ratio,
)
from lesson_code.pretraining import IGNORE_INDEX, next_token_loss, perplexity
from lesson_code.reward_model import preference_accuracy, preference_loss
from lesson_code.rlhf import AdaptiveKLController, kl_shaped_rewards
from lesson_code.sft import mask_prompt, sft_loss

__all__ = [
    "IGNORE_INDEX",
    "AdaptiveKLController",
    "approx_kl",
    "clip_fraction",
    "clipped_surrogate",
    "entropy",
    "gae",
    "kl_shaped_rewards",
    "mask_prompt",
    "masked_mean",
    "next_token_loss",
    "normalize_advantages",
    "perplexity",
    "ppo_policy_loss",
    "ppo_value_loss",
    "preference_accuracy",
    "preference_loss",
    "probability_ratio",
    "sft_loss",
]
