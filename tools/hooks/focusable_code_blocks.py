"""Make every block of code focusable in the HTML, before any script runs.

A block wider than the page scrolls sideways, and a keyboard user can scroll
it only if it can take focus (WCAG 2.1.1; axe's scrollable-region-focusable).
Whether it scrolls depends on the reader's screen, and a long page does not
lay out its off-screen blocks until they come near the viewport (the
content-visibility rules in ``extra.css``; Material's ``content.lazy``). So
every block that may scroll starts out focusable here: code blocks, notebook
code cells and notebook text outputs. Once a block is on screen, a script
drops its ``tabindex`` if it does not scroll there: Material's for code blocks,
``assets/javascripts/scrollable.js`` for the rest.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

NOT_YET_FOCUSABLE = r"(?![^>]*\btabindex=)"
SCROLLERS = re.compile(
    "|".join(
        [
            # pymdownx.highlight: <pre><span></span><code>
            r"<pre\b[^>]*>(?:<span></span>)?<code(?=[\s>])" + NOT_YET_FOCUSABLE,
            # mkdocs-jupyter: a code cell's highlighted source
            r'<div class="highlight-ipynb\b[^"]*"' + NOT_YET_FOCUSABLE,
            # nbconvert: the <pre> of a text output
            r'<div class="[^"]*\bjp-OutputArea-output\b[^>]*>\s*<pre(?=[\s>])' + NOT_YET_FOCUSABLE,
        ]
    )
)


def focusable(match: re.Match[str]) -> str:
    return f'{match.group(0)} tabindex="0"'


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return SCROLLERS.sub(focusable, output)
