"""Serve the site's own stylesheets as one file, so a page waits for one request, not three.

``mkdocs.yml`` lists a stylesheet per job under ``extra_css`` (the site's
theme adjustments, each widget's styles). A stylesheet blocks the first paint
until it has arrived, and on a phone each costs a round trip, so the built
pages link one file instead: ``assets/stylesheets/site.css``, the stylesheets
below ``assets/stylesheets/`` concatenated in the order ``mkdocs.yml`` lists
them, each under a comment naming its source. It takes the place of the first
of them; other stylesheets (KaTeX's, whose fonts are relative to its own
folder) keep theirs. Edit the source files; ``site.css`` is written by the build.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

OWN = "assets/stylesheets/"
BUNDLE = OWN + "site.css"

_parts: list[str] = []  # the bundled stylesheets, in order (set by on_config)


def bundled(extra_css: list[str]) -> tuple[list[str], list[str]]:
    """``extra_css`` with the site's own stylesheets replaced by the bundle; and those."""
    own = [str(path) for path in extra_css if str(path).startswith(OWN)]
    if not own:
        return list(extra_css), []
    first = next(i for i, path in enumerate(extra_css) if str(path).startswith(OWN))
    rest = [path for path in extra_css if not str(path).startswith(OWN)]
    return [*rest[:first], BUNDLE, *rest[first:]], own


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config.extra_css, parts = bundled(config.extra_css)
    _parts[:] = parts
    return config


def on_post_build(config: MkDocsConfig) -> None:
    texts = []
    for part in _parts:
        source = Path(config.docs_dir) / part
        if not source.is_file():
            raise PluginError(
                f"bundle_stylesheets: mkdocs.yml lists {part} under extra_css, "
                f"but docs/{part} does not exist"
            )
        texts.append(f"/* {part} */\n{source.read_text(encoding='utf-8').strip()}\n")
    if texts:
        target = Path(config.site_dir) / BUNDLE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(texts), encoding="utf-8")
