"""PPO: the clipped objective's sign, its pessimistic min and zero-gradient region, the
value loss, entropy, advantage normalisation and the logged diagnostics."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson_code import (
    approx_kl,
    clip_fraction,
    clipped_surrogate,
    entropy,
    masked_mean,
    normalize_advantages,
    ppo_policy_loss,
    ppo_value_loss,
    probability_ratio,
)

PROPERTY = settings(max_examples=50, deadline=None)
finite = st.floats(-10, 10, allow_nan=False)


def random_batch(seed, shape, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    logp_old = -torch.rand(shape, generator=g, dtype=dtype) * 3
    logp_new = logp_old + torch.randn(shape, generator=g, dtype=dtype) * 0.4
    advantages = torch.randn(shape, generator=g, dtype=dtype)
    mask = torch.rand(shape, generator=g) < 0.7
    mask.view(-1)[0] = True
    return logp_new, logp_old, advantages, mask


def loss_and_grad(log_r, A, clip_eps=0.2):
    log_r = torch.tensor([log_r], dtype=torch.float64, requires_grad=True)
    loss = ppo_policy_loss(
        log_r,
        torch.zeros(1, dtype=torch.float64),
        torch.tensor([A], dtype=torch.float64),
        clip_eps=clip_eps,
    )
    loss.backward()
    return loss.item(), log_r.grad.item()


# --- the policy loss --------------------------------------------------------


@pytest.mark.parametrize(
    ("log_r", "A", "expected_loss", "grad_is_zero"),
    [
        (0.5, +1.0, -1.2, True),  # r = 1.649 > 1 + ε, A > 0: clipped, no gradient
        (0.5, -1.0, math.exp(0.5), False),  # the min keeps the unclipped r·A
        (-0.5, -1.0, 0.8, True),  # r = 0.607 < 1 − ε, A < 0: clipped, no gradient
        (-0.5, +1.0, -math.exp(-0.5), False),  # the min keeps the unclipped r·A
    ],
)
def test_clipped_objective_has_zero_gradient_outside_trust_region(
    log_r, A, expected_loss, grad_is_zero
):
    loss, grad = loss_and_grad(log_r, A)
    assert loss == pytest.approx(expected_loss, abs=1e-3)
    if grad_is_zero:
        assert grad == 0.0
    else:
        assert grad == pytest.approx(-A * math.exp(log_r))  # d(−r·A)/d log r


@pytest.mark.parametrize("A", [-2.0, -0.5, 0.0, 1.0, 3.0])
def test_loss_at_ratio_one_is_minus_the_advantage(A):
    loss, grad = loss_and_grad(0.0, A)
    assert loss == pytest.approx(-A)
    assert grad == pytest.approx(-A)  # the plain policy-gradient step at the start


def test_loss_is_the_negative_of_the_objective():
    logp_new, logp_old, advantages, _ = random_batch(0, (32,))
    ratio = probability_ratio(logp_new, logp_old)
    objective = clipped_surrogate(ratio, advantages).mean()
    assert ppo_policy_loss(logp_new, logp_old, advantages) == -objective
    # Improving the policy on positive advantages lowers the loss.
    up = ppo_policy_loss(torch.tensor([0.1]), torch.zeros(1), torch.ones(1))
    assert up < ppo_policy_loss(torch.zeros(1), torch.zeros(1), torch.ones(1))


@PROPERTY
@given(
    seed=st.integers(0, 2**31 - 1),
    shape=st.sampled_from([(1,), (7,), (3, 5), (2, 3, 4)]),
    clip_eps=st.floats(0.01, 0.5),
    use_mask=st.booleans(),
)
def test_policy_loss_equals_a_transcription_of_the_formula(seed, shape, clip_eps, use_mask):
    logp_new, logp_old, A, mask = random_batch(seed, shape)
    mask = mask if use_mask else torch.ones(shape, dtype=torch.bool)
    expected = 0.0
    for lp_new, lp_old, a in zip(
        logp_new[mask].tolist(), logp_old[mask].tolist(), A[mask].tolist(), strict=True
    ):
        r = math.exp(lp_new - lp_old)
        expected += min(r * a, min(max(r, 1 - clip_eps), 1 + clip_eps) * a)
    expected = -expected / mask.sum().item()
    loss = ppo_policy_loss(
        logp_new, logp_old, A, clip_eps=clip_eps, mask=mask if use_mask else None
    )
    assert loss.item() == pytest.approx(expected, rel=1e-9, abs=1e-12)


@PROPERTY
@given(ratio=st.floats(0.0, 5.0), A=finite, clip_eps=st.floats(0.01, 0.9))
def test_surrogate_is_the_pessimistic_min_of_clipped_and_unclipped(ratio, A, clip_eps):
    as_tensor = lambda x: torch.tensor([x], dtype=torch.float64)  # noqa: E731
    value = clipped_surrogate(as_tensor(ratio), as_tensor(A), clip_eps=clip_eps).item()
    unclipped = ratio * A
    clipped = min(max(ratio, 1 - clip_eps), 1 + clip_eps) * A
    assert value == min(unclipped, clipped)
    assert value <= unclipped


def test_surrogate_draws_figure_1_of_the_paper():
    ratio = torch.linspace(0.0, 2.0, 201, dtype=torch.float64)
    positive = clipped_surrogate(ratio, torch.ones_like(ratio))
    negative = clipped_surrogate(ratio, -torch.ones_like(ratio))
    assert torch.all(positive[ratio > 1.2] == 1.2)  # A > 0: flat at (1 + ε)A
    assert torch.allclose(positive[ratio <= 1.2], ratio[ratio <= 1.2])
    assert torch.all(negative[ratio < 0.8] == -0.8)  # A < 0: flat at (1 − ε)A
    assert torch.allclose(negative[ratio >= 0.8], -ratio[ratio >= 0.8])


def test_masked_out_positions_do_not_change_the_policy_loss():
    logp_new, logp_old, A, mask = random_batch(1, (4, 6))
    changed = A.clone()
    changed[~mask] = 1e6
    loss = ppo_policy_loss(logp_new, logp_old, A, mask=mask)
    assert loss == ppo_policy_loss(logp_new, logp_old, changed, mask=mask)
    assert loss == ppo_policy_loss(logp_new, logp_old, A, mask=mask.long())


# --- the value loss ---------------------------------------------------------


def test_unclipped_value_loss_is_half_the_mean_squared_error():
    values, returns = torch.tensor([1.0, 2.0, 4.0]), torch.tensor([1.0, 0.0, 1.0])
    loss = ppo_value_loss(values, torch.full((3,), 99.0), returns)  # old_values unused
    assert loss.item() == pytest.approx(0.5 * (0 + 4 + 9) / 3)


def test_value_loss_clipping_scores_the_clipped_value_when_it_is_worse():
    # V moved from 0 to 0.5 towards R = 3; with ε = 0.2 the clipped V is 0.2, which is worse.
    values = torch.tensor([0.5], requires_grad=True)
    loss = ppo_value_loss(values, torch.zeros(1), torch.tensor([3.0]), clip_eps=0.2)
    loss.backward()
    assert loss.item() == pytest.approx(0.5 * (0.2 - 3.0) ** 2)
    assert values.grad.item() == 0.0  # no incentive to move V further from V_old


def test_value_loss_clipping_keeps_the_unclipped_term_when_it_is_worse():
    # V moved away from R: V_old = 0, V = −1, R = 3. The unclipped (−1 − 3)² = 16 beats the
    # clipped (−0.2 − 3)² = 10.24, so the max keeps it and its gradient pulls V back.
    values = torch.tensor([-1.0], requires_grad=True)
    loss = ppo_value_loss(values, torch.zeros(1), torch.tensor([3.0]), clip_eps=0.2)
    loss.backward()
    assert loss.item() == pytest.approx(0.5 * 16.0)  # (−1 − 3)² beats (−0.2 − 3)²
    assert values.grad.item() == pytest.approx(-4.0)


@PROPERTY
@given(values=finite, old_values=finite, returns=finite, clip_eps=st.floats(0.01, 5.0))
def test_clipped_value_loss_is_never_below_the_unclipped_one(values, old_values, returns, clip_eps):
    V, V_old, R = (torch.tensor([x], dtype=torch.float64) for x in (values, old_values, returns))
    clipped = ppo_value_loss(V, V_old, R, clip_eps=clip_eps)
    assert clipped >= ppo_value_loss(V, V_old, R)
    if abs(values - old_values) < clip_eps:  # inside the range the clip changes nothing
        assert clipped.item() == pytest.approx(
            ppo_value_loss(V, V_old, R).item(), rel=1e-9, abs=1e-12
        )


def test_value_loss_is_a_masked_mean():
    values = torch.tensor([[1.0, 5.0], [2.0, 7.0]])
    returns = torch.zeros(2, 2)
    mask = torch.tensor([[1, 0], [1, 0]])
    assert ppo_value_loss(values, values, returns, mask=mask).item() == pytest.approx(1.25)


# --- entropy ----------------------------------------------------------------


def test_entropy_of_uniform_logits_is_log_n():
    assert torch.allclose(entropy(torch.zeros(3, 7)), torch.full((3,), math.log(7)))


def test_entropy_of_a_near_certain_policy_is_near_zero():
    assert entropy(torch.tensor([100.0, 0.0, 0.0])).item() < 1e-30


def test_entropy_ignores_minus_infinity_logits_without_nan():
    logits = torch.tensor([0.0, 0.0, -math.inf, -math.inf], requires_grad=True)
    h = entropy(logits)
    h.backward()
    assert h.item() == pytest.approx(math.log(2))
    assert torch.isfinite(logits.grad).all()


@PROPERTY
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 30), scale=st.floats(0.0, 50.0))
def test_entropy_matches_torch_categorical(seed, n, scale):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(4, n, generator=g, dtype=torch.float64) * scale
    expected = torch.distributions.Categorical(logits=logits).entropy()
    assert torch.allclose(entropy(logits), expected, atol=1e-10)
    assert torch.all(entropy(logits) >= 0)


# --- advantage normalisation -----------------------------------------------


def test_single_advantage_normalizes_to_zero_not_nan():
    a = normalize_advantages(torch.tensor([3.7]))
    assert a.item() == 0.0
    constant = normalize_advantages(torch.full((5,), 2.0))
    assert torch.all(constant == 0.0)


@PROPERTY
@given(
    st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=40).filter(lambda x: max(x) - min(x) > 1e-2)
)
def test_normalized_advantages_have_mean_zero_and_population_std_one(values):
    a = normalize_advantages(torch.tensor(values, dtype=torch.float64))
    assert abs(a.mean().item()) < 1e-9
    assert a.std(correction=0).item() == pytest.approx(1.0, abs=1e-6)


def test_normalization_statistics_come_from_masked_in_positions_only():
    advantages = torch.tensor([1.0, 3.0, 1000.0])
    mask = torch.tensor([True, True, False])
    a = normalize_advantages(advantages, mask=mask)
    assert a[:2].tolist() == pytest.approx([-1.0, 1.0])


# --- KL estimators and clip fraction ---------------------------------------


def test_kl_estimators_give_their_formulas():
    logp_old = torch.zeros(2, dtype=torch.float64)
    logp_new = torch.tensor([-0.5, 0.3], dtype=torch.float64)  # log r
    log_r = logp_new
    k1 = (-log_r).mean()
    k2 = (0.5 * log_r**2).mean()
    k3 = (log_r.exp() - 1 - log_r).mean()
    assert approx_kl(logp_new, logp_old, estimator="k1").item() == pytest.approx(k1.item())
    assert approx_kl(logp_new, logp_old, estimator="k2").item() == pytest.approx(k2.item())
    assert approx_kl(logp_new, logp_old).item() == pytest.approx(k3.item())
    assert approx_kl(logp_new, logp_old, estimator="k1").item() == pytest.approx(0.1)


def test_k1_can_be_negative_but_k3_cannot():
    logp_new, logp_old = torch.tensor([0.2]), torch.tensor([0.0])
    assert approx_kl(logp_new, logp_old, estimator="k1") < 0
    assert approx_kl(logp_new, logp_old, estimator="k3") > 0


@PROPERTY
@given(st.lists(st.one_of(finite, st.floats(-1e-6, 1e-6)), min_size=1, max_size=30))
def test_k3_is_never_negative(log_r):
    log_r = torch.tensor(log_r)
    assert approx_kl(log_r, torch.zeros_like(log_r)).item() >= 0
    assert torch.all(torch.expm1(log_r) - log_r >= 0)


def test_k1_and_k3_are_unbiased_estimates_of_the_true_kl():
    g = torch.Generator().manual_seed(0)
    q = torch.distributions.Categorical(logits=torch.tensor([0.0, 1.0, -1.0, 0.5]))
    p = torch.distributions.Categorical(logits=torch.tensor([0.3, 0.6, -0.8, 0.5]))
    true_kl = torch.distributions.kl_divergence(q, p).item()
    actions = torch.multinomial(q.probs, 200_000, replacement=True, generator=g)
    logp_old, logp_new = q.log_prob(actions), p.log_prob(actions)
    for estimator in ("k1", "k3"):
        estimate = approx_kl(logp_new, logp_old, estimator=estimator).item()
        assert estimate == pytest.approx(true_kl, rel=0.1), estimator


def test_clip_fraction_counts_ratios_outside_the_range():
    ratio = torch.tensor([0.7, 0.85, 1.0, 1.15, 1.3, 2.0])
    assert clip_fraction(ratio, clip_eps=0.2) == pytest.approx(0.5)
    assert clip_fraction(ratio, clip_eps=0.1) == pytest.approx(5 / 6)
    mask = torch.tensor([1, 1, 1, 1, 0, 0])
    assert clip_fraction(ratio, mask=mask) == pytest.approx(0.25)
    assert isinstance(clip_fraction(ratio), float)


# --- masked mean and bad input ---------------------------------------------


def test_masked_mean_is_sum_over_count():
    x = torch.tensor([[1.0, 2.0], [3.0, 10.0]])
    assert masked_mean(x).item() == 4.0
    assert masked_mean(x, torch.tensor([[1, 1], [1, 0]])).item() == 2.0
    assert masked_mean(x, torch.tensor([[True, True], [True, False]])).item() == 2.0


def test_empty_mask_raises():
    x = torch.ones(2, 3)
    with pytest.raises(ValueError, match="mask selects no element"):
        masked_mean(x, torch.zeros(2, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match="mask selects no element"):
        ppo_policy_loss(x, x, x, mask=torch.zeros(2, 3))
    with pytest.raises(ValueError, match="x is empty"):
        masked_mean(torch.zeros(0))


def test_mask_of_the_wrong_shape_raises():
    with pytest.raises(
        ValueError, match=r"mask must have the same shape as x \(2, 3\); got \(3,\)"
    ):
        masked_mean(torch.ones(2, 3), torch.ones(3))


@pytest.mark.parametrize("clip_eps", [0.0, -0.1])
def test_non_positive_clip_eps_raises(clip_eps):
    x = torch.ones(3)
    for call in (
        lambda: clipped_surrogate(x, x, clip_eps=clip_eps),
        lambda: ppo_policy_loss(x, x, x, clip_eps=clip_eps),
        lambda: ppo_value_loss(x, x, x, clip_eps=clip_eps),
        lambda: clip_fraction(x, clip_eps=clip_eps),
    ):
        with pytest.raises(ValueError, match="clip_eps must be > 0"):
            call()


def test_shape_mismatches_name_the_argument():
    a, b = torch.zeros(4), torch.zeros(5)
    with pytest.raises(ValueError, match=r"advantages must have the same shape as logp_new \(4,\)"):
        ppo_policy_loss(a, a, b)
    with pytest.raises(ValueError, match="logp_old must have the same shape as logp_new"):
        probability_ratio(a, b)
    with pytest.raises(ValueError, match="returns must have the same shape as values"):
        ppo_value_loss(a, a, b)
    with pytest.raises(ValueError, match="advantages must have the same shape as ratio"):
        clipped_surrogate(a, b)


def test_unknown_kl_estimator_raises():
    with pytest.raises(ValueError, match="estimator must be"):
        approx_kl(torch.zeros(2), torch.zeros(2), estimator="k4")


def test_entropy_needs_a_non_empty_action_dimension():
    with pytest.raises(ValueError, match="logits must have a non-empty last dimension"):
        entropy(torch.zeros(3, 0))
