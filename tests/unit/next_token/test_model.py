"""The GRU next-token model and its deterministic training."""

from __future__ import annotations

import math

import pytest
import torch

from lesson_code.next_token import TrainConfig, TrainResult, read_corpus, split_sentences, train
from lesson_code.next_token import model as model_module


def test_training_calls_next_token_loss(monkeypatch: pytest.MonkeyPatch):
    calls = []
    original = model_module.next_token_loss

    def spy(logits, labels, **kwargs):
        calls.append(tuple(logits.shape))
        return original(logits, labels, **kwargs)

    monkeypatch.setattr(model_module, "next_token_loss", spy)
    train(read_corpus()[:60], TrainConfig(epochs=1, batch_size=16))
    assert calls
    assert all(len(shape) == 3 for shape in calls)


def test_training_is_deterministic_for_a_seed():
    sentences = read_corpus()[:80]
    config = TrainConfig(epochs=2, batch_size=16)
    first, second = train(sentences, config), train(sentences, config)
    first_state, second_state = first.model.state_dict(), second.model.state_dict()
    for name, tensor in first_state.items():
        assert torch.equal(tensor, second_state[name]), name
    assert first.heldout_loss == second.heldout_loss


def test_training_restores_the_thread_count_and_deterministic_mode():
    threads, mode = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    train(read_corpus()[:40], TrainConfig(epochs=1, batch_size=16))
    assert (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()) == (
        threads,
        mode,
    )


def test_model_is_small_and_learns_the_corpus(trained: TrainResult):
    assert trained.parameters <= 300_000
    # A uniform guess has perplexity V; the trained model is far more certain on unseen sentences.
    assert trained.heldout_perplexity < len(trained.tokenizer) / 20
    assert math.isclose(trained.heldout_perplexity, math.exp(trained.heldout_loss))


def test_split_keeps_every_sentence_once():
    sentences = [f"sentence {i}." for i in range(50)]
    kept, heldout = split_sentences(sentences, 0.1, seed=3)
    assert len(heldout) == 5
    assert sorted(kept + heldout) == sorted(sentences)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1])
def test_split_rejects_a_fraction_outside_zero_to_one(fraction: float):
    with pytest.raises(ValueError, match="fraction"):
        split_sentences(["a.", "b."], fraction, seed=0)
