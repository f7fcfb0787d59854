r"""The model of the game course: a tiny causal transformer, with an optional scalar head.

A GPT in the spirit of nanoGPT: token and position embeddings, ``n_layer`` pre-norm blocks (causal
multi-head self-attention, then a two-layer MLP), a final layer norm, and
a linear map to the vocabulary: the logits $z_{b,t}$ that score the token
at position $t+1$. With ``value_head=True`` the model also returns one
scalar per position, $v_{b,t}$: the reward model reads it at the last token
of a game, the PPO critic at every move.

With the defaults (width 64, 2 layers, 4 heads, 14 tokens, 11 positions)
the model has about 100k parameters and trains in seconds on a CPU.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["GPT", "GPTConfig"]


@dataclass(frozen=True)
class GPTConfig:
    """Sizes of the model."""

    vocab_size: int = 14
    block_size: int = 11
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64


class CausalSelfAttention(nn.Module):
    """Multi-head attention where position $t$ sees positions $\\le t$ only."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.qkv = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.proj = nn.Linear(config.n_embd, config.n_embd)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (z.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # softmax(qk^T/sqrt(d))v
        return self.proj(y.transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    """``x + attn(ln(x))``, then ``x + mlp(ln(x))``."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = nn.Sequential(
            nn.Linear(config.n_embd, 4 * config.n_embd),
            nn.GELU(),
            nn.Linear(4 * config.n_embd, config.n_embd),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """The causal transformer: token ids ``[B, T]`` in; logits ``[B, T, V]`` and scalars out.

    ```python
    import torch
    from lesson_code.tictactoe.model import GPT, GPTConfig

    torch.manual_seed(0)
    model = GPT(GPTConfig(), value_head=True)
    logits, values = model(torch.tensor([[9, 4, 0]]))
    print(tuple(logits.shape), tuple(values.shape))  # (1, 3, 14) (1, 3)
    ```
    """

    def __init__(self, config: GPTConfig, *, value_head: bool = False) -> None:
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.block_size, config.n_embd)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.value_head = nn.Linear(config.n_embd, 1) if value_head else None
        self.apply(self._init_weights)
        for name, p in self.named_parameters():  # GPT-2: scale the residual projections
            if name.endswith(("attn.proj.weight", "mlp.2.weight")):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear | nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def hidden(self, idx: torch.Tensor) -> torch.Tensor:
        """The final hidden states ``[B, T, n_embd]``."""
        T = idx.shape[1]
        if self.config.block_size < T:
            raise ValueError(f"idx must have at most block_size={self.config.block_size} positions")
        x = self.wte(idx) + self.wpe(torch.arange(T, device=idx.device))
        for block in self.blocks:
            x = block(x)
        return self.ln_f(x)

    def forward(self, idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits ``[B, T, V]``, and the scalars ``[B, T]`` (``None`` without a value head)."""
        h = self.hidden(idx)
        values = None if self.value_head is None else self.value_head(h).squeeze(-1)
        return self.lm_head(h), values

    def with_value_head(self) -> GPT:
        """A copy of this model (same weights) with a fresh scalar head, zero-initialised."""
        model = GPT(self.config, value_head=True)
        model.load_state_dict(copy.deepcopy(self.state_dict()), strict=False)
        nn.init.zeros_(model.value_head.weight)
        nn.init.zeros_(model.value_head.bias)
        return model

    def num_parameters(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters())
