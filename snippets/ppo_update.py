import torch

from lesson_code.ppo import approx_kl, clip_fraction, ppo_policy_loss, probability_ratio

torch.manual_seed(0)
# A policy over 4 actions in 8 states, and a batch of actions it took.
logits = torch.randn(8, 4, requires_grad=True)
actions = torch.randint(0, 4, (8,))
advantages = torch.randn(8)  # from GAE: better (> 0) or worse (< 0) than expected

logp_old = torch.log_softmax(logits, -1).gather(1, actions[:, None]).squeeze(1).detach()
optimizer = torch.optim.SGD([logits], lr=2.0)

for epoch in range(4):  # epochs on one batch: the clip removes the gain of moving r past 1 ± eps
    logp_new = torch.log_softmax(logits, -1).gather(1, actions[:, None]).squeeze(1)
    loss = ppo_policy_loss(logp_new, logp_old, advantages, clip_eps=0.2)
    ratio = probability_ratio(logp_new, logp_old).detach()
    kl = approx_kl(logp_new.detach(), logp_old)  # k3 estimator, always >= 0
    print(
        f"epoch {epoch}: loss {loss.item():+.4f}  approx_kl {kl.item():.4f}  "
        f"clip_fraction {clip_fraction(ratio, clip_eps=0.2):.2f}"
    )
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
