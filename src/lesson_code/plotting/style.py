"""The one chart style of the course: colours, sizes and Matplotlib settings.

Every figure the site shows is drawn here, in one of the site's two colour
schemes: Material for MkDocs' ``default`` palette is ``"light"`` and its
``slate`` palette ``"dark"``. Text and axes are drawn in the scheme's ``INK``,
data in the colours of ``CYCLE`` (each readable on both pages), and the
background is the page's own colour (``PAGE``) or transparent.

Colours are defined in this module only: a plot names a colour by its role
(``ink()``, ``paper()``, ``CYCLE[i]``, ``OUTCOME["win"]``), never by value.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import matplotlib

__all__ = [
    "CYCLE",
    "DPI",
    "INK",
    "LEGEND_SIZE",
    "OUTCOME",
    "PAGE",
    "PLOT_WIDTH",
    "SCHEMES",
    "Scheme",
    "ink",
    "paper",
    "scheme_style",
    "styled",
]

Scheme = Literal["light", "dark"]
SCHEMES: tuple[Scheme, ...] = ("light", "dark")

# A text colour close to Material's in each palette (fully opaque, where
# Material's is a translucent black or white), and Material's page background.
INK: dict[Scheme, str] = {"light": "#1f2228", "dark": "#e2e4e9"}
PAGE: dict[Scheme, str] = {"light": "#ffffff", "dark": "#1e2129"}

# Data colours, in order: tab10's blue, orange (darkened), green, red, purple
# and grey, each at least 3:1 on both pages (WCAG 2.2, 1.4.11).
CYCLE: tuple[str, ...] = ("#1f77b4", "#d9650b", "#2ca02c", "#d62728", "#9467bd", "#7f7f7f")
BLUE, ORANGE, GREEN, RED, PURPLE, GREY = CYCLE

# The outcome of a game, wherever one is drawn.
OUTCOME: dict[str, str] = {"win": GREEN, "draw": GREY, "loss": RED}

DPI = 100  # pixels per inch of every raster image (notebook charts, saved PNGs)
# Sized for a column about 500 px wide (a notebook's output column on a laptop):
# panels two to a row, and no text smaller than 9 px there.
PLOT_WIDTH = 6.4  # inches
LEGEND_SIZE = 9  # points


def scheme_style(scheme: Scheme, *, transparent: bool = False) -> dict[str, Any]:
    """Matplotlib settings that draw a figure for one of the site's colour schemes.

    Text, axes and ticks in the scheme's ink; data in ``CYCLE``; the background,
    legends included, in the page's colour, so that an image also reads where it
    is shown on its own, or transparent (``transparent=True``) for an image the
    page itself shows through (the chapter's SVGs).

    ```python
    from lesson_code.plotting.style import INK, scheme_style

    assert scheme_style("dark")["text.color"] == INK["dark"]
    ```
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme: expected one of {SCHEMES}, got {scheme!r}")
    ink_colour = INK[scheme]
    background = "none" if transparent else PAGE[scheme]
    return {
        "figure.facecolor": background,
        "axes.facecolor": background,
        "savefig.transparent": transparent,
        "text.color": ink_colour,
        "axes.labelcolor": ink_colour,
        "axes.titlecolor": ink_colour,
        "axes.edgecolor": ink_colour,
        "xtick.color": ink_colour,
        "ytick.color": ink_colour,
        "legend.facecolor": PAGE[scheme],
        "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
    }


@contextmanager
def styled(scheme: Scheme, *, transparent: bool = False) -> Iterator[None]:
    """Draw inside this block in ``scheme`` (:func:`scheme_style`); settings are restored after."""
    with matplotlib.rc_context(scheme_style(scheme, transparent=transparent)):
        yield


def ink() -> str:
    """The ink of the scheme a figure is being drawn in (for text and reference lines)."""
    return matplotlib.rcParams["text.color"]


def paper() -> str:
    """The page colour of the scheme a figure is being drawn in (for separators)."""
    return matplotlib.rcParams["legend.facecolor"]
