import math

import torch

from lesson_code.reward_model import preference_accuracy, preference_loss

# A reward model scored two answers to each of three prompts.
chosen_rewards = torch.tensor([1.7, 0.4, -0.2])  # the answers people preferred
rejected_rewards = torch.tensor([0.0, 0.9, -1.5])  # the answers they rejected

loss = preference_loss(chosen_rewards, rejected_rewards)
print(f"preference loss: {loss.item():.4f}")
print(f"accuracy: {preference_accuracy(chosen_rewards, rejected_rewards):.2f}")

# One pair alone: a margin of d = 1.7 costs -log(sigmoid(1.7)) = 0.1678 ...
single = preference_loss(torch.tensor([1.7]), torch.tensor([0.0]))
print(f"d = 1.7: {single.item():.4f}")
# ... a tie costs ln 2, and only the difference of the rewards matters.
tie = preference_loss(torch.tensor([5.0]), torch.tensor([5.0]))
assert math.isclose(tie.item(), math.log(2), rel_tol=1e-6)
shifted = preference_loss(chosen_rewards + 100, rejected_rewards + 100)
assert torch.allclose(loss, shifted)
