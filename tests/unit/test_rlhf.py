"""KL-shaped RLHF rewards and the adaptive KL controller."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson_code import AdaptiveKLController, kl_shaped_rewards

PROPERTY = settings(max_examples=50, deadline=None)


def masks(B, T):
    """[B, T] 0/1 masks with at least one masked-in token per row (any gaps allowed)."""
    row = st.lists(st.integers(0, 1), min_size=T, max_size=T).filter(any)
    return st.lists(row, min_size=B, max_size=B).map(torch.tensor)


@PROPERTY
@given(B=st.integers(1, 4), T=st.integers(1, 8), data=st.data())
def test_score_lands_on_exactly_the_last_masked_in_position_of_each_row(B, T, data):
    mask = data.draw(masks(B, T))
    scores = torch.arange(1, B + 1, dtype=torch.float64) * 10
    logp = torch.zeros(B, T, dtype=torch.float64)  # no KL: the rewards are the score alone
    rewards = kl_shaped_rewards(scores, logp, logp.clone(), mask, beta=0.1)
    for b in range(B):
        last = max(t for t in range(T) if mask[b, t])
        assert rewards[b].nonzero().flatten().tolist() == [last]
        assert rewards[b, last] == scores[b]


@pytest.mark.parametrize(
    ("mask", "last"),
    [
        ([1, 1, 1, 0, 0], 2),  # right padding
        ([0, 0, 1, 1, 1], 4),  # left padding
        ([0, 1, 1, 0, 0], 2),  # both
        ([1, 1, 1, 1, 1], 4),  # no padding
    ],
)
def test_score_position_with_left_and_right_padding(mask, last):
    rewards = kl_shaped_rewards(
        torch.tensor([5.0]), torch.zeros(1, 5), torch.zeros(1, 5), torch.tensor([mask]), beta=1.0
    )
    assert rewards[0].nonzero().flatten().tolist() == [last]


@PROPERTY
@given(B=st.integers(1, 4), T=st.integers(1, 8), seed=st.integers(0, 2**31 - 1), data=st.data())
def test_beta_zero_gives_the_score_alone(B, T, seed, data):
    g = torch.Generator().manual_seed(seed)
    mask = data.draw(masks(B, T))
    scores = torch.randn(B, generator=g)
    logp, ref_logp = -torch.rand(2, B, T, generator=g)
    rewards = kl_shaped_rewards(scores, logp, ref_logp, mask, beta=0.0)
    assert torch.allclose(rewards.sum(dim=1), scores)
    assert (rewards != 0).sum(dim=1).le(1).all()


@PROPERTY
@given(
    B=st.integers(1, 4),
    T=st.integers(1, 8),
    beta=st.floats(0.0, 2.0),
    seed=st.integers(0, 2**31 - 1),
    data=st.data(),
)
def test_row_sum_is_score_minus_beta_times_the_sequence_log_ratio(B, T, beta, seed, data):
    g = torch.Generator().manual_seed(seed)
    mask = data.draw(masks(B, T))
    scores = torch.randn(B, generator=g, dtype=torch.float64)
    logp, ref_logp = -torch.rand(2, B, T, generator=g, dtype=torch.float64) * 4
    rewards = kl_shaped_rewards(scores, logp, ref_logp, mask, beta=beta)
    log_ratio = ((logp - ref_logp) * mask).sum(dim=1)
    assert torch.allclose(rewards.sum(dim=1), scores - beta * log_ratio, atol=1e-12)
    assert torch.all(rewards[mask == 0] == 0)


def test_penalty_is_minus_beta_times_the_log_ratio_per_token():
    logp = torch.tensor([[-1.0, -2.0, -0.5]])
    ref_logp = torch.tensor([[-1.5, -1.0, -0.5]])
    rewards = kl_shaped_rewards(torch.tensor([3.0]), logp, ref_logp, torch.ones(1, 3), beta=0.2)
    assert rewards[0].tolist() == pytest.approx([-0.1, 0.2, 3.0])


def test_padding_values_do_not_leak_into_rewards():
    logp = torch.tensor([[-1.0, -1.0, math.nan, -math.inf]])
    ref_logp = torch.tensor([[-1.0, -1.0, 0.0, 0.0]])
    mask = torch.tensor([[True, True, False, False]])
    rewards = kl_shaped_rewards(torch.tensor([1.0]), logp, ref_logp, mask, beta=0.5)
    assert rewards[0].tolist() == [0.0, 1.0, 0.0, 0.0]


def test_a_row_with_no_response_token_raises():
    with pytest.raises(ValueError, match=r"mask has no masked-in token in row\(s\) \[1\]"):
        kl_shaped_rewards(
            torch.zeros(2),
            torch.zeros(2, 3),
            torch.zeros(2, 3),
            torch.tensor([[1, 0, 0], [0, 0, 0]]),
            beta=0.1,
        )


def test_bad_shapes_and_beta_raise():
    x = torch.zeros(2, 3)
    mask = torch.ones(2, 3)
    with pytest.raises(ValueError, match=r"scores must have shape \[B\] = \(2,\)"):
        kl_shaped_rewards(torch.zeros(3), x, x, mask, beta=0.1)
    with pytest.raises(ValueError, match="ref_logp must have the same shape as logp"):
        kl_shaped_rewards(torch.zeros(2), x, torch.zeros(2, 4), mask, beta=0.1)
    with pytest.raises(ValueError, match="mask must have the same shape as logp"):
        kl_shaped_rewards(torch.zeros(2), x, x, torch.ones(3), beta=0.1)
    with pytest.raises(ValueError, match="beta must be >= 0"):
        kl_shaped_rewards(torch.zeros(2), x, x, mask, beta=-0.1)


# --- adaptive KL controller ---------------------------------------------------


def test_controller_is_unchanged_at_target():
    kl_ctl = AdaptiveKLController(init_kl_coef=0.2, target=6.0, horizon=10000)
    for _ in range(10):
        assert kl_ctl.update(6.0, n_steps=512) == 0.2
    assert kl_ctl.value == 0.2


@PROPERTY
@given(
    current_kl=st.floats(0.0, 1e4),
    n_steps=st.integers(0, 10000),
    init=st.floats(1e-3, 10.0),
    target=st.floats(0.1, 20.0),
    horizon=st.integers(1, 100_000),
)
def test_controller_step_is_bounded_by_two_tenths_of_n_over_horizon(
    current_kl, n_steps, init, target, horizon
):
    kl_ctl = AdaptiveKLController(init_kl_coef=init, target=target, horizon=horizon)
    new = kl_ctl.update(current_kl, n_steps)
    bound = 0.2 * n_steps / horizon
    assert new == kl_ctl.value
    assert abs(new / init - 1) <= bound * (1 + 1e-12) + 1e-15
    error = min(max(current_kl / target - 1, -0.2), 0.2)
    assert new == pytest.approx(init * (1 + error * n_steps / horizon), rel=1e-12)
    if current_kl > target and n_steps > 0:
        assert new > init  # too much KL: a stronger leash
    if current_kl < target and n_steps > 0:
        assert new < init


def test_controller_accepts_a_tensor_kl():
    kl_ctl = AdaptiveKLController(init_kl_coef=0.1, target=6.0, horizon=100)
    assert kl_ctl.update(torch.tensor(3.0), n_steps=10) == pytest.approx(0.1 * (1 - 0.2 * 0.1))


def test_controller_rejects_bad_settings():
    with pytest.raises(ValueError, match="target must be > 0"):
        AdaptiveKLController(target=0.0)
    with pytest.raises(ValueError, match="horizon must be > 0"):
        AdaptiveKLController(horizon=0)
    with pytest.raises(ValueError, match="init_kl_coef must be >= 0"):
        AdaptiveKLController(init_kl_coef=-1.0)
    with pytest.raises(ValueError, match="n_steps must be >= 0"):
        AdaptiveKLController().update(1.0, n_steps=-1)
    with pytest.raises(ValueError, match="current_kl is NaN"):
        AdaptiveKLController().update(math.nan, n_steps=1)
