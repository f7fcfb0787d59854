r"""Reward modelling: learn a scalar score from pairwise human preferences.

People find it easier to say which of two answers is better than to score one.
The reward model $r_\theta(x, y)$ is trained so that the preferred ("chosen")
answer $y_w$ scores higher than the other ("rejected") one $y_l$: under the
Bradley–Terry model the probability that $y_w$ is preferred is
$\sigma(r_\theta(x, y_w) - r_\theta(x, y_l))$, and the loss is its negative
log-likelihood. Only the difference of the two rewards matters.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lesson_code._validation import require_floating, require_nonempty, require_same_shape

__all__ = ["preference_accuracy", "preference_loss"]


def _check_pair(chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor) -> None:
    require_floating("chosen_rewards", chosen_rewards)
    require_floating("rejected_rewards", rejected_rewards)
    require_same_shape("chosen_rewards", chosen_rewards, rejected_rewards=rejected_rewards)
    require_nonempty("chosen_rewards", chosen_rewards)


def preference_loss(
    chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor, *, margin: float = 0.0
) -> torch.Tensor:
    r"""Pairwise (Bradley–Terry) loss of a reward model.

    $$\mathcal L(\theta) = -\frac{1}{N}\sum_{i=1}^{N}
      \log\sigma\big(r_\theta(x_i, y_{w,i}) - r_\theta(x_i, y_{l,i}) - m\big)$$

    which equals $\operatorname{softplus}(-(d - m))$ with
    $d = r_w - r_l$: $\ln 2$ at $d = 0$, near 0 when the chosen answer wins
    by a lot, and close to $|d|$ when it loses by a lot. It is computed with
    ``logsigmoid``, so it stays finite at any magnitude (at $d = -200$,
    $\log\sigma(d)$ written as ``log(sigmoid(d))`` is $-\infty$; the loss is
    200). The optional margin $m$ asks the chosen answer to win by at least
    $m$.

    Source: Ouyang et al. 2022 (InstructGPT), arXiv:2203.02155, §3.5, eq. 1
    (the $1/\binom{K}{2}$ weighting over $K$ ranked answers reduces to this
    mean over pairs); the margin follows TRL's ``RewardTrainer``.

    Args:
        chosen_rewards: rewards of the preferred answers, any shape.
        rejected_rewards: rewards of the other answers, same shape.
        margin: $m \ge 0$ is usual; any float is accepted.

    Returns:
        A 0-d tensor.

    ```python
    import math
    import torch
    from lesson_code.reward_model import preference_loss

    tie = preference_loss(torch.tensor([0.5]), torch.tensor([0.5]))
    assert abs(tie.item() - math.log(2)) < 1e-6  # no preference learned yet: ln 2

    loss = preference_loss(torch.tensor([2.0]), torch.tensor([0.3]))  # d = 1.7
    print(round(loss.item(), 4))  # 0.1678
    ```
    """
    _check_pair(chosen_rewards, rejected_rewards)
    return -F.logsigmoid(chosen_rewards - rejected_rewards - margin).mean()


def preference_accuracy(chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor) -> float:
    r"""Fraction of pairs the reward model ranks the way people did.

    $$\text{accuracy} = \frac{1}{N}\sum_{i=1}^{N}
      \mathbb 1\big[r_\theta(x_i, y_{w,i}) > r_\theta(x_i, y_{l,i})\big]$$

    Ties count as wrong. Source: the held-out agreement with human labels by
    which reward models are judged, e.g. Stiennon et al. 2020,
    arXiv:2009.01325, §4.3.

    ```python
    import torch
    from lesson_code.reward_model import preference_accuracy

    chosen = torch.tensor([1.0, 0.2, 3.0, -1.0])
    rejected = torch.tensor([0.0, 0.5, 2.0, -1.0])  # the last pair is a tie
    acc = preference_accuracy(chosen, rejected)
    assert acc == 0.5
    ```
    """
    _check_pair(chosen_rewards, rejected_rewards)
    return (chosen_rewards > rejected_rewards).double().mean().item()
