"""The chapter's figures (lesson_code.plotting.figures)."""

from __future__ import annotations

import pytest

from lesson_code.plotting.contrast import low_contrast
from lesson_code.plotting.figures import FIGURES, all_figures, ppo_clip_figure, render_svg
from lesson_code.plotting.style import SCHEMES


@pytest.mark.parametrize("name", sorted(FIGURES))
@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_chapter_figures_read_on_their_page(name: str, scheme: str) -> None:
    assert low_contrast(FIGURES[name](scheme), scheme) == [], name


def test_every_figure_is_drawn_in_both_schemes_as_the_same_svg_each_time() -> None:
    first, second = all_figures(), all_figures()
    assert set(first) == {f"{name}-{scheme}.svg" for name in FIGURES for scheme in SCHEMES}
    assert first == second


def test_the_clip_figure_is_flat_outside_the_trust_region() -> None:
    figure = ppo_clip_figure("light", clip_eps=0.2)
    positive, negative = (ax.lines[0] for ax in figure.axes)
    r, term = positive.get_xdata(), positive.get_ydata()
    assert max(term) == pytest.approx(1.2)  # (1 + eps) A for A = +1
    assert all(t == pytest.approx(1.2) for x, t in zip(r, term, strict=True) if x > 1.2)
    r, term = negative.get_xdata(), negative.get_ydata()
    assert all(t == pytest.approx(-0.8) for x, t in zip(r, term, strict=True) if x < 0.8)
    assert 'fill="none"' in render_svg(figure) or "fill: none" in render_svg(figure)
