"""Pairwise preference loss: softplus of the negative margin, stable, shift-invariant."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson_code import preference_accuracy, preference_loss

PROPERTY = settings(max_examples=50, deadline=None)
rewards = st.floats(-1e3, 1e3, allow_nan=False)


def loss_at(d):
    return preference_loss(
        torch.tensor([d], dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
    )


def test_loss_is_ln2_when_the_rewards_tie():
    assert loss_at(0.0).item() == pytest.approx(math.log(2))


def test_loss_at_difference_1_7_is_0_1678():
    assert loss_at(1.7).item() == pytest.approx(0.1678, abs=5e-5)


def test_loss_is_finite_and_linear_far_on_the_wrong_side():
    chosen = torch.tensor([-200.0], requires_grad=True)
    loss = preference_loss(chosen, torch.zeros(1))
    loss.backward()
    assert loss.item() == pytest.approx(200.0)
    assert chosen.grad.item() == pytest.approx(-1.0)  # not NaN, not 0


def test_loss_vanishes_far_on_the_right_side():
    assert loss_at(200.0).item() == pytest.approx(0.0, abs=1e-30)


@PROPERTY
@given(st.lists(st.tuples(rewards, rewards), min_size=1, max_size=20))
def test_loss_equals_softplus_of_minus_the_difference(pairs):
    chosen, rejected = torch.tensor(pairs, dtype=torch.float64).T
    d = chosen - rejected
    expected = torch.logaddexp(torch.zeros_like(d), -d).mean()  # softplus(-d), exactly
    assert torch.allclose(preference_loss(chosen, rejected), expected, rtol=1e-12, atol=1e-12)


@PROPERTY
@given(st.lists(st.tuples(rewards, rewards), min_size=1, max_size=20), rewards)
def test_loss_is_invariant_to_a_shared_shift(pairs, shift):
    chosen, rejected = torch.tensor(pairs, dtype=torch.float64).T
    shifted = preference_loss(chosen + shift, rejected + shift)
    assert torch.allclose(shifted, preference_loss(chosen, rejected), rtol=1e-9, atol=1e-9)


@PROPERTY
@given(rewards, rewards, st.floats(0, 10))
def test_margin_is_subtracted_from_the_difference(chosen, rejected, margin):
    c = torch.tensor([chosen], dtype=torch.float64)
    r = torch.tensor([rejected], dtype=torch.float64)
    with_margin = preference_loss(c, r, margin=margin)
    assert torch.allclose(with_margin, preference_loss(c - margin, r))
    assert with_margin >= preference_loss(c, r)


def test_loss_is_a_mean_over_pairs():
    chosen = torch.tensor([0.0, 1.7])
    rejected = torch.zeros(2)
    expected = (math.log(2) + math.log1p(math.exp(-1.7))) / 2
    assert preference_loss(chosen, rejected).item() == pytest.approx(expected, rel=1e-6)


def test_accuracy_counts_strict_wins_and_returns_a_float():
    chosen = torch.tensor([1.0, 0.0, 2.0, 5.0, 0.1])
    rejected = torch.tensor([0.0, 1.0, 2.0, 4.0, 0.0])
    acc = preference_accuracy(chosen, rejected)
    assert isinstance(acc, float)
    assert acc == 0.6  # the tie counts as wrong


@pytest.mark.parametrize("fn", [preference_loss, preference_accuracy])
def test_mismatched_or_empty_rewards_raise(fn):
    with pytest.raises(ValueError, match="rejected_rewards must have the same shape"):
        fn(torch.zeros(3), torch.zeros(4))
    with pytest.raises(ValueError, match="chosen_rewards is empty"):
        fn(torch.zeros(0), torch.zeros(0))
    with pytest.raises(ValueError, match="chosen_rewards must be a floating-point tensor"):
        fn(torch.zeros(3, dtype=torch.long), torch.zeros(3))
