"""Serve a notebook's plots as image files instead of inline base64.

nbconvert embeds every output image in the page as a ``data:`` URL, so a
notebook with a few plots weighs hundreds of kilobytes before anything can be
shown. This hook writes each image to ``assets/notebook-images/<hash>.png``
and links it with its width and height (no layout shift) and
``loading="lazy"`` (plots below the fold load as the reader scrolls).
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

IMAGE_DIR = "assets/notebook-images"
INLINE_PNG = re.compile(r'<img\b(?P<before>[^>]*?)\bsrc="data:image/png;base64,(?P<data>[^"]+)"')


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    return struct.unpack(">II", png[16:24])


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    image_dir = Path(config.site_dir) / IMAGE_DIR
    image_dir.mkdir(parents=True, exist_ok=True)

    def extract(match: re.Match[str]) -> str:
        png = base64.b64decode(match["data"])
        name = f"{hashlib.sha256(png).hexdigest()[:16]}.png"
        (image_dir / name).write_bytes(png)
        width, height = png_size(png)
        src = get_relative_url(f"{IMAGE_DIR}/{name}", page.url)
        return (
            f'<img{match["before"]}src="{src}" width="{width}" height="{height}" '
            'loading="lazy" decoding="async"'
        )

    return INLINE_PNG.sub(extract, output)
