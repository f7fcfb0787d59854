"""Give notebook pages a meta description, as Markdown pages have.

Markdown pages set ``description:`` in their front matter; Material writes it
into ``<meta name="description">`` (search engines and link previews show it).
A notebook has no front matter, so its page would fall back to the site's
description. This hook takes the notebook's own instead: the ``description``
key of its metadata (``"metadata": {"description": "..."}``) if it has one,
else its first paragraph of prose, as plain text.
"""

from __future__ import annotations

import json
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

MAX_LENGTH = 200
MARKUP = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links: keep their text
    (re.compile(r"<[^>]+>"), ""),  # HTML tags
    (re.compile(r"[*_`]+"), ""),  # emphasis and code marks
    (re.compile(r"\s+"), " "),
]


def first_paragraph(markdown: str) -> str:
    """The first paragraph of prose in ``markdown``, without its markup."""
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if not block or block.startswith(("#", "<", "|", "```", "$$", "!", ">", "-", "*")):
            continue
        for pattern, replacement in MARKUP:
            block = pattern.sub(replacement, block)
        return block.strip()
    return ""


def shorten(text: str, limit: int = MAX_LENGTH) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def notebook_description(source: str) -> str:
    notebook = json.loads(source)
    described = notebook.get("metadata", {}).get("description")
    if isinstance(described, str) and described.strip():
        return " ".join(described.split())
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            text = first_paragraph("".join(cell.get("source", [])))
            if text:
                return shorten(text)
    return ""


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri.endswith(".ipynb") and not page.meta.get("description"):
        description = notebook_description(page.file.content_string)
        if description:
            page.meta["description"] = description
    return markdown
