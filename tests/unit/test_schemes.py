"""Colour schemes and contrast (lesson_code.schemes), and the figures drawn for them."""

from __future__ import annotations

import base64
import re

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_rgb

from lesson_code.figures import FIGURES
from lesson_code.pipeline import Chart, in_either_scheme, ink
from lesson_code.schemes import (
    CYCLE,
    GRAPHIC_CONTRAST,
    INK,
    PAGE,
    SCHEMES,
    TEXT_CONTRAST,
    contrast_ratio,
    low_contrast,
)

WHITE, BLACK = (1.0, 1.0, 1.0), (0.0, 0.0, 0.0)


def test_contrast_ratio_matches_known_values() -> None:
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)  # order does not matter
    assert contrast_ratio(to_rgb("#777777"), WHITE) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(to_rgb("#767676"), WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(to_rgb("#3949ab"), to_rgb("#3949ab")) == pytest.approx(1.0)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_ink_is_text_and_the_cycle_graphics_on_each_page(scheme: str) -> None:
    page = to_rgb(PAGE[scheme])
    assert contrast_ratio(to_rgb(INK[scheme]), page) >= TEXT_CONTRAST
    for colour in CYCLE:
        assert contrast_ratio(to_rgb(colour), page) >= GRAPHIC_CONTRAST, colour


@in_either_scheme
def two_lines(values: list[float], *, reference: float) -> Chart:
    chart = Chart(alt="Two lines and a reference.", figsize=(3, 2))
    ax = chart.subplots()
    ax.plot(values, label="first")
    ax.plot(values[::-1], label="second")
    ax.axhline(reference, color=ink(), ls="--", label="reference")
    ax.set(title="a title", xlabel="x")
    ax.legend()
    return chart


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_chart_drawn_in_a_scheme_reads_on_its_page(scheme: str) -> None:
    chart = two_lines([1.0, 2.0, 3.0], reference=2.0, scheme=scheme)
    assert chart.scheme == scheme
    assert low_contrast(chart, scheme) == []
    other = "dark" if scheme == "light" else "light"
    assert low_contrast(chart, other), "ink for one page cannot read on the other"


def test_low_contrast_names_what_fails() -> None:
    chart = two_lines([1.0, 2.0, 3.0], reference=2.0, scheme="dark")
    ax = chart.axes[0]
    ax.axvline(1.0, color="black", label="black line")
    ax.text(0.0, 0.0, "pale text", color="#cccccc")
    ax.bar([0.5], [1.0], color="white", alpha=0.05)
    failures = low_contrast(chart, "dark")
    assert len(failures) == 2, failures
    assert failures[0].startswith("Line2D 'black line': 1.30:1"), failures
    assert failures[1].startswith("Rectangle"), failures

    light = two_lines([1.0, 2.0, 3.0], reference=2.0)
    light.axes[0].text(0.0, 0.0, "pale text", color="#cccccc")
    assert low_contrast(light, "light") == ["text 'pale text': 1.61:1, needs 4.5:1"]


def test_low_contrast_sees_transparency_and_collections() -> None:
    chart = two_lines([1.0, 2.0, 3.0], reference=2.0, scheme="dark")
    ax = chart.axes[0]
    ax.plot([0, 1], [1, 2], color="white", alpha=0.1, label="faint line")
    ax.text(0.5, 1.5, "faint text", color="white", alpha=0.1)
    ax.scatter([0.5], [2.5], color=PAGE["dark"], label="hidden dots")
    ax.fill_between([0, 1], [1, 1], [2, 2], facecolor="none", edgecolor="#303030", label="band")
    failures = "\n".join(low_contrast(chart, "dark"))
    for part in ("faint line", "faint text", "hidden dots", "band"):
        assert part in failures, part


def test_drawing_in_a_scheme_leaves_matplotlib_settings_as_they_were() -> None:
    before = dict(matplotlib.rcParams)
    two_lines([1.0], reference=1.0, scheme="dark")
    assert dict(matplotlib.rcParams) == before


def test_a_chart_redraws_itself_with_the_same_data_in_the_other_scheme() -> None:
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


def test_a_chart_is_a_picture_whose_dark_image_follows_the_system_scheme() -> None:
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


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="'sepia'"):
        two_lines([1.0], reference=1.0, scheme="sepia")


@pytest.mark.parametrize("name", sorted(FIGURES))
@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_chapter_figures_read_on_their_page(name: str, scheme: str) -> None:
    figure = FIGURES[name](scheme)
    try:
        assert low_contrast(figure, scheme) == [], name
    finally:
        plt.close(figure)
