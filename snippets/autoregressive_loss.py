# The chapter's example, as written, with a seed so the printed loss is reproducible.
import torch
import torch.nn as nn

torch.manual_seed(0)

# Vocabulary size and sequence length
vocab_size = 5000
seq_len = 5

# Simulated logits from a model (Batch_size, Seq_len, Vocab_size)
logits = torch.randn(2, seq_len, vocab_size)

# Target tokens (Batch_size, Seq_len) - the actual next tokens
targets = torch.randint(0, vocab_size, (2, seq_len))

# CrossEntropyLoss expects (N, C, ...) or (N, C)
# We flatten the batch and sequence dimensions
loss_fct = nn.CrossEntropyLoss()
loss = loss_fct(logits.view(-1, vocab_size), targets.view(-1))

print(f"Calculated Autoregressive Loss: {loss.item():.4f}")
