import torch
import torch.nn.functional as F

from lesson_code.pretraining import next_token_loss

V = 10
sequence = torch.tensor([[3, 1, 4, 1, 5, 9, 2, 6]])
# A model that has learned the sequence: at position t it is sure of token t + 1.
logits = 10.0 * F.one_hot(torch.roll(sequence, -1, dims=1), V).float()


def broken_loss(logits: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
    """Meant to score the logits at t against the token at t + 1."""
    return F.cross_entropy(logits[:, 1:].reshape(-1, V), tokens[:, :-1].reshape(-1))


def fixed_loss(logits: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
    # Drop the last position's logits (no next token) and the first token (no context).
    return F.cross_entropy(logits[:, :-1].reshape(-1, V), tokens[:, 1:].reshape(-1))


print(f"broken shift:    {broken_loss(logits, sequence).item():.4f}")
print(f"fixed shift:     {fixed_loss(logits, sequence).item():.4f}")
print(f"next_token_loss: {next_token_loss(logits, sequence).item():.4f}")
assert torch.allclose(fixed_loss(logits, sequence), next_token_loss(logits, sequence))
