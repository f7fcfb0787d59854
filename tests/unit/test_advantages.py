"""Generalised advantage estimation (lesson_code.advantages): hand-computed values,
the λ limits, episode boundaries."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson_code import gae

PROPERTY = settings(max_examples=50, deadline=None)
unit = st.floats(0.0, 1.0)


def rollout(seed, T, N=None, done_rate=0.2):
    g = torch.Generator().manual_seed(seed)
    shape = (T,) if N is None else (T, N)
    rewards = torch.randn(shape, generator=g, dtype=torch.float64)
    values = torch.randn(shape, generator=g, dtype=torch.float64)
    dones = (torch.rand(shape, generator=g) < done_rate).long()
    next_value = torch.randn(shape[1:], generator=g, dtype=torch.float64)
    return rewards, values, dones, next_value


def test_matches_a_hand_computed_example():
    rewards = torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64)
    values = torch.tensor([0.5, 1.0, 0.2], dtype=torch.float64)
    dones = torch.zeros(3)
    next_value = torch.tensor(0.4, dtype=torch.float64)
    # δ = [1 + .9·1 − .5, 0 + .9·.2 − 1, 2 + .9·.4 − .2] = [1.4, −0.82, 2.16]; γλ = 0.72
    advantages, returns = gae(rewards, values, dones, next_value, gamma=0.9, lam=0.8)
    assert advantages.tolist() == pytest.approx([1.929344, 0.7352, 2.16])
    assert returns.tolist() == pytest.approx([2.429344, 1.7352, 2.36])


def test_an_episode_end_stops_bootstrapping_and_accumulation():
    rewards = torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64)
    values = torch.tensor([0.5, 1.0, 0.2], dtype=torch.float64)
    dones = torch.tensor([0, 1, 0])  # the episode ends at t = 1; a new one starts at t = 2
    advantages, _ = gae(rewards, values, dones, torch.tensor(0.4).double(), gamma=0.9, lam=0.8)
    # δ₁ = 0 − 1 (no V(s₂)), Â₁ = δ₁ (no Â₂); Â₀ = 1.4 + 0.72·(−1)
    assert advantages.tolist() == pytest.approx([0.68, -1.0, 2.16])


def test_next_value_is_ignored_when_the_last_step_ends_an_episode():
    rewards, values, _, _ = rollout(0, 5)
    dones = torch.tensor([0, 0, 0, 0, 1])
    a, _ = gae(rewards, values, dones, torch.tensor(1e6).double())
    b, _ = gae(rewards, values, dones, torch.tensor(-3.0).double())
    assert torch.equal(a, b)


@PROPERTY
@given(seed=st.integers(0, 2**31 - 1), T=st.integers(1, 20), gamma=unit)
def test_lambda_zero_gives_the_one_step_td_error(seed, T, gamma):
    rewards, values, dones, next_value = rollout(seed, T)
    advantages, _ = gae(rewards, values, dones, next_value, gamma=gamma, lam=0.0)
    next_values = torch.cat([values[1:], next_value[None]])
    td_error = rewards + gamma * (1 - dones).double() * next_values - values
    assert torch.allclose(advantages, td_error, atol=1e-12)


@PROPERTY
@given(seed=st.integers(0, 2**31 - 1), T=st.integers(1, 20), gamma=unit)
def test_lambda_one_gives_the_discounted_return_minus_value(seed, T, gamma):
    rewards, values, dones, next_value = rollout(seed, T)
    expected = []
    for t in range(T):
        G, discount = 0.0, 1.0
        for k in range(t, T):
            G += discount * rewards[k].item()
            discount *= gamma
            if dones[k]:
                break
        else:
            G += discount * next_value.item()  # the rollout was cut, not ended: bootstrap
        expected.append(G - values[t].item())
    advantages, returns = gae(rewards, values, dones, next_value, gamma=gamma, lam=1.0)
    assert advantages.tolist() == pytest.approx(expected, abs=1e-9)
    assert returns.tolist() == pytest.approx(
        (torch.tensor(expected, dtype=torch.float64) + values).tolist(), abs=1e-9
    )


@PROPERTY
@given(
    seed=st.integers(0, 2**31 - 1),
    T=st.integers(2, 20),
    data=st.data(),
    gamma=unit,
    lam=unit,
)
def test_nothing_leaks_across_an_episode_boundary(seed, T, data, gamma, lam):
    boundary = data.draw(st.integers(0, T - 2))
    rewards, values, dones, next_value = rollout(seed, T)
    dones[boundary] = 1
    advantages, _ = gae(rewards, values, dones, next_value, gamma=gamma, lam=lam)

    # Whatever happens after the boundary does not change the advantages before it...
    later = slice(boundary + 1, None)
    r2, v2 = rewards.clone(), values.clone()
    r2[later] += 100.0
    v2[later] -= 100.0
    changed, _ = gae(r2, v2, dones, next_value + 100.0, gamma=gamma, lam=lam)
    assert torch.equal(changed[: boundary + 1], advantages[: boundary + 1])

    # ...and the steps after it are scored as if their episode stood alone.
    alone, _ = gae(rewards[later], values[later], dones[later], next_value, gamma=gamma, lam=lam)
    assert torch.allclose(advantages[later], alone, atol=1e-12)


@PROPERTY
@given(seed=st.integers(0, 2**31 - 1), T=st.integers(1, 12), N=st.integers(1, 5), lam=unit)
def test_time_by_env_batches_equal_one_run_per_env(seed, T, N, lam):
    rewards, values, dones, next_value = rollout(seed, T, N)
    advantages, returns = gae(rewards, values, dones, next_value, gamma=0.97, lam=lam)
    assert advantages.shape == returns.shape == (T, N)
    for n in range(N):
        column, _ = gae(
            rewards[:, n], values[:, n], dones[:, n], next_value[n], gamma=0.97, lam=lam
        )
        assert torch.allclose(advantages[:, n], column, atol=1e-12)
    assert torch.allclose(returns, advantages + values)


@PROPERTY
@given(seed=st.integers(0, 2**31 - 1), T=st.integers(1, 15), gamma=unit, lam=unit)
def test_matches_cleanrl_loop_with_its_shifted_done_flag(seed, T, gamma, lam):
    rewards, values, dones, next_value = rollout(seed, T)
    # CleanRL stores "observation t began after a reset": its flag at t + 1 is our flag at t.
    # Its flags are floats of the rollout's dtype: `1.0 - flag` on an integer tensor
    # would be float32, and `gamma * lam * (1.0 - flag)` rounded to float32 with it.
    dones = dones.to(rewards.dtype)
    began_after_reset = torch.cat([torch.zeros(1, dtype=dones.dtype), dones[:-1]])
    next_done = dones[-1]
    expected = torch.zeros_like(rewards)
    lastgaelam = 0.0
    for t in reversed(range(T)):
        if t == T - 1:
            nextnonterminal, nextvalues = 1.0 - next_done, next_value
        else:
            nextnonterminal, nextvalues = 1.0 - began_after_reset[t + 1], values[t + 1]
        delta = rewards[t] + gamma * nextvalues * nextnonterminal - values[t]
        expected[t] = lastgaelam = delta + gamma * lam * nextnonterminal * lastgaelam
    advantages, _ = gae(rewards, values, dones, next_value, gamma=gamma, lam=lam)
    assert torch.allclose(advantages, expected, atol=1e-12)


def test_bool_dones_equal_integer_dones():
    rewards, values, dones, next_value = rollout(3, 8, done_rate=0.4)
    a, _ = gae(rewards, values, dones, next_value)
    b, _ = gae(rewards, values, dones.bool(), next_value)
    assert torch.equal(a, b)


def test_gradients_flow_to_values():
    rewards, values, dones, next_value = rollout(4, 6)
    values.requires_grad_(True)
    _, returns = gae(rewards, values, dones, next_value)
    returns.sum().backward()
    assert values.grad is not None


# --- bad input --------------------------------------------------------------


@pytest.mark.parametrize(("name", "value"), [("gamma", 1.01), ("gamma", -0.1), ("lam", 1.5)])
def test_discount_factors_outside_the_unit_interval_raise(name, value):
    rewards, values, dones, next_value = rollout(0, 4)
    with pytest.raises(ValueError, match=rf"{name} must be in \[0, 1\]"):
        gae(rewards, values, dones, next_value, **{name: value})


def test_mismatched_shapes_raise():
    rewards, values, dones, next_value = rollout(0, 4, 2)
    with pytest.raises(ValueError, match=r"values must have the same shape as rewards \(4, 2\)"):
        gae(rewards, values[:3], dones, next_value)
    with pytest.raises(ValueError, match="dones must have the same shape as rewards"):
        gae(rewards, values, dones[:, 0], next_value)
    with pytest.raises(ValueError, match=r"next_value must have shape \(2,\)"):
        gae(rewards, values, dones, next_value[0])
    with pytest.raises(ValueError, match=r"rewards must have shape \[T\] or \[T, N\]"):
        gae(rewards[None], values[None], dones[None], next_value[None])
