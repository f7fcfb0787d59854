import torch
import torch.nn.functional as F

from lesson_code.pretraining import next_token_loss, perplexity

# One training sequence of token ids, from a vocabulary of V = 10 tokens.
sequence = torch.tensor([[3, 1, 4, 1, 5, 9, 2, 6]])
V = 10


def sure_of(tokens: torch.Tensor) -> torch.Tensor:
    """Logits of a model that is confident of one token at each position."""
    return 10.0 * F.one_hot(tokens, V).float()


# A model that predicts the token it is reading ...
copy_loss = next_token_loss(sure_of(sequence), sequence)
# ... one that predicts the token that comes next (its last guess has no target) ...
next_loss = next_token_loss(sure_of(torch.roll(sequence, -1, dims=1)), sequence)
# ... and one that knows nothing: uniform logits.
uniform_loss = next_token_loss(torch.zeros(1, 8, V), sequence)

for name, loss in [
    ("copies the input", copy_loss),
    ("predicts the next token", next_loss),
    ("uniform", uniform_loss),
]:
    print(f"{name:>24}: loss {loss.item():7.4f}  perplexity {perplexity(loss):7.1f}")
