import torch

from lesson_code.ppo import clipped_surrogate, ppo_policy_loss


def my_clipped_objective(ratio, advantages, eps=0.2):
    """min(r A, clip(r, 1 - eps, 1 + eps) A), element-wise (PPO eq. 7)."""
    return torch.minimum(ratio * advantages, ratio.clamp(1 - eps, 1 + eps) * advantages)


ratio = torch.linspace(0.0, 2.0, 201)
for sign in (+1.0, -1.0):
    advantages = torch.full_like(ratio, sign)
    mine = my_clipped_objective(ratio, advantages)
    theirs = clipped_surrogate(ratio, advantages, clip_eps=0.2)
    assert torch.equal(mine, theirs)
    # The loss is the negative mean of the objective, computed from log-probabilities.
    loss = ppo_policy_loss(ratio.log(), torch.zeros_like(ratio), advantages, clip_eps=0.2)
    assert torch.allclose(loss, -mine.mean())
    print(f"A = {sign:+.0f}: highest objective {mine.max().item():+.2f}, lowest {mine.min():+.2f}")
print("my_clipped_objective equals clipped_surrogate on 201 ratios, for A = +1 and A = -1")
