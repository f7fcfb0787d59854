r"""Proximal Policy Optimization (PPO): policy-gradient steps that stay close.

After a batch of experience is collected with the old policy
$\pi_{\theta_{old}}$, PPO takes several gradient steps on it. The probability
ratio $r_t(\theta) = \pi_\theta(a_t|s_t) / \pi_{\theta_{old}}(a_t|s_t)$ says
how far the new policy has moved on each sample; the clipped surrogate
objective removes the incentive to move it outside $[1-\epsilon, 1+\epsilon]$.
This module teaches that objective and the pieces around it: the value loss,
the entropy bonus, advantage normalisation and the diagnostics people log
(approximate KL, clip fraction). The advantages themselves come from
generalised advantage estimation, :func:`lesson_code.advantages.gae` (also importable
from here).

Every loss here is to be *minimised*: the PPO loss is the negative of the
paper's objective, as in CleanRL, OpenAI baselines and Spinning Up.
"""

from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F

from lesson_code._validation import (
    require_floating,
    require_mask,
    require_nonempty,
    require_positive,
    require_same_shape,
    require_tensor,
    shape_str,
)
from lesson_code.advantages import gae

__all__ = [
    "approx_kl",
    "clip_fraction",
    "clipped_surrogate",
    "entropy",
    "gae",
    "masked_mean",
    "normalize_advantages",
    "ppo_policy_loss",
    "ppo_value_loss",
    "probability_ratio",
]

KLEstimator = Literal["k1", "k2", "k3"]


def masked_mean(x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    r"""Mean of ``x`` over the positions where ``mask`` is set.

    $$\operatorname{mean}_m(x) = \frac{\sum_i x_i\, m_i}{\sum_i m_i}$$

    This is the $\hat{\mathbb E}_t$ of the PPO paper when the batch holds
    padded sequences: every real token counts once, padding not at all.
    ``mask`` is a bool or 0/1 tensor of the shape of ``x`` (other values act
    as weights); ``None`` means a plain mean. An empty mask, or an empty
    ``x``, raises ``ValueError`` instead of returning NaN.

    Source: the empirical average $\hat{\mathbb E}_t$ of Schulman et al. 2017,
    arXiv:1707.06347, §2; TRL's ``masked_mean``.

    ```python
    import torch
    from lesson_code.ppo import masked_mean

    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    mask = torch.tensor([[True, True, False], [True, False, False]])
    m = masked_mean(x, mask)
    assert abs(m.item() - 7 / 3) < 1e-6
    ```
    """
    require_tensor("x", x)
    if not x.is_floating_point():
        x = x.float()
    if mask is None:
        require_nonempty("x", x)
        return x.mean()
    require_mask(mask, x, "x")
    weights = mask.to(x.dtype)
    count = weights.sum()
    if count.item() == 0:
        raise ValueError("mask selects no element: a mean over an empty mask is undefined")
    return (x * weights).sum() / count


def probability_ratio(logp_new: torch.Tensor, logp_old: torch.Tensor) -> torch.Tensor:
    r"""Probability ratio of the new and old policy, computed in log space.

    $$r_t(\theta) = \frac{\pi_\theta(a_t \mid s_t)}{\pi_{\theta_{old}}(a_t \mid s_t)}
      = \exp\big(\log\pi_\theta(a_t \mid s_t) - \log\pi_{\theta_{old}}(a_t \mid s_t)\big)$$

    It is 1 at the start of every update, when the two policies coincide.
    Source: Schulman et al. 2017, arXiv:1707.06347, §3 (definition before eq. 6).

    ```python
    import math
    import torch
    from lesson_code.ppo import probability_ratio

    ratio = probability_ratio(torch.tensor([-1.0, -2.0]), torch.tensor([-1.0, -2.5]))
    assert ratio[0].item() == 1.0
    assert abs(ratio[1].item() - math.exp(0.5)) < 1e-6
    ```
    """
    require_floating("logp_new", logp_new)
    require_floating("logp_old", logp_old)
    require_same_shape("logp_new", logp_new, logp_old=logp_old)
    return torch.exp(logp_new - logp_old)


def clipped_surrogate(
    ratio: torch.Tensor, advantages: torch.Tensor, *, clip_eps: float = 0.2
) -> torch.Tensor:
    r"""One term of PPO's clipped surrogate objective, element-wise.

    $$L^{CLIP}_t = \min\big(r_t \hat A_t,\
      \operatorname{clip}(r_t, 1-\epsilon, 1+\epsilon)\,\hat A_t\big)$$

    This is the objective (to be *maximised*), not the loss. The min makes
    it a pessimistic bound: for $\hat A_t > 0$ it is flat at
    $(1+\epsilon)\hat A_t$ once $r_t > 1+\epsilon$, for $\hat A_t < 0$ flat at
    $(1-\epsilon)\hat A_t$ once $r_t < 1-\epsilon$; plotted against $r_t$ it
    draws Figure 1 of the paper.

    Source: Schulman et al. 2017, arXiv:1707.06347, eq. 7 and Figure 1.

    ```python
    import torch
    from lesson_code.ppo import clipped_surrogate

    ratio = torch.tensor([0.5, 1.0, 1.5])
    up = clipped_surrogate(ratio, torch.ones(3), clip_eps=0.2)
    down = clipped_surrogate(ratio, -torch.ones(3), clip_eps=0.2)
    assert torch.allclose(up, torch.tensor([0.5, 1.0, 1.2]))
    assert torch.allclose(down, torch.tensor([-0.8, -1.0, -1.5]))
    ```
    """
    require_positive("clip_eps", clip_eps)
    require_floating("ratio", ratio)
    require_floating("advantages", advantages)
    require_same_shape("ratio", ratio, advantages=advantages)
    unclipped = ratio * advantages
    clipped = ratio.clamp(1 - clip_eps, 1 + clip_eps) * advantages
    return torch.min(unclipped, clipped)


def ppo_policy_loss(
    logp_new: torch.Tensor,
    logp_old: torch.Tensor,
    advantages: torch.Tensor,
    *,
    clip_eps: float = 0.2,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""PPO's clipped policy loss: the negative of the clipped surrogate objective.

    $$\mathcal L^{\pi}(\theta) = -\hat{\mathbb E}_t\Big[\min\big(r_t(\theta)\hat A_t,\
      \operatorname{clip}(r_t(\theta), 1-\epsilon, 1+\epsilon)\hat A_t\big)\Big]$$

    with $\hat{\mathbb E}_t$ the :func:`masked_mean`. Minimising it maximises
    $L^{CLIP}$. Where the ratio has left the clip range on the side the
    advantage favours, the term is constant and its gradient is exactly zero.

    Source: Schulman et al. 2017, arXiv:1707.06347, eq. 7; the sign as in
    CleanRL ``ppo.py`` (``pg_loss``).

    ```python
    import math
    import torch
    from lesson_code.ppo import ppo_policy_loss

    log_r = torch.tensor([0.5], requires_grad=True)  # ratio e^0.5 ≈ 1.649 > 1 + 0.2
    loss = ppo_policy_loss(log_r, torch.zeros(1), torch.tensor([1.0]))
    loss.backward()
    assert abs(loss.item() - (-1.2)) < 1e-6  # clipped at (1 + ε)·A
    assert log_r.grad.item() == 0.0          # no incentive to move further
    ```
    """
    require_positive("clip_eps", clip_eps)
    require_floating("advantages", advantages)
    require_same_shape("logp_new", logp_new, logp_old=logp_old, advantages=advantages)
    ratio = probability_ratio(logp_new, logp_old)
    return -masked_mean(clipped_surrogate(ratio, advantages, clip_eps=clip_eps), mask)


def ppo_value_loss(
    values: torch.Tensor,
    old_values: torch.Tensor,
    returns: torch.Tensor,
    *,
    clip_eps: float | None = None,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""Value-function loss, optionally clipped around the old values.

    $$\mathcal L^{V} = \tfrac12\,\hat{\mathbb E}_t\big[(V_t - R_t)^2\big]$$

    or, with ``clip_eps`` $= \epsilon$,

    $$V^{clip}_t = V^{old}_t + \operatorname{clip}(V_t - V^{old}_t, -\epsilon, \epsilon),\qquad
      \mathcal L^{V} = \tfrac12\,\hat{\mathbb E}_t\Big[
      \max\big((V_t - R_t)^2,\ (V^{clip}_t - R_t)^2\big)\Big]$$

    The max makes the clipped form pessimistic, like the policy's min:
    moving $V_t$ more than $\epsilon$ from $V^{old}_t$ earns nothing.
    ``old_values`` is only used when clipping.

    Source: $L^{VF}$ of Schulman et al. 2017, arXiv:1707.06347, eq. 9; the
    clipped form from OpenAI baselines ``ppo2/model.py`` and CleanRL
    ``ppo.py`` (``clip_vloss``), studied by Engstrom et al. 2020,
    arXiv:2005.12729, §3.

    ```python
    import torch
    from lesson_code.ppo import ppo_value_loss

    values, old_values, returns = torch.tensor([3.0]), torch.tensor([0.0]), torch.tensor([3.0])
    print(ppo_value_loss(values, old_values, returns).item())  # 0.0: V hits R
    clipped = ppo_value_loss(values, old_values, returns, clip_eps=0.2)
    assert abs(clipped.item() - 0.5 * (0.2 - 3.0) ** 2) < 1e-5  # V_clip = 0.2 is scored
    ```
    """
    require_floating("values", values)
    require_floating("old_values", old_values)
    require_floating("returns", returns)
    require_same_shape("values", values, old_values=old_values, returns=returns)
    if clip_eps is None:
        return 0.5 * masked_mean((values - returns) ** 2, mask)
    require_positive("clip_eps", clip_eps)
    values_clipped = old_values + (values - old_values).clamp(-clip_eps, clip_eps)
    loss_unclipped = (values - returns) ** 2
    loss_clipped = (values_clipped - returns) ** 2
    return 0.5 * masked_mean(torch.max(loss_unclipped, loss_clipped), mask)


def entropy(logits: torch.Tensor) -> torch.Tensor:
    r"""Entropy of the categorical distribution $\operatorname{softmax}(z)$ over the last dim.

    $$S[\pi](s) = -\sum_{a} \pi(a \mid s)\,\log \pi(a \mid s),
      \qquad \pi = \operatorname{softmax}(z)$$

    Computed from ``log_softmax``; actions with logit $-\infty$ (masked out)
    contribute 0, not NaN. PPO adds $c_2 S$ to the objective as an
    exploration bonus.

    Source: Schulman et al. 2017, arXiv:1707.06347, eq. 9 (the $S$ term).

    ```python
    import math
    import torch
    from lesson_code.ppo import entropy

    h = entropy(torch.zeros(2, 4))  # uniform over 4 actions
    assert torch.allclose(h, torch.full((2,), math.log(4)))
    print(entropy(torch.tensor([0.0, 0.0, -math.inf])).item())  # log 2 ≈ 0.693
    ```
    """
    require_floating("logits", logits)
    if logits.ndim == 0 or logits.shape[-1] == 0:
        raise ValueError(
            f"logits must have a non-empty last dimension (the actions); "
            f"got shape {shape_str(logits.shape)}"
        )
    logp = F.log_softmax(logits, dim=-1)
    logp = logp.clamp(min=torch.finfo(logp.dtype).min)  # 0 · (-inf) would be NaN
    return -(logp.exp() * logp).sum(dim=-1)


def normalize_advantages(
    advantages: torch.Tensor, *, mask: torch.Tensor | None = None, eps: float = 1e-8
) -> torch.Tensor:
    r"""Standardise advantages to mean 0 and standard deviation 1 over the batch.

    $$\tilde A_t = \frac{\hat A_t - \mu}{\sigma + \varepsilon},\qquad
      \mu = \hat{\mathbb E}_t[\hat A_t],\quad
      \sigma = \sqrt{\hat{\mathbb E}_t[(\hat A_t - \mu)^2]}$$

    with $\hat{\mathbb E}_t$ the :func:`masked_mean` and $\sigma$ the
    *population* standard deviation: a one-element batch gives 0, where
    torch's default (unbiased) ``std`` would give NaN. Masked-out positions
    are shifted and scaled with the same statistics (they do not enter them).

    Source: OpenAI baselines ``ppo2/model.py`` (per-minibatch normalisation);
    CleanRL ``ppo.py`` (``norm_adv``); Huang et al. 2022, "The 37
    Implementation Details of Proximal Policy Optimization", detail 7.

    ```python
    import torch
    from lesson_code.ppo import normalize_advantages

    a = normalize_advantages(torch.tensor([1.0, 2.0, 3.0, 4.0]))
    assert abs(a.mean().item()) < 1e-6
    assert abs(a.pow(2).mean().sqrt().item() - 1.0) < 1e-6
    print(normalize_advantages(torch.tensor([5.0])).item())  # 0.0, not NaN
    ```
    """
    require_positive("eps", eps)
    require_floating("advantages", advantages)
    mean = masked_mean(advantages, mask)
    std = masked_mean((advantages - mean) ** 2, mask).sqrt()
    return (advantages - mean) / (std + eps)


def approx_kl(
    logp_new: torch.Tensor,
    logp_old: torch.Tensor,
    *,
    estimator: KLEstimator = "k3",
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""Estimate $\mathrm{KL}[\pi_{old} \,\|\, \pi_{new}]$ from actions sampled by $\pi_{old}$.

    With $\log r = \log\pi_{new}(a) - \log\pi_{old}(a)$, $a \sim \pi_{old}$:

    $$k_1 = -\log r,\qquad k_2 = \tfrac12(\log r)^2,\qquad k_3 = (r - 1) - \log r$$

    and the estimate is their :func:`masked_mean`. $k_1$ is unbiased but
    noisy and can be negative; $k_2$ is biased but low-variance; $k_3$ is
    unbiased and never negative (computed as ``expm1(log_r) - log_r``, so
    it stays $\ge 0$ in floating point too). CleanRL logs $k_1$ as
    ``old_approx_kl`` and $k_3$ as ``approx_kl``.

    Source: J. Schulman, "Approximating KL Divergence", 2020
    (joschu.net/blog/kl-approx.html).

    ```python
    import torch
    from lesson_code.ppo import approx_kl

    logp_old = torch.tensor([-1.0, -2.0])
    logp_new = torch.tensor([-1.5, -1.5])  # log r = -0.5, +0.5
    print(approx_kl(logp_new, logp_old, estimator="k1").item())  # 0.0
    k3 = approx_kl(logp_new, logp_old)
    assert k3.item() > 0
    ```
    """
    if estimator not in ("k1", "k2", "k3"):
        raise ValueError(f'estimator must be "k1", "k2" or "k3"; got {estimator!r}')
    require_floating("logp_new", logp_new)
    require_floating("logp_old", logp_old)
    require_same_shape("logp_new", logp_new, logp_old=logp_old)
    log_r = logp_new - logp_old
    if estimator == "k1":
        kl = -log_r
    elif estimator == "k2":
        kl = 0.5 * log_r**2
    else:
        kl = torch.expm1(log_r) - log_r  # (r - 1) - log r
    return masked_mean(kl, mask)


def clip_fraction(
    ratio: torch.Tensor, *, clip_eps: float = 0.2, mask: torch.Tensor | None = None
) -> float:
    r"""Fraction of samples whose ratio lies outside the clip range.

    $$\text{clip fraction} = \hat{\mathbb E}_t\big[\mathbb 1[\,|r_t - 1| > \epsilon\,]\big]$$

    This is the CleanRL / OpenAI baselines convention: every ratio outside
    $[1-\epsilon, 1+\epsilon]$ counts, whether or not the clip changed the
    loss (TRL counts only the clips that did).

    Source: OpenAI baselines ``ppo2/model.py`` (``clipfrac``); CleanRL
    ``ppo.py`` (``clipfracs``).

    ```python
    import torch
    from lesson_code.ppo import clip_fraction

    ratio = torch.tensor([0.7, 0.9, 1.0, 1.1, 1.3])
    assert clip_fraction(ratio, clip_eps=0.2) == 0.4
    ```
    """
    require_positive("clip_eps", clip_eps)
    require_floating("ratio", ratio)
    outside = ((ratio - 1).abs() > clip_eps).double()
    return masked_mean(outside, mask).item()
