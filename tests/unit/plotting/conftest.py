"""A small chart in either scheme, for the tests of charts and contrast."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lesson_code.plotting.chart import Chart, in_either_scheme
from lesson_code.plotting.style import ink


@in_either_scheme
def _two_lines(values: list[float], *, reference: float) -> Chart:
    chart = Chart(alt="Two lines and a reference.", figsize=(3, 2))
    ax = chart.subplots()
    ax.plot(values, label="first")
    ax.plot(values[::-1], label="second")
    ax.axhline(reference, color=ink(), ls="--", label="reference")
    ax.set(title="a title", xlabel="x")
    ax.legend()
    return chart


@pytest.fixture
def two_lines() -> Callable[..., Chart]:
    """A plot function: two lines and a dashed reference, with a title and a legend."""
    return _two_lines
