"""Remove the scripts a notebook page would load from other hosts.

mkdocs-jupyter's notebook template asks cdnjs for MathJax (and Mermaid). The
site serves every script, stylesheet and font itself, and its math is typeset
at build time (``typeset_math_with_katex.py``), so on notebook pages these
tags are removed: every ``<script>`` that loads or imports from another host,
nbconvert's MathJax tag, and MathJax's configuration.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

# A <script> that loads or imports (statically or dynamically) from an absolute
# http(s) URL, nbconvert's MathJax tag when it has no URL (src=""), and the
# inert MathJax configuration block that comes with it.
THIRD_PARTY_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc=(?:[\"']https?://[^>]*|\"\"[^>]*)>\s*</script>"
    r"|<script\b[^>]*>(?:(?!</script>).)*?\b(?:from\s+|import\s*\(\s*)[\"']https?://"
    r"(?:(?!</script>).)*</script>"
    r"|<script type=\"text/x-mathjax-config\">(?:(?!</script>).)*</script>",
    re.DOTALL,
)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        output = THIRD_PARTY_SCRIPT.sub("", output)
    return output
