"""A figure with a text alternative, drawn for either colour scheme.

The notebook's plots are :class:`Chart` objects made by a plot function
decorated with :func:`in_either_scheme`: a notebook shows the chart as a
``<picture>`` whose dark image the browser picks when the reader's system is
dark, and the site shows the image of the palette the reader chose (the build
hook ``tools/hooks/notebook_images_as_files.py`` reads that picture).
"""

from __future__ import annotations

import base64
import html
import inspect
import io
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from matplotlib.figure import Figure

from lesson_code.plotting.style import DPI, SCHEMES, Scheme, styled

__all__ = ["DARK_MEDIA", "Chart", "in_either_scheme"]

# The media query of a chart's dark image (the build hook matches it).
DARK_MEDIA = "(prefers-color-scheme: dark)"


class Chart(Figure):
    """A Matplotlib figure with a text alternative, for either colour scheme.

    In a notebook it is shown as a PNG image, ``DPI`` pixels per inch, whose
    ``alt`` text is ``alt`` (Matplotlib's own display of a figure has none).
    A chart from a plot function decorated with :func:`in_either_scheme` can
    draw itself again in the other scheme (``redraw``): it is then shown as a
    ``<picture>`` whose dark image a browser picks when the system is dark.
    The other scheme's drawing comes from calling the plot function again with
    the same arguments: a change made to the chart after it was drawn is not in
    it (make the change in the plot function instead).
    """

    DPI = DPI

    def __init__(self, alt: str, **kwargs: Any) -> None:
        kwargs.setdefault("layout", "constrained")
        super().__init__(**kwargs)
        self.alt = alt
        self.scheme: Scheme = "light"
        self.redraw: Callable[..., Chart] | None = None

    def png(self) -> bytes:
        """The chart as a PNG image, on its own background colour."""
        image = io.BytesIO()
        self.savefig(image, format="png", dpi=self.DPI, facecolor="auto")
        return image.getvalue()

    def in_scheme(self, scheme: Scheme) -> Chart:
        """This chart as drawn in ``scheme``: itself, or a new drawing."""
        if scheme == self.scheme:
            return self
        if self.redraw is None:
            raise ValueError(f"scheme: this chart is drawn in the {self.scheme} scheme only")
        return self.redraw(scheme=scheme)

    def _repr_html_(self) -> str:
        alt = html.escape(self.alt)
        if self.redraw is None:
            return f'<img src="{_png_url(self.png())}" alt="{alt}">'
        light, dark = (_png_url(self.in_scheme(scheme).png()) for scheme in SCHEMES)
        return (
            f'<picture><source srcset="{dark}" media="{DARK_MEDIA}">'
            f'<img src="{light}" alt="{alt}"></picture>'
        )


def _png_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def in_either_scheme(plot: Callable[..., Chart]) -> Callable[..., Chart]:
    """Give a plot function a ``scheme`` keyword (default ``"light"``), and the
    chart it returns a way to draw itself again in the other scheme."""

    @wraps(plot)
    def draw(*args: Any, scheme: Scheme = "light", **kwargs: Any) -> Chart:
        if scheme not in SCHEMES:
            raise ValueError(f"scheme: expected one of {SCHEMES}, got {scheme!r}")
        with styled(scheme):
            chart = plot(*args, **kwargs)
        chart.scheme = scheme
        chart.redraw = partial(draw, *args, **kwargs)
        return chart

    # help() and inspect show the new keyword (wraps() copies the old signature).
    signature = inspect.signature(plot)
    parameters = list(signature.parameters.values())
    position = next(
        (i for i, p in enumerate(parameters) if p.kind is inspect.Parameter.VAR_KEYWORD),
        len(parameters),
    )
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters.insert(position, inspect.Parameter("scheme", keyword, default="light"))
    draw.__signature__ = signature.replace(parameters=parameters)
    return draw
