"""Argument checks shared by the lesson modules.

Each check raises a ``ValueError`` that names the argument and says what was
expected, so a wrong call fails loudly instead of returning NaN or a silently
broadcast result. The checks look at shapes and dtypes only, except where a
value check is the point (label range, empty mask), which costs one small
reduction.
"""

from __future__ import annotations

import torch

_INTEGER_DTYPES = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)


def shape_str(shape: torch.Size | tuple[int, ...]) -> str:
    """``(2, 5)`` for a shape; ``()`` for a scalar."""
    return str(tuple(shape))


def require_tensor(name: str, x: object) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor; got {type(x).__name__}")
    return x


def require_floating(name: str, x: torch.Tensor) -> None:
    require_tensor(name, x)
    if not x.is_floating_point():
        raise ValueError(f"{name} must be a floating-point tensor; got dtype {x.dtype}")


def require_integer(name: str, x: torch.Tensor) -> None:
    require_tensor(name, x)
    if x.dtype not in _INTEGER_DTYPES:
        raise ValueError(f"{name} must be an integer tensor (token ids); got dtype {x.dtype}")


def require_same_shape(
    reference_name: str, reference: torch.Tensor, **others: torch.Tensor
) -> None:
    """Every tensor in ``others`` must have exactly the shape of ``reference``."""
    require_tensor(reference_name, reference)
    for name, x in others.items():
        require_tensor(name, x)
        if x.shape != reference.shape:
            raise ValueError(
                f"{name} must have the same shape as {reference_name} "
                f"{shape_str(reference.shape)}; got {shape_str(x.shape)}"
            )


def require_ndim(name: str, x: torch.Tensor, ndim: int, layout: str) -> None:
    require_tensor(name, x)
    if x.ndim != ndim:
        raise ValueError(f"{name} must have shape {layout}; got {shape_str(x.shape)}")


def require_nonempty(name: str, x: torch.Tensor) -> None:
    if x.numel() == 0:
        raise ValueError(f"{name} is empty: a mean over zero elements is undefined")


def require_positive(name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{name} must be > 0; got {value}")


def require_nonnegative(name: str, value: float) -> None:
    if not value >= 0:
        raise ValueError(f"{name} must be >= 0; got {value}")


def require_unit_interval(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1]; got {value}")


def require_mask(
    mask: torch.Tensor, like: torch.Tensor, like_name: str, name: str = "mask"
) -> None:
    """``mask`` must be a bool or real tensor with the shape of ``like``."""
    require_same_shape(like_name, like, **{name: mask})
    if mask.is_complex():
        raise ValueError(f"{name} must be a bool or 0/1 tensor; got dtype {mask.dtype}")
