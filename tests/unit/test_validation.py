"""The argument checks behind every ValueError of the formulas (lesson_code._validation)."""

from __future__ import annotations

import math

import pytest
import torch

from lesson_code import _validation as v


def test_a_non_tensor_is_named_with_its_type() -> None:
    with pytest.raises(ValueError, match=r"logits must be a torch\.Tensor; got list"):
        v.require_tensor("logits", [1.0])


def test_dtypes_are_checked_by_kind() -> None:
    v.require_floating("logits", torch.zeros(2))
    v.require_integer("labels", torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="logits must be a floating-point tensor; got dtype"):
        v.require_floating("logits", torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match=r"labels must be an integer tensor \(token ids\)"):
        v.require_integer("labels", torch.zeros(2))


def test_a_shape_mismatch_names_both_tensors_and_both_shapes() -> None:
    with pytest.raises(
        ValueError, match=r"values must have the same shape as rewards \(3,\); got \(4,\)"
    ):
        v.require_same_shape("rewards", torch.zeros(3), values=torch.zeros(4))
    with pytest.raises(ValueError, match=r"logits must have shape \[B, T, V\]; got \(2, 3\)"):
        v.require_ndim("logits", torch.zeros(2, 3), 3, "[B, T, V]")


def test_an_empty_tensor_is_refused_before_a_mean_turns_it_into_nan() -> None:
    with pytest.raises(ValueError, match="mask is empty: a mean over zero elements is undefined"):
        v.require_nonempty("mask", torch.zeros(0))


@pytest.mark.parametrize("value", [0.0, -1.0, math.nan])
def test_a_positive_number_must_be_positive(value: float) -> None:
    with pytest.raises(ValueError, match="eps must be > 0"):
        v.require_positive("eps", value)


@pytest.mark.parametrize("value", [-0.1, 1.5, math.nan])
def test_a_probability_like_number_must_lie_in_the_unit_interval(value: float) -> None:
    with pytest.raises(ValueError, match=r"gamma must be in \[0, 1\]"):
        v.require_unit_interval("gamma", value)
    v.require_unit_interval("gamma", 0.0)
    v.require_unit_interval("gamma", 1.0)
    v.require_nonnegative("beta", 0.0)
    with pytest.raises(ValueError, match="beta must be >= 0"):
        v.require_nonnegative("beta", -0.5)


def test_a_mask_has_the_shape_of_what_it_masks_and_no_complex_values() -> None:
    like = torch.zeros(2, 3)
    v.require_mask(torch.ones(2, 3, dtype=torch.bool), like, "logp")
    with pytest.raises(ValueError, match=r"mask must have the same shape as logp \(2, 3\)"):
        v.require_mask(torch.ones(3), like, "logp")
    with pytest.raises(ValueError, match="mask must be a bool or 0/1 tensor"):
        v.require_mask(torch.ones(2, 3, dtype=torch.complex64), like, "logp")
