import math

import torch
import torch.nn as nn

from lesson_code.pretraining import next_token_loss, perplexity

torch.manual_seed(0)
vocab_size, seq_len = 5000, 5
logits = torch.randn(2, seq_len, vocab_size)
targets = torch.randint(0, vocab_size, (2, seq_len))
source_loss = nn.CrossEntropyLoss()(logits.view(-1, vocab_size), targets.view(-1))

# A real model reads one sequence: the targets are the inputs shifted by one.
# Prepend a first token, so that sequence[:, t + 1] == targets[:, t] ...
first_token = torch.randint(0, vocab_size, (2, 1))
sequence = torch.cat([first_token, targets], dim=1)  # [2, 6]
# ... and give the model one more position: its logits have no target.
last_logits = torch.randn(2, 1, vocab_size)
model_logits = torch.cat([logits, last_logits], dim=1)  # [2, 6, 5000]

# next_token_loss scores logits[:, t] against sequence[:, t + 1].
shifted_loss = next_token_loss(model_logits, sequence)
print(f"CrossEntropyLoss on aligned targets: {source_loss.item():.4f}")
print(f"next_token_loss on the raw sequence: {shifted_loss.item():.4f}")
assert torch.allclose(source_loss, shifted_loss)

# A uniform guess over V tokens scores log V; random logits do worse.
print(f"uniform guess: loss {math.log(vocab_size):.4f}, perplexity {vocab_size:,}")
print(f"random logits: loss {shifted_loss.item():.4f}, perplexity {perplexity(shifted_loss):,.0f}")
