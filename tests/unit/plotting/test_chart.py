"""A figure with a text alternative, in either scheme (lesson_code.plotting.chart)."""

from __future__ import annotations

import base64
import inspect
import re

import matplotlib
import pytest

from lesson_code.plotting.chart import DARK_MEDIA, Chart
from lesson_code.plotting.style import INK


def test_drawing_in_a_scheme_leaves_matplotlib_settings_as_they_were(two_lines) -> None:
    before = dict(matplotlib.rcParams)
    two_lines([1.0], reference=1.0, scheme="dark")
    assert dict(matplotlib.rcParams) == before


def test_a_chart_redraws_itself_with_the_same_data_in_the_other_scheme(two_lines) -> None:
    light = two_lines([1.0, 2.0, 3.0], reference=2.5)
    dark = light.in_scheme("dark")
    assert dark is not light
    assert dark.scheme == "dark"
    assert light.in_scheme("light") is light
    for drawn in (light, dark):
        ax = drawn.axes[0]
        assert list(ax.lines[0].get_ydata()) == [1.0, 2.0, 3.0]
        assert list(ax.lines[2].get_ydata()) == [2.5, 2.5]
    assert dark.axes[0].title.get_color() == INK["dark"]
    assert light.axes[0].title.get_color() == INK["light"]


def test_a_chart_is_a_picture_whose_dark_image_follows_the_system_scheme(two_lines) -> None:
    html = two_lines([1.0, 2.0], reference=1.5)._repr_html_()
    match = re.fullmatch(
        r'<picture><source srcset="data:image/png;base64,([^"]+)" '
        r'media="\(prefers-color-scheme: dark\)">'
        r'<img src="data:image/png;base64,([^"]+)" alt="Two lines and a reference\.">'
        r"</picture>",
        html,
    )
    assert match, html[:120]
    dark, light = (base64.b64decode(m) for m in match.groups())
    assert dark.startswith(b"\x89PNG")
    assert light.startswith(b"\x89PNG")
    assert dark != light


def test_a_chart_without_a_redraw_is_one_image() -> None:
    chart = Chart(alt='A "quoted" title & more.', figsize=(2, 2))
    chart.subplots().plot([0, 1])
    html = chart._repr_html_()
    assert re.fullmatch(
        r'<img src="data:image/png;base64,[^"]+" alt="A &quot;quoted&quot; title &amp; more\.">',
        html,
    ), html[:80]
    with pytest.raises(ValueError, match="light scheme only"):
        chart.in_scheme("dark")


def test_an_unknown_scheme_is_refused(two_lines) -> None:
    with pytest.raises(ValueError, match="'sepia'"):
        two_lines([1.0], reference=1.0, scheme="sepia")


def test_the_scheme_keyword_shows_in_the_signature(two_lines) -> None:
    assert "scheme" in inspect.signature(two_lines).parameters
    assert DARK_MEDIA == "(prefers-color-scheme: dark)"
