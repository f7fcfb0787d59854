"""The transformer of the game course (lesson_code.tictactoe.model)."""

from __future__ import annotations

import pytest
import torch

from lesson_code.tictactoe.model import GPT, GPTConfig


def test_the_logits_at_a_position_do_not_see_later_tokens() -> None:
    torch.manual_seed(0)
    model = GPT(GPTConfig()).eval()
    a = torch.tensor([[9, 4, 0, 8, 2]])
    b = torch.tensor([[9, 4, 0, 1, 3]])  # the same first three tokens
    with torch.no_grad():
        assert torch.allclose(model(a)[0][:, :3], model(b)[0][:, :3], atol=1e-6)
        assert not torch.allclose(model(a)[0][:, 3:], model(b)[0][:, 3:])


def test_a_value_head_copy_keeps_the_trunk_and_starts_at_zero() -> None:
    torch.manual_seed(1)
    model = GPT(GPTConfig()).eval()
    critic = model.with_value_head().eval()
    tokens = torch.tensor([[9, 4, 0]])
    with torch.no_grad():
        logits, values = critic(tokens)
        assert torch.equal(logits, model(tokens)[0])
    assert torch.equal(values, torch.zeros(1, 3))
    assert model(tokens)[1] is None


def test_a_sequence_longer_than_the_block_is_refused() -> None:
    model = GPT(GPTConfig(block_size=4))
    with pytest.raises(ValueError, match="block_size=4"):
        model(torch.zeros(1, 5, dtype=torch.long))
