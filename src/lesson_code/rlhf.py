r"""RLHF: optimise a policy against a reward model, on a KL leash.

Reinforcement learning from human feedback fine-tunes the SFT model with PPO,
using the reward model's score of each whole response as the reward. Left
alone, the policy drifts to text that fools the reward model, so every token
also pays a penalty $\beta \log(\pi/\pi_{ref})$ for moving away from the
reference (SFT) model. This module teaches how that KL-shaped reward is laid
out per token, and the adaptive controller that tunes $\beta$ so the KL stays
near a target.
"""

from __future__ import annotations

import math

import torch

from lesson_code._validation import (
    require_floating,
    require_mask,
    require_ndim,
    require_nonnegative,
    require_positive,
    require_same_shape,
    shape_str,
)

__all__ = ["AdaptiveKLController", "kl_shaped_rewards"]


def _last_masked_in_position(mask: torch.Tensor) -> torch.Tensor:
    """Index of the last masked-in token of each row; ValueError for an empty row."""
    in_mask = mask != 0
    empty_rows = (~in_mask.any(dim=1)).nonzero().flatten().tolist()
    if empty_rows:
        raise ValueError(
            f"mask has no masked-in token in row(s) {empty_rows}: "
            "every response needs at least one token to carry its score"
        )
    positions = torch.arange(mask.shape[1], device=mask.device)
    return torch.where(in_mask, positions, -1).amax(dim=1)


def kl_shaped_rewards(
    scores: torch.Tensor,
    logp: torch.Tensor,
    ref_logp: torch.Tensor,
    mask: torch.Tensor,
    *,
    beta: float,
) -> torch.Tensor:
    r"""Per-token RLHF rewards: a KL penalty on every token, the score on the last.

    $$R_{b,t} = -\beta\big(\log\pi(y_{b,t}) - \log\pi_{ref}(y_{b,t})\big)\,m_{b,t}
      \;+\; s_b\,\mathbb 1[t = t^{last}_b]$$

    where $m$ is the response mask, $t^{last}_b$ the last masked-in position
    of row $b$ (so left and right padding both work) and $s_b$ the reward
    model's score of the whole response. Summed over a row this is the
    per-sample objective $r_\theta(x, y) - \beta\log\frac{\pi(y|x)}{\pi_{ref}(y|x)}$.
    With $\beta = 0$ the rewards are the score alone. Pass rollout-time
    log-probs: the rewards stay fixed during the PPO epochs.

    Source: Ouyang et al. 2022 (InstructGPT), arXiv:2203.02155, §3.5, eq. 2;
    laid out per token as in OpenAI ``lm-human-preferences``
    (``train_policy.py``) and TRL's ``PPOTrainer.compute_rewards``.

    Args:
        scores: ``[B]`` reward-model scores.
        logp: ``[B, T]`` log-probs of the sampled tokens under the policy.
        ref_logp: ``[B, T]`` log-probs of the same tokens under the reference model.
        mask: ``[B, T]`` bool or 0/1, set on response tokens; each row needs one.
        beta: KL coefficient $\beta \ge 0$.

    Returns:
        ``[B, T]`` rewards, 0 outside the mask.

    ```python
    import torch
    from lesson_code.rlhf import kl_shaped_rewards

    scores = torch.tensor([1.0, 2.0])
    logp = torch.tensor([[-1.0, -1.0, -1.0], [-1.0, -1.0, -1.0]])
    ref_logp = torch.tensor([[-2.0, -2.0, -2.0], [-2.0, -2.0, -2.0]])  # log ratio +1
    mask = torch.tensor([[1, 1, 0],    # right padding
                         [0, 1, 1]])   # left padding
    rewards = kl_shaped_rewards(scores, logp, ref_logp, mask, beta=0.1)
    print(rewards)
    assert torch.allclose(rewards, torch.tensor([[-0.1, 0.9, 0.0],
                                                 [0.0, -0.1, 1.9]]))
    ```
    """
    require_nonnegative("beta", beta)
    require_floating("scores", scores)
    require_floating("logp", logp)
    require_floating("ref_logp", ref_logp)
    require_ndim("logp", logp, 2, "[B, T]")
    require_same_shape("logp", logp, ref_logp=ref_logp)
    require_mask(mask, logp, "logp")
    if scores.shape != logp.shape[:1]:
        raise ValueError(
            f"scores must have shape [B] = ({logp.shape[0]},) to match logp [B, T] = "
            f"{shape_str(logp.shape)}; got {shape_str(scores.shape)}"
        )
    last = _last_masked_in_position(mask)
    positions = torch.arange(logp.shape[1], device=logp.device)
    is_last = positions[None, :] == last[:, None]
    kl_penalty = -beta * (logp - ref_logp)
    rewards = torch.where(mask != 0, kl_penalty, torch.zeros_like(kl_penalty))
    return torch.where(is_last, rewards + scores[:, None], rewards)


class AdaptiveKLController:
    r"""Adapt the KL coefficient $\beta$ so the policy's KL tracks a target.

    $$e = \operatorname{clip}\Big(\frac{\mathrm{KL}}{\mathrm{KL}_{target}} - 1,\ -0.2,\ 0.2\Big),
      \qquad \beta \leftarrow \beta\,\Big(1 + e\cdot\frac{n_{steps}}{\text{horizon}}\Big)$$

    A proportional controller in log space: when the measured KL is above
    target, $\beta$ grows (a stronger leash); below target it shrinks; at
    target it is unchanged. The clip bounds each step to
    $\pm 0.2\,n_{steps}/\text{horizon}$ of the current value.

    Source: Ziegler et al. 2019, arXiv:1909.08593, §2.2; the
    ``n_steps / horizon`` gain and the defaults (0.2, 6, 10000) as in OpenAI
    ``lm-human-preferences`` and TRL (v0.11).

    Attributes:
        value: the current $\beta$.

    ```python
    from lesson_code.rlhf import AdaptiveKLController

    kl_ctl = AdaptiveKLController(init_kl_coef=0.2, target=6.0, horizon=10000)
    assert kl_ctl.update(6.0, n_steps=256) == 0.2  # at target: unchanged
    beta = kl_ctl.update(60.0, n_steps=256)         # far above: +0.2 · 256/10000
    assert abs(beta - 0.2 * (1 + 0.2 * 256 / 10000)) < 1e-12
    ```
    """

    def __init__(
        self, init_kl_coef: float = 0.2, target: float = 6.0, horizon: float = 10000
    ) -> None:
        require_nonnegative("init_kl_coef", init_kl_coef)
        require_positive("target", target)
        require_positive("horizon", horizon)
        self.value = float(init_kl_coef)
        self.target = float(target)
        self.horizon = float(horizon)

    def update(self, current_kl: float | torch.Tensor, n_steps: int) -> float:
        r"""Move $\beta$ towards keeping ``current_kl`` at the target; return the new $\beta$.

        $$\beta \leftarrow \beta\,\Big(1 + \operatorname{clip}\big(\mathrm{KL}/\mathrm{KL}_{target}
          - 1, -0.2, 0.2\big)\cdot n_{steps}/\text{horizon}\Big)$$

        ``current_kl`` is the KL measured on the last batch (a float or 0-d
        tensor); ``n_steps`` the number of samples (episodes) in it.
        Source: Ziegler et al. 2019, arXiv:1909.08593, §2.2.

        ```python
        from lesson_code.rlhf import AdaptiveKLController

        kl_ctl = AdaptiveKLController(init_kl_coef=0.1, target=6.0, horizon=100)
        print(kl_ctl.update(3.0, n_steps=10))  # KL too low: β shrinks to 0.098
        assert abs(kl_ctl.value - 0.1 * (1 - 0.2 * 10 / 100)) < 1e-12
        ```
        """
        current_kl = float(current_kl)
        if math.isnan(current_kl):
            raise ValueError("current_kl is NaN")
        require_nonnegative("n_steps", n_steps)
        proportional_error = min(max(current_kl / self.target - 1, -0.2), 0.2)
        self.value *= 1 + proportional_error * n_steps / self.horizon
        return self.value

    def __repr__(self) -> str:
        return (
            f"AdaptiveKLController(value={self.value}, target={self.target}, "
            f"horizon={self.horizon})"
        )
