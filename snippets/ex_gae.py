import torch

from lesson_code.advantages import gae

# One episode of three steps; it ends at step 2 (the last reward is the result).
rewards = torch.tensor([0.0, 0.0, 1.0])
values = torch.tensor([0.5, 0.6, 0.8])  # V(s_0), V(s_1), V(s_2)
dones = torch.tensor([0.0, 0.0, 1.0])
next_value = torch.tensor(0.9)  # the value of whatever follows: a new episode
gamma, lam = 0.9, 0.8

# By hand, backwards. Step 2 is terminal: no bootstrap from next_value.
d2 = 1.0 - 0.8  # = 0.2
d1 = 0.0 + gamma * 0.8 - 0.6  # = 0.12
d0 = 0.0 + gamma * 0.6 - 0.5  # = 0.04
a2 = d2
a1 = d1 + gamma * lam * a2  # = 0.264
a0 = d0 + gamma * lam * a1  # = 0.23008
by_hand = torch.tensor([a0, a1, a2])

advantages, returns = gae(rewards, values, dones, next_value, gamma=gamma, lam=lam)
print("advantages by hand:", [f"{a:.4f}" for a in by_hand.tolist()])
print("advantages by gae: ", [f"{a:.4f}" for a in advantages.tolist()])
print("returns (A + V):   ", [f"{r:.4f}" for r in returns.tolist()])
assert torch.allclose(advantages, by_hand)
# The terminal flag cuts the episode off: the next episode's value changes nothing.
assert torch.equal(
    advantages, gae(rewards, values, dones, torch.tensor(-5.0), gamma=gamma, lam=lam)[0]
)
