import torch

from lesson_code.rlhf import kl_shaped_rewards

# One response of three tokens that the policy now likes more than the SFT model does:
# log pi - log pi_ref = +0.5 per token, a KL estimate (k1) of 1.5 nats for the response.
logp = torch.tensor([[-0.5, -0.5, -0.5]])
ref_logp = torch.tensor([[-1.0, -1.0, -1.0]])
mask = torch.ones(1, 3)
score = torch.tensor([1.0])  # the reward model's score of the response

for beta in (0.2, 0.05, 0.0):
    rewards = kl_shaped_rewards(score, logp, ref_logp, mask, beta=beta)
    drift_cost = score.item() - rewards.sum().item()
    print(f"beta = {beta:.2f}: return {rewards.sum().item():.3f}, the drift costs {drift_cost:.3f}")
# With beta = 0 the return is the score alone: drifting from the SFT model is free.
assert torch.equal(kl_shaped_rewards(score, logp, ref_logp, mask, beta=0.0).sum(), score.sum())
