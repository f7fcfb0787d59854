"""The run's charts (lesson_code.tictactoe.plots)."""

from __future__ import annotations

import base64
import re

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from lesson_code.plotting.chart import Chart
from lesson_code.plotting.contrast import low_contrast
from lesson_code.plotting.style import SCHEMES
from lesson_code.tictactoe.plots import charts

# The notebook's output column on a laptop screen (1280 px wide), in CSS pixels.
COLUMN_PX = 508
SMALLEST_TEXT_PX = 9


@pytest.fixture(scope="module")
def shown(quick_results) -> dict[str, Chart]:
    return charts(quick_results)


def test_every_chart_shows_as_a_picture_with_its_text_alternative(shown, quick_results) -> None:
    for name, chart in shown.items():
        html = chart._repr_html_()
        match = re.fullmatch(
            r'<picture><source srcset="data:image/png;base64,([^"]+)" '
            r'media="\(prefers-color-scheme: dark\)">'
            r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"></picture>',
            html,
        )
        assert match, f"{name}: {html[:80]}"
        assert base64.b64decode(match[1]).startswith(b"\x89PNG"), name
        assert base64.b64decode(match[2]).startswith(b"\x89PNG"), name
        assert len(match[3]) > 80, f"{name}: alt text too short to describe it: {match[3]!r}"
    # The alternative gives the numbers the chart shows, as the run computed them.
    heldout = quick_results.stages["pretrained"].history["heldout"][-1]
    assert f"{heldout:.3f}" in shown["loss_curves.png"].alt
    kl = quick_results.stages["rlhf"].history["kl"][-1]
    assert f"KL {kl:.3f}" in shown["ppo_reward_kl.png"].alt


def test_chart_text_is_legible_in_the_notebook_column(shown) -> None:
    for name, chart in shown.items():
        FigureCanvasAgg(chart).draw()  # lays out the ticks and their labels
        width_px = chart.get_figwidth() * Chart.DPI  # as _repr_html_ renders it
        scale = min(1.0, COLUMN_PX / width_px)
        sizes = [
            text.get_fontsize() * Chart.DPI / 72 * scale
            for text in chart.findobj(Text)
            if text.get_visible() and text.get_text().strip()
        ]
        assert sizes, name
        assert min(sizes) >= SMALLEST_TEXT_PX, (
            f"{name}: text {min(sizes):.1f} px tall in a {COLUMN_PX}-px column"
        )


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_chart_reads_on_the_page_of_its_scheme(shown, scheme: str) -> None:
    """Text at 4.5:1 and lines, bars and axes at 3:1 against the page (WCAG 2.2)."""
    for name, chart in shown.items():
        assert low_contrast(chart.in_scheme(scheme), scheme) == [], name
