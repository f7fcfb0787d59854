import torch

from lesson_code.sft import mask_prompt, sft_loss

# Two prompt-response pairs, as token ids; the second row is padded.
input_ids = torch.tensor(
    [
        [11, 12, 13, 21, 22, 2],  # prompt: 11 12 13, response: 21 22 <end=2>
        [14, 15, 23, 2, 0, 0],  # prompt: 14 15, response: 23 <end=2>, then padding
    ]
)
attention_mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]])
prompt_lengths = torch.tensor([3, 2])

labels = mask_prompt(input_ids, prompt_lengths, attention_mask=attention_mask)
print(labels)  # -100: no loss on the prompt or the padding

# Only response tokens count: 3 targets in row 0, 2 in row 1.
print("targets counted:", int((labels[:, 1:] != -100).sum()))

torch.manual_seed(0)
logits = torch.randn(2, 6, 32)  # a model's scores over a 32-token vocabulary
loss = sft_loss(logits, input_ids, prompt_lengths, attention_mask=attention_mask)
print(f"SFT loss over response tokens: {loss.item():.4f}")
