"""SFT label masking: prompt and padding are ignored, the shift does the rest."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson_code import mask_prompt, next_token_loss, sft_loss

PROPERTY = settings(max_examples=50, deadline=None)


def test_mask_prompt_ignores_prompt_and_padding():
    input_ids = torch.tensor([[11, 12, 13, 21, 22, 0], [11, 12, 21, 22, 23, 24]])
    attention_mask = torch.tensor([[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1]])
    labels = mask_prompt(input_ids, torch.tensor([3, 2]), attention_mask=attention_mask)
    assert labels.tolist() == [
        [-100, -100, -100, 21, 22, -100],
        [-100, -100, 21, 22, 23, 24],
    ]


def test_first_response_token_is_the_target_of_the_last_prompt_position():
    input_ids = torch.tensor([[5, 6, 7, 8, 9]])
    prompt_length = 3  # prompt [5, 6, 7], response [8, 9]
    labels = mask_prompt(input_ids, [prompt_length])
    targets = F.pad(labels[:, 1:], (0, 1), value=-100)  # what position t is scored on
    assert targets[0, prompt_length - 1].item() == 8
    assert (targets[0, : prompt_length - 1] == -100).all()


def test_one_token_response_contributes_exactly_one_term():
    torch.manual_seed(0)
    V, prompt_length = 13, 4
    input_ids = torch.tensor([[1, 2, 3, 4, 9]])  # one response token: 9
    logits = torch.randn(1, 5, V)
    loss = sft_loss(logits, input_ids, [prompt_length])
    expected = -F.log_softmax(logits[0, prompt_length - 1], dim=-1)[9]
    assert loss.item() == pytest.approx(expected.item(), abs=1e-6)


def test_sft_loss_ignores_what_the_model_says_about_the_prompt():
    torch.manual_seed(1)
    input_ids = torch.tensor([[1, 2, 3, 4, 5, 6]])
    logits = torch.randn(1, 6, 8)
    changed = logits.clone()
    changed[0, :2] = 50 * torch.randn(2, 8)  # positions scored on prompt tokens 2 and 3
    assert sft_loss(logits, input_ids, [3]) == sft_loss(changed, input_ids, [3])


def test_sft_loss_is_a_token_mean_over_response_tokens():
    V = 6
    input_ids = torch.tensor([[1, 2, 3, 4, 5, 0], [1, 2, 3, 0, 0, 0]])
    attention_mask = (torch.arange(6) < torch.tensor([[5], [4]])).long()
    logits = torch.zeros(2, 6, V)
    loss = sft_loss(logits, input_ids, [2, 3], attention_mask=attention_mask)
    assert loss.item() == pytest.approx(math.log(V), abs=1e-6)  # 3 + 1 targets, all log V


def test_prompt_lengths_may_be_a_list_or_a_tensor():
    input_ids = torch.arange(12).reshape(2, 6)
    assert torch.equal(mask_prompt(input_ids, [1, 4]), mask_prompt(input_ids, torch.tensor([1, 4])))


def test_zero_and_full_prompt_lengths_are_allowed():
    input_ids = torch.arange(8).reshape(2, 4)
    labels = mask_prompt(input_ids, [0, 4])
    assert labels[0].tolist() == [0, 1, 2, 3]
    assert labels[1].tolist() == [-100] * 4


def test_a_batch_that_is_all_prompt_raises_instead_of_nan():
    with pytest.raises(ValueError, match="no target"):
        sft_loss(torch.randn(2, 4, 9), torch.ones(2, 4, dtype=torch.long), [4, 4])


@PROPERTY
@given(
    B=st.integers(1, 4),
    T=st.integers(1, 10),
    data=st.data(),
)
def test_labels_keep_exactly_the_response_tokens(B, T, data):
    input_ids = torch.randint(0, 100, (B, T))
    lengths = data.draw(st.lists(st.integers(0, T), min_size=B, max_size=B))
    real = data.draw(st.lists(st.integers(0, T), min_size=B, max_size=B))
    attention_mask = (torch.arange(T)[None] < torch.tensor(real)[:, None]).long()
    labels = mask_prompt(input_ids, lengths, attention_mask=attention_mask)
    for b in range(B):
        for t in range(T):
            kept = t >= lengths[b] and t < real[b]
            assert labels[b, t].item() == (input_ids[b, t].item() if kept else -100)


@PROPERTY
@given(B=st.integers(1, 3), T=st.integers(2, 8), V=st.integers(2, 20), data=st.data())
def test_sft_loss_equals_next_token_loss_on_masked_labels(B, T, V, data):
    lengths = data.draw(st.lists(st.integers(0, T - 2), min_size=B, max_size=B))
    logits = torch.randn(B, T, V)
    input_ids = torch.randint(0, V, (B, T))
    expected = next_token_loss(logits, mask_prompt(input_ids, lengths))
    assert torch.equal(sft_loss(logits, input_ids, lengths), expected)


# --- bad input --------------------------------------------------------------


def test_prompt_lengths_of_the_wrong_shape_raise():
    with pytest.raises(ValueError, match=r"prompt_lengths must have shape \[B\] = \(2,\)"):
        mask_prompt(torch.zeros(2, 5, dtype=torch.long), [1, 2, 3])


@pytest.mark.parametrize("lengths", [[-1, 2], [2, 6]])
def test_prompt_lengths_outside_the_row_raise(lengths):
    with pytest.raises(ValueError, match=r"prompt_lengths must be in \[0, T\] = \[0, 5\]"):
        mask_prompt(torch.zeros(2, 5, dtype=torch.long), lengths)


def test_non_integer_input_ids_or_lengths_raise():
    with pytest.raises(ValueError, match="input_ids must be an integer tensor"):
        mask_prompt(torch.zeros(2, 5), [1, 2])
    with pytest.raises(ValueError, match="prompt_lengths must be an integer tensor"):
        mask_prompt(torch.zeros(2, 5, dtype=torch.long), [1.5, 2.0])


def test_attention_mask_of_the_wrong_shape_raises():
    with pytest.raises(ValueError, match="attention_mask must have the same shape as input_ids"):
        mask_prompt(torch.zeros(2, 5, dtype=torch.long), [1, 2], attention_mask=torch.ones(2, 4))


def test_input_ids_that_do_not_match_logits_raise():
    with pytest.raises(ValueError, match=r"input_ids must have shape \[B, T\] = \(2, 5\)"):
        sft_loss(torch.randn(2, 5, 7), torch.zeros(2, 6, dtype=torch.long), [1, 1])
