"""WCAG contrast of a figure against its page (lesson_code.plotting.contrast)."""

from __future__ import annotations

import pytest
from matplotlib.colors import to_rgb

from lesson_code.plotting.contrast import contrast_ratio, low_contrast
from lesson_code.plotting.style import PAGE, SCHEMES

WHITE, BLACK = (1.0, 1.0, 1.0), (0.0, 0.0, 0.0)


def test_contrast_ratio_matches_known_values() -> None:
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)  # order does not matter
    assert contrast_ratio(to_rgb("#777777"), WHITE) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(to_rgb("#767676"), WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(to_rgb("#3949ab"), to_rgb("#3949ab")) == pytest.approx(1.0)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_chart_drawn_in_a_scheme_reads_on_its_page(two_lines, scheme: str) -> None:
    chart = two_lines([1.0, 2.0, 3.0], reference=2.0, scheme=scheme)
    assert chart.scheme == scheme
    assert low_contrast(chart, scheme) == []
    other = "dark" if scheme == "light" else "light"
    assert low_contrast(chart, other), "ink for one page cannot read on the other"


def test_low_contrast_names_what_fails(two_lines) -> None:
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


def test_low_contrast_sees_transparency_and_collections(two_lines) -> None:
    chart = two_lines([1.0, 2.0, 3.0], reference=2.0, scheme="dark")
    ax = chart.axes[0]
    ax.plot([0, 1], [1, 2], color="white", alpha=0.1, label="faint line")
    ax.text(0.5, 1.5, "faint text", color="white", alpha=0.1)
    ax.scatter([0.5], [2.5], color=PAGE["dark"], label="hidden dots")
    ax.fill_between([0, 1], [1, 1], [2, 2], facecolor="none", edgecolor="#303030", label="band")
    failures = "\n".join(low_contrast(chart, "dark"))
    for part in ("faint line", "faint text", "hidden dots", "band"):
        assert part in failures, part
