r"""Generalised advantage estimation (GAE): how good was each action, in hindsight?

PPO (:mod:`lesson_code.ppo`) needs an advantage $\hat A_t$ for every step of
its rollouts: how much better the action turned out than the value $V(s_t)$
expected. GAE blends the one-step TD error (low variance, biased by $V$) and
the whole discounted return (unbiased, high variance) with one knob,
$\lambda$, and stops at episode boundaries.
"""

from __future__ import annotations

import torch

from lesson_code._validation import (
    require_floating,
    require_same_shape,
    require_tensor,
    require_unit_interval,
    shape_str,
)

__all__ = ["gae"]


def _check_gae_args(
    rewards: torch.Tensor,
    values: torch.Tensor,
    dones: torch.Tensor,
    next_value: torch.Tensor,
    gamma: float,
    lam: float,
) -> None:
    require_unit_interval("gamma", gamma)
    require_unit_interval("lam", lam)
    require_floating("rewards", rewards)
    require_floating("values", values)
    if rewards.ndim not in (1, 2):
        raise ValueError(
            f"rewards must have shape [T] or [T, N] (time first); got {shape_str(rewards.shape)}"
        )
    if rewards.shape[0] == 0:
        raise ValueError("rewards must have at least one time step; got T = 0")
    require_same_shape("rewards", rewards, values=values, dones=dones)
    require_tensor("next_value", next_value)
    if next_value.shape != rewards.shape[1:]:
        raise ValueError(
            f"next_value must have shape {shape_str(rewards.shape[1:])} (rewards[0]'s shape, "
            f"one value per environment); got {shape_str(next_value.shape)}"
        )


def gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    dones: torch.Tensor,
    next_value: torch.Tensor,
    *,
    gamma: float = 0.99,
    lam: float = 0.95,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Generalised advantage estimation, with returns for the value loss.

    $$\delta_t = r_t + \gamma(1-d_t)V(s_{t+1}) - V(s_t),\qquad
      \hat A_t = \delta_t + \gamma\lambda(1-d_t)\hat A_{t+1},\qquad
      R_t = \hat A_t + V(s_t)$$

    computed backwards from $t = T-1$ with $\hat A_T = 0$ and
    $V(s_T) =$ ``next_value``. Done-flag convention: ``dones[t] = 1`` means
    the episode *ended at step t* (``rewards[t]`` was its last reward), so
    neither $V(s_{t+1})$ nor $\hat A_{t+1}$ leaks across the boundary.
    (CleanRL stores instead "this observation began after a reset" and
    indexes ``dones[t + 1]``: the same recursion with the flag shifted.)
    $\lambda = 0$ gives the one-step TD error $\delta_t$; $\lambda = 1$ gives
    the discounted return minus $V(s_t)$.

    Source: Schulman et al. 2015, arXiv:1506.02438, §3, eq. 16;
    Schulman et al. 2017, arXiv:1707.06347, eq. 11–12 (truncated form used by PPO).

    Args:
        rewards: ``[T]`` or ``[T, N]`` (time first, ``N`` environments).
        values: $V(s_t)$, same shape.
        dones: bool or 0/1, same shape.
        next_value: $V(s_T)$ of the state after the last step, shape ``[]`` or ``[N]``.
        gamma: discount $\gamma \in [0, 1]$.
        lam: GAE $\lambda \in [0, 1]$.

    Returns:
        ``(advantages, returns)``, each of the shape of ``rewards``.

    ```python
    import torch
    from lesson_code.advantages import gae

    rewards = torch.tensor([1.0, 1.0, 1.0])
    values = torch.zeros(3)
    dones = torch.tensor([0, 0, 1])  # the episode ends at the last step...
    next_value = torch.tensor(5.0)   # ...so this is never bootstrapped
    advantages, returns = gae(rewards, values, dones, next_value, gamma=0.5, lam=1.0)
    print(advantages.tolist())  # [1.75, 1.5, 1.0]
    assert advantages.tolist() == [1.75, 1.5, 1.0]
    ```
    """
    _check_gae_args(rewards, values, dones, next_value, gamma, lam)
    not_done = 1.0 - dones.to(rewards.dtype)
    T = rewards.shape[0]
    steps: list[torch.Tensor] = []  # Â_{T-1}, Â_{T-2}, ..., Â_0
    last_advantage = torch.zeros_like(next_value, dtype=rewards.dtype)
    for t in reversed(range(T)):
        next_values = next_value if t == T - 1 else values[t + 1]
        delta = rewards[t] + gamma * not_done[t] * next_values - values[t]
        last_advantage = delta + gamma * lam * not_done[t] * last_advantage
        steps.append(last_advantage)
    advantages = torch.stack(steps[::-1])
    return advantages, advantages + values
