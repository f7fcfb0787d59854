"""How the course draws its figures: one style, light and dark, checked for contrast.

- :mod:`lesson_code.plotting.style`: the palette, sizes and Matplotlib settings
  of both colour schemes (the only place a colour is defined);
- :mod:`lesson_code.plotting.contrast`: WCAG contrast of a figure against its page;
- :mod:`lesson_code.plotting.chart`: :class:`Chart`, a figure with a text
  alternative that can draw itself in the other scheme;
- :mod:`lesson_code.plotting.figures`: the chapter's figures (SVG, drawn at build time).
"""

from lesson_code.plotting.chart import Chart, in_either_scheme
from lesson_code.plotting.contrast import contrast_ratio, low_contrast
from lesson_code.plotting.style import SCHEMES, Scheme, ink, paper, scheme_style, styled

__all__ = [
    "SCHEMES",
    "Chart",
    "Scheme",
    "contrast_ratio",
    "in_either_scheme",
    "ink",
    "low_contrast",
    "paper",
    "scheme_style",
    "styled",
]
