"""Contrast of a figure against its page, as WCAG 2.2 measures it.

:func:`low_contrast` lists what a Matplotlib figure draws too faintly to read
on the page of its colour scheme; the tests run it on every figure the site
shows, in both schemes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lesson_code.plotting.style import PAGE, Scheme

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["GRAPHIC_CONTRAST", "TEXT_CONTRAST", "contrast_ratio", "low_contrast"]

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

    Text needs ``TEXT_CONTRAST``; lines, markers, patches (bars, spines) and
    collections (scatter, fill_between) need ``GRAPHIC_CONTRAST``. Each part is
    measured against the page, as it shows there (with its transparency), not
    against the parts next to it; backgrounds (the figure's, the axes', legend
    frames) are not measured, nor are images. A filled part is measured by its
    fill, a hollow one by its edge. Returns one description per failing part.
    """
    from matplotlib.collections import Collection
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

    def check(part: str, colour: object, minimum: float, alpha: float | None = None) -> None:
        *rgb, opacity = to_rgba(colour, alpha)
        if opacity == 0:
            return  # not drawn
        shown = tuple(opacity * c + (1 - opacity) * p for c, p in zip(rgb, page, strict=True))
        ratio = contrast_ratio(shown, page)
        if ratio < minimum:
            failures.append(f"{part}: {ratio:.2f}:1, needs {minimum}:1")

    def drawn(colour: object, alpha: float | None = None) -> bool:
        return to_rgba(colour, alpha)[3] > 0

    no_line = ("None", "none", "", " ", None)
    for artist in figure.findobj(lambda a: a.get_visible() and id(a) not in backgrounds):
        label = f"{type(artist).__name__} {artist.get_label()!r}"
        alpha = artist.get_alpha()
        if isinstance(artist, Text):
            if artist.get_text().strip():
                check(f"text {artist.get_text()!r}", artist.get_color(), TEXT_CONTRAST, alpha)
        elif isinstance(artist, Line2D):
            if artist.get_linestyle() not in no_line and artist.get_linewidth():
                check(label, artist.get_color(), GRAPHIC_CONTRAST, alpha)
            if artist.get_marker() not in no_line:
                face = artist.get_markerfacecolor()
                mark = face if drawn(face, alpha) else artist.get_markeredgecolor()
                check(f"{label} marker", mark, GRAPHIC_CONTRAST, alpha)
        elif isinstance(artist, Patch):  # its colours include its alpha
            if artist.get_fill() and drawn(artist.get_facecolor()):
                check(label, artist.get_facecolor(), GRAPHIC_CONTRAST)
            elif artist.get_linewidth():
                check(label, artist.get_edgecolor(), GRAPHIC_CONTRAST)
        elif isinstance(artist, Collection):  # likewise
            faces = [c for c in artist.get_facecolors() if c[3] > 0]
            edges = artist.get_edgecolors() if any(artist.get_linewidths()) else []
            for colour in faces or edges:
                check(label, colour, GRAPHIC_CONTRAST)
    return failures
