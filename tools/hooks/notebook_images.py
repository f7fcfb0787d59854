"""Serve a notebook's plots as image files instead of inline base64.

nbconvert embeds every output image in the page as a ``data:`` URL, so a
notebook with a few plots weighs hundreds of kilobytes before anything can be
shown. This hook writes each image to ``assets/notebook-images/<hash>.png``
and links it with its width and height (no layout shift) and
``loading="lazy"`` (plots below the fold load as the reader scrolls).

A chart drawn for both colour schemes (``lesson_code.pipeline.Chart``) is a
``<picture>`` whose dark image a browser picks by the system's preference.
The site follows the palette the reader chose instead: the picture becomes
two images, marked ``#only-light`` and ``#only-dark`` as the chapter's
figures are, and Material shows the one of the current palette (the other,
hidden, is not downloaded).
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
PNG_URL = re.compile(r"data:image/png;base64,(?P<data>[^\"]+)")
INLINE_PNG = re.compile(r'<img\b(?P<before>[^>]*?)\bsrc="' + PNG_URL.pattern + '"')
# Earlier hooks may have re-serialised the HTML: attributes in any order, and
# void elements written as <img ... />.
PICTURE = re.compile(r"<picture>(?P<inner>.*?)</picture>", re.DOTALL)
TAG = re.compile(r"<(?P<name>source|img)\b(?P<attributes>[^>]*?)/?>")
ATTRIBUTE = re.compile(r'(?P<name>[\w-]+)="(?P<value>[^"]*)"')
DARK_MEDIA = "(prefers-color-scheme: dark)"


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    return struct.unpack(">II", png[16:24])


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    image_dir = Path(config.site_dir) / IMAGE_DIR
    image_dir.mkdir(parents=True, exist_ok=True)

    def linked(data: str, fragment: str = "") -> str:
        """Write a base64 PNG to the image folder; its src, size and loading attributes."""
        png = base64.b64decode(data)
        name = f"{hashlib.sha256(png).hexdigest()[:16]}.png"
        (image_dir / name).write_bytes(png)
        width, height = png_size(png)
        src = get_relative_url(f"{IMAGE_DIR}/{name}", page.url) + fragment
        return f'src="{src}" width="{width}" height="{height}" loading="lazy" decoding="async"'

    def schemed(match: re.Match[str]) -> str:
        """A light and a dark picture as two images, or the picture unchanged."""
        tags = {
            tag["name"]: dict(ATTRIBUTE.findall(tag["attributes"]))
            for tag in TAG.finditer(match["inner"])
        }
        source, image = tags.get("source", {}), tags.get("img", {})
        dark = PNG_URL.fullmatch(source.get("srcset", ""))
        light = PNG_URL.fullmatch(image.get("src", ""))
        if source.get("media") != DARK_MEDIA or not (dark and light):
            return match[0]
        kept = "".join(f' {name}="{value}"' for name, value in image.items() if name != "src")
        return "".join(
            f"<img{kept} {linked(png['data'], f'#only-{scheme}')}>"
            for scheme, png in (("light", light), ("dark", dark))
        )

    def extract(match: re.Match[str]) -> str:
        return f"<img{match['before']}{linked(match['data'])}"

    return INLINE_PNG.sub(extract, PICTURE.sub(schemed, output))
