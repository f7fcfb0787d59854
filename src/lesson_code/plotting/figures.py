"""The chapter's figures, drawn from the same code the lessons teach.

Each function in :data:`FIGURES` draws one figure in one colour scheme
(:mod:`lesson_code.plotting.style`) on a transparent background, so the page
shows through; :func:`render_svg` turns it into deterministic SVG text. The
site build calls :func:`all_figures` (``tools/hooks/draw_chapter_figures.py``), so a page
never shows a stale plot.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import torch
from matplotlib.figure import Figure

from lesson_code.plotting.style import BLUE, RED, SCHEMES, Scheme, ink, styled
from lesson_code.ppo import clipped_surrogate

__all__ = ["CAKE_LAYERS", "FIGURES", "all_figures", "cake_figure", "ppo_clip_figure", "render_svg"]

CHAPTER_WIDTH = 7.2  # inches: the chapter's text column


def ppo_clip_figure(scheme: Scheme = "light", *, clip_eps: float = 0.2) -> Figure:
    """Figure 1 of Schulman et al. (2017, arXiv:1707.06347): one term of
    :math:`L^{CLIP}` against the probability ratio :math:`r`, for
    :math:`A > 0` and :math:`A < 0`, computed with
    :func:`lesson_code.ppo.clipped_surrogate`. The dot marks :math:`r = 1`,
    where every update starts."""
    ratio = torch.linspace(0.0, 2.0, 401)
    with styled(scheme, transparent=True):
        fig = Figure(figsize=(CHAPTER_WIDTH, 3.0), layout="tight")
        axes = fig.subplots(1, 2, sharex=True)
        for ax, advantage, title in zip(axes, (1.0, -1.0), ("A > 0", "A < 0"), strict=True):
            term = clipped_surrogate(ratio, torch.full_like(ratio, advantage), clip_eps=clip_eps)
            ax.plot(ratio, term, color=BLUE, linewidth=2)
            ax.plot([1.0], [advantage], "o", color=RED, markersize=7)
            for edge in (1 - clip_eps, 1 + clip_eps):
                ax.axvline(edge, color=ink(), linestyle=":", linewidth=1)
            ax.axhline(0.0, color=ink(), linewidth=0.6)
            ax.set_title(title)
            ax.set_xlabel("probability ratio r")
            ax.set_xticks([0, 1 - clip_eps, 1, 1 + clip_eps, 2])
        axes[0].set_ylabel("clipped objective term")
    return fig


# LeCun, "Predictive Learning", NIPS 2016 keynote: information per sample.
CAKE_LAYERS = (
    ("Reinforcement learning\n(the cherry)", 1.0, 10.0, "a few bits for some samples"),
    ("Supervised learning\n(the icing)", 10.0, 1e4, "10 → 10,000 bits per sample"),
    ("Self-supervised learning\n(the cake)", 1e6, 1e7, "millions of bits per sample"),
)


def cake_figure(scheme: Scheme = "light") -> Figure:
    """LeCun's cake as a chart: the information the machine predicts per sample
    in each paradigm (bits, log scale), with his NIPS 2016 figures as labels."""

    with styled(scheme, transparent=True):
        fig = Figure(figsize=(CHAPTER_WIDTH, 2.8), layout="tight")
        ax = fig.subplots()
        for row, (_name, low, high, label) in enumerate(CAKE_LAYERS):
            ax.barh(row, high - low, left=low, height=0.55, color=BLUE)
            ax.text(high * 1.6, row, label, va="center", fontsize=9)
        ax.set_xscale("log")
        ax.set_xlim(0.5, 1e10)
        ax.set_yticks(range(len(CAKE_LAYERS)), [layer[0] for layer in CAKE_LAYERS])
        ax.set_xlabel("bits of information per sample (log scale)")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig


def render_svg(fig: Figure) -> str:
    """The figure as SVG text, byte-for-byte the same on every run."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "lesson-code", "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


FIGURES: dict[str, Callable[[Scheme], Figure]] = {
    "ppo-clip": ppo_clip_figure,
    "lecun-cake": cake_figure,
}


def all_figures() -> dict[str, str]:
    """Every figure in both schemes, as ``{"NAME-SCHEME.svg": svg_text}``."""
    return {
        f"{name}-{scheme}.svg": render_svg(draw(scheme))
        for name, draw in FIGURES.items()
        for scheme in SCHEMES
    }
