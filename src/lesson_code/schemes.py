"""The site's two colour schemes, for figures drawn to match the page.

Material for MkDocs' ``default`` palette is ``"light"`` here and its
``slate`` palette ``"dark"``. :mod:`lesson_code.figures` (the chapter's SVGs)
and the notebook's charts (:class:`lesson_code.pipeline.Chart`) draw their
text and axes in ``INK`` and their legends on ``PAGE``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Scheme = Literal["light", "dark"]
SCHEMES: tuple[Scheme, ...] = ("light", "dark")

# Material's default text colour and page background in each palette.
INK: dict[Scheme, str] = {"light": "#1f2228", "dark": "#e2e4e9"}
PAGE: dict[Scheme, str] = {"light": "#ffffff", "dark": "#1e2129"}

# Data colours for a chart's lines, in order: matplotlib's first colours, with
# its orange darkened, each at least 3:1 on both pages.
CYCLE: tuple[str, ...] = ("#1f77b4", "#d9650b", "#2ca02c", "#d62728", "#9467bd", "#7f7f7f")

TEXT_CONTRAST = 4.5  # WCAG 2.2, success criterion 1.4.3
GRAPHIC_CONTRAST = 3.0  # WCAG 2.2, success criterion 1.4.11


def relative_luminance(colour: tuple[float, float, float]) -> float:
    """WCAG 2.2's relative luminance of an sRGB colour with channels in [0, 1]."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """WCAG 2.2's contrast ratio of two sRGB colours, from 1 to 21.

    Text needs 4.5:1 against its background (success criterion 1.4.3), the
    parts of a graphic needed to understand it 3:1 (1.4.11).
    """
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def low_contrast(figure: Figure, scheme: Scheme) -> list[str]:
    """What ``figure`` draws with too little contrast on the page of ``scheme``.

    Text needs ``TEXT_CONTRAST``; lines, markers, bars, axes and ticks need
    ``GRAPHIC_CONTRAST``. A colour drawn with transparency is measured as it
    shows on the page. Backgrounds (the figure's, the axes', legend frames)
    are not measured. Returns one description per failing part.
    """
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    figure.draw_without_rendering()  # creates the ticks and their labels
    page = to_rgba(PAGE[scheme])[:3]
    backgrounds = {id(figure.patch)}
    for axes in figure.axes:
        backgrounds.add(id(axes.patch))
    for legend in figure.legends + [ax.get_legend() for ax in figure.axes]:
        if legend is not None:
            backgrounds.add(id(legend.legendPatch))

    failures = []

    def check(part: str, colour: object, minimum: float) -> None:
        *rgb, alpha = to_rgba(colour)
        if alpha == 0:
            return  # not drawn
        shown = tuple(alpha * c + (1 - alpha) * p for c, p in zip(rgb, page, strict=True))
        ratio = contrast_ratio(shown, page)
        if ratio < minimum:
            failures.append(f"{part}: {ratio:.2f}:1, needs {minimum}:1")

    no_line = ("None", "none", "", " ", None)
    for artist in figure.findobj(lambda a: a.get_visible()):
        label = f"{type(artist).__name__} {artist.get_label()!r}"
        if isinstance(artist, Text) and artist.get_text().strip():
            check(f"text {artist.get_text()!r}", artist.get_color(), TEXT_CONTRAST)
        elif isinstance(artist, Line2D):
            if artist.get_linestyle() not in no_line and artist.get_linewidth():
                check(label, artist.get_color(), GRAPHIC_CONTRAST)
            if artist.get_marker() not in no_line:
                check(f"{label} marker", artist.get_markeredgecolor(), GRAPHIC_CONTRAST)
        elif isinstance(artist, Patch) and id(artist) not in backgrounds:
            if artist.get_fill():
                check(label, artist.get_facecolor(), GRAPHIC_CONTRAST)
            elif artist.get_linewidth():
                check(label, artist.get_edgecolor(), GRAPHIC_CONTRAST)
    return failures
