"""The one chart style (lesson_code.plotting.style)."""

from __future__ import annotations

import matplotlib
import pytest
from matplotlib.colors import to_rgb

from lesson_code.plotting.contrast import GRAPHIC_CONTRAST, TEXT_CONTRAST, contrast_ratio
from lesson_code.plotting.style import (
    CYCLE,
    INK,
    OUTCOME,
    PAGE,
    SCHEMES,
    paper,
    scheme_style,
    styled,
)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_ink_is_text_and_the_cycle_graphics_on_each_page(scheme: str) -> None:
    page = to_rgb(PAGE[scheme])
    assert contrast_ratio(to_rgb(INK[scheme]), page) >= TEXT_CONTRAST
    for colour in CYCLE:
        assert contrast_ratio(to_rgb(colour), page) >= GRAPHIC_CONTRAST, colour


@pytest.mark.parametrize("scheme", SCHEMES)
def test_outcome_colours_are_graphics_on_each_page(scheme: str) -> None:
    for outcome, colour in OUTCOME.items():
        assert contrast_ratio(to_rgb(colour), to_rgb(PAGE[scheme])) >= GRAPHIC_CONTRAST, outcome


def test_a_transparent_style_lets_the_page_show_through_and_keeps_the_ink() -> None:
    style = scheme_style("dark", transparent=True)
    assert style["figure.facecolor"] == style["axes.facecolor"] == "none"
    assert style["text.color"] == INK["dark"]
    with styled("dark", transparent=True):
        assert paper() == PAGE["dark"]  # separators still take the page's colour


def test_an_unknown_scheme_has_no_style() -> None:
    with pytest.raises(ValueError, match="'sepia'"):
        scheme_style("sepia")


def test_drawing_in_a_style_leaves_matplotlib_settings_as_they_were() -> None:
    before = dict(matplotlib.rcParams)
    with styled("dark"):
        assert matplotlib.rcParams["text.color"] == INK["dark"]
    assert dict(matplotlib.rcParams) == before
