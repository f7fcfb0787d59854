r"""Self-supervised pre-training: the next-token cross-entropy and perplexity.

A language model is pre-trained with no human labels at all: the text is its
own target. At every position $t$ the model outputs logits $z_{b,t}$ over the
vocabulary, and is scored on the token that actually comes *next*,
$y_{b,t+1}$. This module teaches that one loss, the causal shift hidden in
it, and perplexity, the number usually reported for it.
"""

from __future__ import annotations

import math
from typing import Literal

import torch
import torch.nn.functional as F

from lesson_code._validation import require_floating, require_integer, shape_str

__all__ = ["IGNORE_INDEX", "next_token_loss", "perplexity"]

# The label of a position that is not a target: torch's default for cross_entropy.
IGNORE_INDEX = -100

Reduction = Literal["mean", "sum"]


def _check_logits_and_labels(logits: torch.Tensor, labels: torch.Tensor) -> None:
    require_floating("logits", logits)
    if logits.ndim != 3:
        raise ValueError(f"logits must have shape [B, T, V]; got {shape_str(logits.shape)}")
    require_integer("labels", labels)
    if labels.shape != logits.shape[:2]:
        raise ValueError(
            f"labels must have shape [B, T] = {shape_str(logits.shape[:2])} to match "
            f"logits [B, T, V] = {shape_str(logits.shape)}; got {shape_str(labels.shape)}"
        )


def _check_label_values(
    labels: torch.Tensor, targets: torch.Tensor, V: int, ignore_index: int, reduction: str
) -> None:
    """One min/max over the labels and one count of the targets, read in a single sync."""
    if labels.numel() == 0:
        n_targets = 0
    else:
        valid = labels != ignore_index
        min_max = torch.aminmax(labels.masked_fill(~valid, 0))
        count = (targets != ignore_index).sum()
        lo, hi, n_targets = torch.stack([*min_max, count]).tolist()  # one sync
        if lo < 0 or hi >= V:
            bad = lo if lo < 0 else hi
            raise ValueError(
                f"labels must be token ids in [0, V) = [0, {V}) or ignore_index={ignore_index}; "
                f"found {bad}"
            )
    if reduction == "mean" and n_targets == 0:
        raise ValueError(
            "labels leave no target to average over: every next-token label is "
            f"ignore_index={ignore_index} (or T < 2); the mean would be NaN"
        )


def next_token_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    *,
    ignore_index: int = IGNORE_INDEX,
    reduction: Reduction = "mean",
) -> torch.Tensor:
    r"""Cross-entropy of each position's logits against the *next* token.

    $$\mathcal L = -\frac{1}{N}\sum_{b,t\,:\,y_{b,t+1}\neq\text{ignore}}
      \log \operatorname{softmax}(z_{b,t})_{y_{b,t+1}}$$

    where $N$ is the number of non-ignored targets in the whole batch: a
    token-level mean, not a mean of per-sequence means. The last position has
    no next token and scores nothing. With ``reduction="sum"`` the $1/N$ is
    dropped.

    Source: the causal language-modelling objective, Radford et al. 2018
    ("Improving Language Understanding by Generative Pre-Training", §3.1,
    eq. 1); the label shift follows Hugging Face transformers
    (``ForCausalLMLoss``): the labels are padded on the right with
    ``ignore_index`` and shifted left, so the ``[B, T, V]`` logits are never
    sliced or copied (only reshaped, which is a view for contiguous logits).
    Logits below float32 (bfloat16, float16) are upcast and the loss is
    computed in float32.

    Args:
        logits: ``[B, T, V]`` floating-point scores.
        labels: ``[B, T]`` integer token ids in ``[0, V)``, or ``ignore_index``.
        ignore_index: label value that contributes no term.
        reduction: ``"mean"`` (over all non-ignored targets) or ``"sum"``.

    Returns:
        A 0-d tensor, float32 or wider.

    ```python
    import math
    import torch
    from lesson_code.pretraining import next_token_loss

    logits = torch.zeros(2, 4, 5)  # [B, T, V]: a uniform guess over V = 5 tokens
    labels = torch.tensor([[1, 2, 3, 4], [0, 1, -100, -100]])
    loss = next_token_loss(logits, labels)
    assert abs(loss.item() - math.log(5)) < 1e-6  # uniform logits give log V

    # A model that always puts its mass on the token that comes next scores ~0.
    ids = torch.tensor([[0, 1, 2, 3, 4]])
    sharp = 20.0 * torch.nn.functional.one_hot(ids.roll(-1, dims=1), 5).float()
    print(round(next_token_loss(sharp, ids).item(), 6))  # 0.0
    ```
    """
    if reduction not in ("mean", "sum"):
        raise ValueError(f'reduction must be "mean" or "sum"; got {reduction!r}')
    _check_logits_and_labels(logits, labels)
    V = logits.shape[-1]
    labels = labels.long()
    # Position t is scored against labels[:, t + 1]; the last position gets ignore_index.
    targets = F.pad(labels[:, 1:], (0, 1), value=ignore_index)
    _check_label_values(labels, targets, V, ignore_index, reduction)
    if torch.finfo(logits.dtype).bits < 32:
        logits = logits.float()
    return F.cross_entropy(
        logits.reshape(-1, V), targets.reshape(-1), ignore_index=ignore_index, reduction=reduction
    )


def perplexity(mean_nll: float | torch.Tensor) -> float:
    r"""Perplexity: the exponential of a mean negative log-likelihood.

    $$\mathrm{PPL} = \exp\Big(\frac{1}{N}\sum_{i=1}^{N} -\log p(y_i \mid y_{<i})\Big)$$

    Pass the mean over *all* tokens of a corpus (total NLL / total tokens);
    the average of per-batch perplexities is a different, larger number.
    A uniform guess over $V$ tokens has perplexity $V$: the model is as
    unsure as a fair $V$-sided die.

    Source: Jelinek et al. 1977, "Perplexity — a measure of the difficulty of
    speech recognition tasks"; Jurafsky & Martin, *Speech and Language
    Processing* (3rd ed. draft), chapter 3 (perplexity).

    Args:
        mean_nll: a float or a 0-d tensor, in nats.

    Returns:
        A Python float (``inf`` if it overflows).

    ```python
    import math
    import torch
    from lesson_code.pretraining import next_token_loss, perplexity

    loss = next_token_loss(torch.zeros(1, 6, 50), torch.randint(0, 50, (1, 6)))
    ppl = perplexity(loss)
    assert abs(ppl - 50) < 1e-3  # uniform over 50 tokens: perplexity 50
    print(perplexity(math.log(2)))  # a coin flip per token: 2.0
    ```
    """
    if isinstance(mean_nll, torch.Tensor):
        if mean_nll.numel() != 1:
            raise ValueError(
                f"mean_nll must be a float or a 0-d tensor; got shape {shape_str(mean_nll.shape)}"
            )
        mean_nll = float(mean_nll.item())
    elif isinstance(mean_nll, bool) or not isinstance(mean_nll, int | float):
        raise ValueError(f"mean_nll must be a float or a 0-d tensor; got {type(mean_nll).__name__}")
    if math.isnan(mean_nll):
        raise ValueError("mean_nll is NaN")
    try:
        return math.exp(mean_nll)
    except OverflowError:
        return math.inf
