"""Next-token loss and perplexity: the causal shift, token-level mean, parity with torch."""

import math
import re

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson_code import next_token_loss, perplexity

PROPERTY = settings(max_examples=50, deadline=None)


def classic_shifted_loss(logits, labels, ignore_index=-100, reduction="mean"):
    """The textbook form: slice logits[:, :-1] and labels[:, 1:], flatten, cross-entropy."""
    V = logits.shape[-1]
    return F.cross_entropy(
        logits[:, :-1].reshape(-1, V).float(),
        labels[:, 1:].reshape(-1),
        ignore_index=ignore_index,
        reduction=reduction,
    )


def one_hot_logits(ids, V, scale=30.0):
    return scale * F.one_hot(ids, V).float()


# --- the causal shift -------------------------------------------------------


def test_model_predicting_the_next_token_scores_near_zero():
    ids = torch.tensor([[3, 1, 4, 1, 5, 9, 2, 6]])
    next_ids = ids.roll(-1, dims=1)  # position t predicts ids[t + 1]
    loss = next_token_loss(one_hot_logits(next_ids, 10), ids)
    assert loss.item() < 1e-6


def test_model_predicting_the_current_token_scores_badly():
    ids = torch.tensor([[3, 1, 4, 1, 5, 9, 2, 6]])
    loss = next_token_loss(one_hot_logits(ids, 10), ids)  # copies its input: wrong target
    assert loss.item() > 10.0


def test_last_position_has_no_target():
    torch.manual_seed(0)
    logits = torch.randn(2, 5, 7)
    labels = torch.randint(0, 7, (2, 5))
    changed = logits.clone()
    changed[:, -1] = torch.randn(2, 7) * 100
    assert next_token_loss(logits, labels) == next_token_loss(changed, labels)


def test_first_label_is_never_a_target():
    logits = torch.randn(1, 4, 6)
    labels = torch.tensor([[0, 1, 2, 3]])
    other = torch.tensor([[5, 1, 2, 3]])
    assert next_token_loss(logits, labels) == next_token_loss(logits, other)


def test_single_position_sequence_has_no_target_and_mean_raises():
    with pytest.raises(ValueError, match="no target"):
        next_token_loss(torch.randn(3, 1, 4), torch.zeros(3, 1, dtype=torch.long))
    total = next_token_loss(
        torch.randn(3, 1, 4), torch.zeros(3, 1, dtype=torch.long), reduction="sum"
    )
    assert total.item() == 0.0


# --- values -----------------------------------------------------------------


@PROPERTY
@given(B=st.integers(1, 4), T=st.integers(2, 9), V=st.integers(2, 50))
def test_uniform_logits_give_log_v(B, T, V):
    labels = torch.randint(0, V, (B, T))
    loss = next_token_loss(torch.zeros(B, T, V), labels)
    assert loss.item() == pytest.approx(math.log(V), abs=1e-5)
    assert perplexity(loss) == pytest.approx(V, rel=1e-5)


def test_mean_is_token_level_across_sequences_of_different_lengths():
    # Row 0 has 4 targets scored log 4 each (uniform); row 1 has 1 target scored ~0.
    V = 4
    logits = torch.zeros(2, 5, V)
    labels = torch.tensor([[0, 1, 2, 3, 0], [2, 3, -100, -100, -100]])
    logits[1, 0] = one_hot_logits(torch.tensor(3), V)
    loss = next_token_loss(logits, labels)
    token_mean = 4 * math.log(V) / 5
    mean_of_sequence_means = (math.log(V) + 0.0) / 2
    assert loss.item() == pytest.approx(token_mean, abs=1e-5)
    assert abs(loss.item() - mean_of_sequence_means) > 0.1


def test_sum_is_mean_times_number_of_targets():
    torch.manual_seed(1)
    logits = torch.randn(3, 6, 11)
    labels = torch.randint(0, 11, (3, 6))
    labels[0, 3] = -100
    n_targets = (labels[:, 1:] != -100).sum().item()
    total = next_token_loss(logits, labels, reduction="sum")
    mean = next_token_loss(logits, labels)
    assert total.item() == pytest.approx(mean.item() * n_targets, rel=1e-5)


def test_custom_ignore_index_is_ignored():
    torch.manual_seed(2)
    logits = torch.randn(2, 5, 8)
    labels = torch.randint(0, 8, (2, 5))
    labels_minus_one = labels.clone()
    labels_minus_one[:, 3:] = -1
    labels_default = labels.clone()
    labels_default[:, 3:] = -100
    assert torch.allclose(
        next_token_loss(logits, labels_minus_one, ignore_index=-1),
        next_token_loss(logits, labels_default),
    )


# --- parity with torch ------------------------------------------------------


@PROPERTY
@given(
    B=st.integers(1, 4),
    T=st.integers(2, 12),
    V=st.integers(2, 40),
    ignore_fraction=st.floats(0.0, 0.7),
    reduction=st.sampled_from(["mean", "sum"]),
    seed=st.integers(0, 2**31 - 1),
)
def test_matches_cross_entropy_on_explicitly_shifted_inputs(
    B, T, V, ignore_fraction, reduction, seed
):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(B, T, V, generator=g) * 3
    labels = torch.randint(0, V, (B, T), generator=g)
    labels[torch.rand(B, T, generator=g) < ignore_fraction] = -100
    labels[0, 1] = 0  # at least one target
    expected = classic_shifted_loss(logits, labels, reduction=reduction)
    actual = next_token_loss(logits, labels, reduction=reduction)
    assert torch.allclose(actual, expected, rtol=1e-5, atol=1e-6)


def test_gradient_matches_explicitly_shifted_cross_entropy():
    torch.manual_seed(3)
    logits = torch.randn(2, 6, 9, requires_grad=True)
    labels = torch.randint(0, 9, (2, 6))
    labels[1, 4] = -100
    (grad,) = torch.autograd.grad(next_token_loss(logits, labels), logits)
    (expected,) = torch.autograd.grad(classic_shifted_loss(logits, labels), logits)
    assert torch.allclose(grad, expected, atol=1e-7)
    assert torch.all(grad[:, -1] == 0)  # the last position gets no gradient


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_low_precision_logits_are_scored_in_float32(dtype):
    torch.manual_seed(4)
    logits = (torch.randn(2, 7, 300) * 4).to(dtype)
    labels = torch.randint(0, 300, (2, 7))
    labels[0, 2] = -100
    loss = next_token_loss(logits, labels)
    assert loss.dtype == torch.float32
    expected = classic_shifted_loss(logits.float(), labels)
    assert torch.allclose(loss, expected, rtol=1e-6, atol=1e-6)


def test_float64_logits_stay_float64():
    logits = torch.randn(1, 4, 5, dtype=torch.float64)
    loss = next_token_loss(logits, torch.tensor([[0, 1, 2, 3]]))
    assert loss.dtype == torch.float64


def test_logits_are_passed_to_cross_entropy_without_a_copy(monkeypatch):
    seen = {}
    original = F.cross_entropy

    def spy(input, target, **kwargs):
        seen["ptr"] = input.data_ptr()
        seen["shape"] = tuple(input.shape)
        return original(input, target, **kwargs)

    monkeypatch.setattr(F, "cross_entropy", spy)
    logits = torch.randn(2, 5, 7)
    next_token_loss(logits, torch.randint(0, 7, (2, 5)))
    assert seen == {"ptr": logits.data_ptr(), "shape": (10, 7)}


def test_int32_labels_are_accepted():
    logits = torch.randn(1, 4, 5)
    labels = torch.tensor([[0, 1, 2, 3]])
    assert next_token_loss(logits, labels.int()) == next_token_loss(logits, labels)


# --- bad input --------------------------------------------------------------


def test_labels_shape_mismatch_names_both_shapes():
    expected = (
        "labels must have shape [B, T] = (2, 5) to match logits [B, T, V] = (2, 5, 7); got (2, 4)"
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        next_token_loss(torch.randn(2, 5, 7), torch.zeros(2, 4, dtype=torch.long))


def test_non_integer_labels_raise():
    with pytest.raises(ValueError, match="labels must be an integer tensor"):
        next_token_loss(torch.randn(2, 5, 7), torch.zeros(2, 5))


@pytest.mark.parametrize("bad", [7, -1, 100])
def test_label_ids_outside_vocabulary_raise(bad):
    labels = torch.zeros(2, 5, dtype=torch.long)
    labels[1, 3] = bad
    with pytest.raises(ValueError, match=rf"labels must be token ids in \[0, V\).*found {bad}"):
        next_token_loss(torch.randn(2, 5, 7), labels)


def test_all_labels_ignored_raises_instead_of_nan():
    with pytest.raises(ValueError, match="no target"):
        next_token_loss(torch.randn(2, 5, 7), torch.full((2, 5), -100))


def test_unknown_reduction_raises():
    with pytest.raises(ValueError, match="reduction"):
        next_token_loss(torch.randn(2, 5, 7), torch.zeros(2, 5, dtype=torch.long), reduction="avg")


def test_logits_must_be_three_dimensional_floats():
    with pytest.raises(ValueError, match=r"logits must have shape \[B, T, V\]"):
        next_token_loss(torch.randn(10, 7), torch.zeros(10, dtype=torch.long))
    with pytest.raises(ValueError, match="logits must be a floating-point tensor"):
        next_token_loss(torch.zeros(2, 5, 7, dtype=torch.long), torch.zeros(2, 5, dtype=torch.long))


# --- perplexity -------------------------------------------------------------


def test_perplexity_is_exp_of_mean_nll():
    assert perplexity(math.log(7.0)) == pytest.approx(7.0)
    assert perplexity(torch.tensor(0.0)) == 1.0
    assert isinstance(perplexity(torch.tensor(1.0)), float)


def test_corpus_perplexity_is_not_the_mean_of_batch_perplexities():
    batch_nll = [0.5, 3.0]  # mean NLL of two equal-sized batches
    corpus = perplexity(sum(batch_nll) / 2)
    mean_of_batches = sum(perplexity(x) for x in batch_nll) / 2
    assert corpus < mean_of_batches  # Jensen: averaging perplexities overstates it


def test_perplexity_overflow_gives_inf_and_bad_input_raises():
    assert perplexity(1e6) == math.inf
    with pytest.raises(ValueError, match="mean_nll"):
        perplexity(torch.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="mean_nll"):
        perplexity(float("nan"))
