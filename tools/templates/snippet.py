# The chapter's first example: replace it with the chapter's own code,
# keeping it runnable on its own and at most about 40 lines.
import torch

from lesson_code.pretraining import next_token_loss, perplexity

torch.manual_seed(0)
logits = torch.randn(1, 4, 5)  # a batch of one sequence, 4 positions, 5 tokens
tokens = torch.tensor([[1, 2, 3, 4]])
loss = next_token_loss(logits, tokens)
print(f"next-token loss: {loss.item():.4f}  perplexity: {perplexity(loss):.2f}")
