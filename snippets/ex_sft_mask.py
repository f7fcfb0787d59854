import torch

from lesson_code.pretraining import next_token_loss
from lesson_code.sft import mask_prompt, sft_loss

# Prompt: 3 tokens (11 12 13); response: 2 tokens and <end> (21 22 2).
input_ids = torch.tensor([[11, 12, 13, 21, 22, 2]])
labels = mask_prompt(input_ids, torch.tensor([3]))
print("labels:", labels.tolist()[0])

targets = labels[:, 1:]  # what the logits at positions 0 .. 4 are scored against
print("terms in the loss:", int((targets != -100).sum()))
print("the first response token is predicted at position", int((targets != -100).int().argmax()))

torch.manual_seed(0)
logits = torch.randn(1, 6, 32)
assert torch.allclose(
    sft_loss(logits, input_ids, torch.tensor([3])), next_token_loss(logits, labels)
)
