import torch
import torch.nn.functional as F

from lesson_code.reward_model import preference_loss

chosen = torch.tensor([1.7, 0.4, -0.2])
rejected = torch.tensor([0.0, 0.9, -1.5])
loss = preference_loss(chosen, rejected)

# 1. Add the same constant to both scores of every pair: the loss does not move.
for shift in (-10.0, 3.0, 100.0):
    shifted = preference_loss(chosen + shift, rejected + shift)
    print(f"shift {shift:+6.1f}: loss {shifted.item():.4f}")
    assert torch.allclose(shifted, loss)

# 2. Written with the difference d = r_w - r_l only: -log sigmoid(d) = softplus(-d).
d = chosen - rejected
assert torch.allclose(loss, F.softplus(-d).mean())
print(f"softplus(-d):      {F.softplus(-d).mean().item():.4f}")

# 3. The gradient pushes the two scores apart, equally and oppositely.
chosen.requires_grad_(True)
rejected.requires_grad_(True)
preference_loss(chosen, rejected).backward()
assert torch.allclose(chosen.grad, -rejected.grad)
print("d loss / d r_w = -(d loss / d r_l):", [f"{g:+.4f}" for g in chosen.grad.tolist()])
