import math

import torch

from lesson_code.pretraining import next_token_loss

# A sequence of three tokens from a vocabulary of V = 3: x = (0, 2, 1).
sequence = torch.tensor([[0, 2, 1]])
logits = torch.tensor(
    [
        [
            [0.0, 0.0, 0.0],  # position 0: uniform, p(x_2 = 2) = 1/3
            [0.0, math.log(2), 0.0],  # position 1: p = (1/4, 1/2, 1/4), p(x_3 = 1) = 1/2
            [5.0, -5.0, 0.0],  # position 2: no next token, never scored
        ]
    ]
)

by_hand = (math.log(3) + math.log(2)) / 2  # mean of -log(1/3) and -log(1/2)
loss = next_token_loss(logits, sequence)
print(f"by hand:         {by_hand:.4f}")
print(f"next_token_loss: {loss.item():.4f}")
assert math.isclose(loss.item(), by_hand, rel_tol=1e-6)
