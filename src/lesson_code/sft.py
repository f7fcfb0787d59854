r"""Supervised fine-tuning (SFT): learn the response, not the prompt.

SFT trains on (prompt, response) pairs written by people. The loss is the same
next-token cross-entropy as pre-training, but only the response tokens are
targets: the prompt and the padding are masked out of the labels with the
ignore index. Masking the labels and then letting the causal shift do the rest
means the first response token is predicted from the logits at the last prompt
position.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from lesson_code._validation import (
    require_integer,
    require_mask,
    require_ndim,
    require_tensor,
    shape_str,
)
from lesson_code.pretraining import IGNORE_INDEX, next_token_loss

__all__ = ["mask_prompt", "sft_loss"]


def _as_lengths(prompt_lengths: torch.Tensor | Sequence[int], B: int, T: int) -> torch.Tensor:
    lengths = torch.as_tensor(prompt_lengths)
    require_integer("prompt_lengths", lengths)
    if lengths.shape != (B,):
        raise ValueError(
            f"prompt_lengths must have shape [B] = ({B},) to match input_ids [B, T]; "
            f"got {shape_str(lengths.shape)}"
        )
    if B > 0:
        lo, hi = torch.aminmax(lengths)
        if lo < 0 or hi > T:
            raise ValueError(f"prompt_lengths must be in [0, T] = [0, {T}]; got {lengths.tolist()}")
    return lengths


def mask_prompt(
    input_ids: torch.Tensor,
    prompt_lengths: torch.Tensor | Sequence[int],
    *,
    attention_mask: torch.Tensor | None = None,
    ignore_index: int = IGNORE_INDEX,
) -> torch.Tensor:
    r"""Labels for SFT: the input ids with prompt and padding set to ``ignore_index``.

    $$\text{labels}_{b,t} = \begin{cases}
      \text{ignore} & t < \ell_b \ \text{or}\ m_{b,t} = 0 \\
      x_{b,t} & \text{otherwise}
    \end{cases}$$

    with $\ell_b$ the prompt length of row $b$ and $m$ the attention mask.
    The prompt is counted from the start of the row, so with right padding
    $\ell_b$ is the prompt's length; with left padding include the padding
    in it. Feed the labels to
    :func:`lesson_code.pretraining.next_token_loss`, which shifts them: the
    target of the last prompt position is the first response token.

    Source: Ouyang et al. 2022 (InstructGPT), arXiv:2203.02155, §3.5 (SFT on
    labeller demonstrations); the label masking follows TRL's SFT trainer
    (``completion_only_loss``).

    Args:
        input_ids: ``[B, T]`` integer token ids, prompt then response.
        prompt_lengths: ``[B]`` integers in ``[0, T]`` (a tensor or a list).
        attention_mask: optional ``[B, T]``, 0 on padding.
        ignore_index: the value written into masked positions.

    Returns:
        ``[B, T]`` int64 labels.

    ```python
    import torch
    from lesson_code.sft import mask_prompt

    input_ids = torch.tensor([[11, 12, 13, 21, 22, 0],
                              [11, 12, 21, 22, 23, 24]])
    attention_mask = torch.tensor([[1, 1, 1, 1, 1, 0],
                                   [1, 1, 1, 1, 1, 1]])
    labels = mask_prompt(input_ids, [3, 2], attention_mask=attention_mask)
    print(labels.tolist())
    assert labels.tolist() == [[-100, -100, -100, 21, 22, -100],
                               [-100, -100, 21, 22, 23, 24]]
    ```
    """
    require_integer("input_ids", input_ids)
    require_ndim("input_ids", input_ids, 2, "[B, T]")
    B, T = input_ids.shape
    lengths = _as_lengths(prompt_lengths, B, T).to(input_ids.device)
    positions = torch.arange(T, device=input_ids.device)
    in_prompt = positions[None, :] < lengths[:, None]
    labels = input_ids.long().masked_fill(in_prompt, ignore_index)
    if attention_mask is not None:
        require_mask(attention_mask, input_ids, "input_ids", "attention_mask")
        labels = labels.masked_fill(attention_mask == 0, ignore_index)
    return labels


def sft_loss(
    logits: torch.Tensor,
    input_ids: torch.Tensor,
    prompt_lengths: torch.Tensor | Sequence[int],
    *,
    attention_mask: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""Next-token cross-entropy on the response tokens only.

    $$\mathcal L_{SFT} = -\frac{1}{|R|}\sum_{(b,t+1)\in R}
      \log \operatorname{softmax}(z_{b,t})_{x_{b,t+1}}$$

    where $R$ is the set of response positions (not prompt, not padding) in
    the batch: :func:`next_token_loss` on the labels of :func:`mask_prompt`.

    Source: Ouyang et al. 2022 (InstructGPT), arXiv:2203.02155, §3.5;
    TRL ``SFTTrainer`` with ``completion_only_loss``.

    ```python
    import math
    import torch
    from lesson_code.sft import sft_loss

    input_ids = torch.tensor([[5, 6, 7, 8]])  # prompt [5, 6], response [7, 8]
    logits = torch.zeros(1, 4, 10)            # uniform over V = 10
    loss = sft_loss(logits, input_ids, [2])
    assert abs(loss.item() - math.log(10)) < 1e-6  # two response targets, each log 10
    ```
    """
    require_ndim("logits", logits, 3, "[B, T, V]")
    require_tensor("input_ids", input_ids)
    if input_ids.shape != logits.shape[:2]:
        raise ValueError(
            f"input_ids must have shape [B, T] = {shape_str(logits.shape[:2])} to match "
            f"logits [B, T, V] = {shape_str(logits.shape)}; got {shape_str(input_ids.shape)}"
        )
    labels = mask_prompt(input_ids, prompt_lengths, attention_mask=attention_mask)
    return next_token_loss(logits, labels)
