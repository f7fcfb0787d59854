"""The next-token model, a small GRU, and its deterministic training.

:func:`train` splits the corpus into training and held-out sentences, builds the
vocabulary from the training split and fits :class:`WordGRU` with
:func:`lesson_code.pretraining.next_token_loss`. Everything that determines the
trained weights is in :class:`TrainConfig`: with the same corpus and config, a
re-run on the same machine gives the same weights bit for bit. On another CPU
the floating-point kernels round differently, so the weights agree only to
about the last digits.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch
from torch import nn

from lesson_code.next_token.corpus import read_corpus
from lesson_code.next_token.tokenizer import PAD, WordTokenizer
from lesson_code.pretraining import next_token_loss, perplexity


class WordGRU(nn.Module):
    """Embeddings → one GRU layer → a linear read-out of next-word logits.

    ``forward(ids[B, T]) -> logits[B, T, V]``, where ``logits[:, t]`` scores the
    token at ``t + 1`` given ``ids[:, : t + 1]`` (causal: a GRU only looks back).
    """

    def __init__(self, vocab_size: int, d_embed: int = 48, d_hidden: int = 128) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_embed)
        self.gru = nn.GRU(d_embed, d_hidden, batch_first=True)
        self.readout = nn.Linear(d_hidden, vocab_size)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Next-word logits at every position of ``ids``."""
        hidden, _ = self.gru(self.embed(ids))
        return self.readout(hidden)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines the trained model (with the corpus)."""

    seed: int = 0
    heldout_fraction: float = 0.1
    d_embed: int = 48
    d_hidden: int = 128
    epochs: int = 12
    batch_size: int = 32
    lr: float = 3e-3
    threads: int = 1  # a fixed thread count keeps float sums in the same order everywhere


@dataclass
class TrainResult:
    """A trained model with its tokenizer and what the run measured."""

    model: WordGRU
    tokenizer: WordTokenizer
    heldout_loss: float
    train_sentences: int
    heldout_sentences: int
    train_tokens: int
    seconds: float
    config: TrainConfig = field(default_factory=TrainConfig)

    @property
    def heldout_perplexity(self) -> float:
        """exp(held-out loss): the model is as unsure as a uniform choice among this many words."""
        return perplexity(self.heldout_loss)

    @property
    def parameters(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.model.parameters())


def split_sentences(
    sentences: Sequence[str], fraction: float, seed: int
) -> tuple[list[str], list[str]]:
    """Shuffle ``sentences`` with ``seed`` and split off ``fraction`` of them as held-out."""
    if not 0 < fraction < 1:
        raise ValueError(f"fraction: expected a number between 0 and 1, got {fraction}")
    shuffled = list(sentences)
    random.Random(seed).shuffle(shuffled)
    n_heldout = max(1, round(fraction * len(shuffled)))
    return shuffled[n_heldout:], shuffled[:n_heldout]


def encode_batch(tok: WordTokenizer, sentences: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad sentences into ``ids[B, T]``; ``labels`` are the same ids with padding → -100.

    ``next_token_loss`` does the shift: logits at ``t`` are scored against ``labels[:, t + 1]``.
    """
    rows = [tok.encode(s) for s in sentences]
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), tok.index[PAD], dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row)
    labels = ids.masked_fill(ids == tok.index[PAD], -100)
    return ids, labels


@contextmanager
def deterministic(seed: int, threads: int) -> Iterator[None]:
    """Seed torch, use deterministic kernels and a fixed thread count; restore on exit."""
    saved_threads = torch.get_num_threads()
    saved_mode = torch.are_deterministic_algorithms_enabled()
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.set_num_threads(saved_threads)
        torch.use_deterministic_algorithms(saved_mode)


def evaluate(model: WordGRU, ids: torch.Tensor, labels: torch.Tensor) -> float:
    """Mean next-token loss (nats per token) of ``model`` on a padded batch."""
    model.eval()
    with torch.no_grad():
        return next_token_loss(model(ids), labels).item()


def train(sentences: Sequence[str] | None = None, config: TrainConfig | None = None) -> TrainResult:
    """Train :class:`WordGRU` on the corpus with ``next_token_loss``; deterministic per config.

    ``sentences`` defaults to :func:`read_corpus`. The vocabulary comes from the
    training split; held-out words it lacks become ``<unk>``.
    """
    config = config or TrainConfig()
    sentences = read_corpus() if sentences is None else sentences
    train_set, heldout_set = split_sentences(sentences, config.heldout_fraction, config.seed)
    tok = WordTokenizer.from_sentences(train_set)
    ids, labels = encode_batch(tok, train_set)
    start = time.perf_counter()
    with deterministic(config.seed, config.threads):
        model = WordGRU(len(tok), config.d_embed, config.d_hidden)
        fit(model, ids, labels, config)
        heldout_loss = evaluate(model, *encode_batch(tok, heldout_set))
    return TrainResult(
        model=model,
        tokenizer=tok,
        heldout_loss=heldout_loss,
        train_sentences=len(train_set),
        heldout_sentences=len(heldout_set),
        train_tokens=int((labels[:, 1:] != -100).sum()),
        seconds=time.perf_counter() - start,
        config=config,
    )


def fit(model: WordGRU, ids: torch.Tensor, labels: torch.Tensor, config: TrainConfig) -> None:
    """Adam on shuffled mini-batches for ``config.epochs`` epochs, cosine-decayed learning rate."""
    generator = torch.Generator().manual_seed(config.seed)
    steps_per_epoch = math.ceil(len(ids) / config.batch_size)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimiser, T_max=config.epochs * steps_per_epoch
    )
    model.train()
    for _ in range(config.epochs):
        order = torch.randperm(len(ids), generator=generator)
        for batch in order.split(config.batch_size):
            width = int((labels[batch] != -100).sum(dim=1).max())  # trim shared padding
            loss = next_token_loss(model(ids[batch, :width]), labels[batch, :width])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    model.eval()
