"""Figures the chapter shows, drawn from the same code the lessons teach.

Each ``*_figure`` function returns a Matplotlib figure for one colour scheme
(``"light"`` or ``"dark"``, matching the site's two palettes); :func:`render_svg`
turns it into deterministic SVG text. The site build calls :func:`all_figures`
(``tools/hooks/figures.py``), so a page never shows a stale plot.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

from lesson_code.ppo import clipped_surrogate
from lesson_code.schemes import INK, Scheme

# Data colours with at least 3:1 contrast on each scheme's page.
LINE = {"light": "#3949ab", "dark": "#9fa8da"}
MARK = {"light": "#c62828", "dark": "#ef9a9a"}


def _style(fig: Figure, scheme: Scheme) -> None:
    ink = INK[scheme]
    for ax in fig.axes:
        ax.set_facecolor("none")
        ax.tick_params(colors=ink)
        ax.xaxis.label.set_color(ink)
        ax.yaxis.label.set_color(ink)
        ax.title.set_color(ink)
        for spine in ax.spines.values():
            spine.set_color(ink)
    fig.patch.set_alpha(0.0)


def ppo_clip_figure(scheme: Scheme = "light", *, clip_eps: float = 0.2) -> Figure:
    """Figure 1 of Schulman et al. (2017, arXiv:1707.06347): one term of
    :math:`L^{CLIP}` against the probability ratio :math:`r`, for
    :math:`A > 0` and :math:`A < 0`, computed with
    :func:`lesson_code.ppo.clipped_surrogate`. The dot marks :math:`r = 1`,
    where every update starts."""
    ratio = torch.linspace(0.0, 2.0, 401)
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.0), sharex=True)
    for ax, advantage, title in zip(axes, (1.0, -1.0), ("A > 0", "A < 0"), strict=True):
        objective = clipped_surrogate(ratio, torch.full_like(ratio, advantage), clip_eps=clip_eps)
        ax.plot(ratio, objective, color=LINE[scheme], linewidth=2)
        ax.plot([1.0], [advantage], "o", color=MARK[scheme], markersize=7)
        for edge in (1 - clip_eps, 1 + clip_eps):
            ax.axvline(edge, color=INK[scheme], linestyle=":", linewidth=1)
        ax.axhline(0.0, color=INK[scheme], linewidth=0.6)
        ax.set_title(title)
        ax.set_xlabel("probability ratio r")
        ax.set_xticks([0, 1 - clip_eps, 1, 1 + clip_eps, 2])
    axes[0].set_ylabel("clipped objective term")
    fig.tight_layout()
    _style(fig, scheme)
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
    fig, ax = plt.subplots(figsize=(7.2, 2.8))

    def shade(row: int) -> float:  # from 0.65 (3:1 on either page) to opaque
        return 0.65 + 0.35 * row / max(1, len(CAKE_LAYERS) - 1)

    for row, (_name, low, high, label) in enumerate(CAKE_LAYERS):
        ax.barh(row, high - low, left=low, height=0.55, color=LINE[scheme], alpha=shade(row))
        ax.text(high * 1.6, row, label, va="center", color=INK[scheme], fontsize=9)
    ax.set_xscale("log")
    ax.set_xlim(0.5, 1e10)
    ax.set_yticks(range(len(CAKE_LAYERS)), [layer[0] for layer in CAKE_LAYERS])
    ax.set_xlabel("bits of information per sample (log scale)")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    _style(fig, scheme)
    return fig


def render_svg(fig: Figure) -> str:
    """The figure as SVG text, byte-for-byte the same on every run."""
    buffer = io.StringIO()
    with plt.rc_context({"svg.hashsalt": "lesson-code", "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
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
        for scheme in ("light", "dark")
    }
