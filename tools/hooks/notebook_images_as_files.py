"""Serve a notebook's plots as image files instead of inline base64.

nbconvert embeds every output image in the page as a ``data:`` URL, so a
notebook with a few plots weighs hundreds of kilobytes before anything can be
shown. This hook writes each image to ``assets/notebook-images/<hash>.png``
and links it with its width and height (no layout shift) and
``loading="lazy"`` (plots below the fold load as the reader scrolls).

A chart drawn for both colour schemes (``lesson_code.plotting.chart.Chart``) is a
``<picture>`` whose dark image a browser picks by the system's preference.
The site follows the palette the reader chose instead: the picture becomes
two images, marked ``#only-light`` and ``#only-dark`` as the chapter's
figures are, and Material shows the one of the current palette (the other is
hidden, and a browser with scripting on does not download a hidden lazy
image).
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from lesson_code.plotting.chart import DARK_MEDIA

IMAGE_DIR = "assets/notebook-images"
PNG_URL = re.compile(r"data:image/png;base64,(?P<data>[A-Za-z0-9+/=]+)")
INLINE_PNG = re.compile(r'<img\b(?P<before>[^>]*?)\bsrc="' + PNG_URL.pattern + '"')
PICTURE = re.compile(r"<picture\b[^>]*>(?P<inner>.*?)</picture>", re.DOTALL)
# Attributes the images get anew.
SET_HERE = {"src", "width", "height", "loading", "decoding"}


class Tags(HTMLParser):
    """The attributes of each <source> and <img> of a piece of HTML.

    The notebook's conversion re-serialises output HTML (attributes sorted,
    ``<img ... />``), so the picture is parsed, not matched as text.
    """

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, list[dict[str, str]]] = {"source": [], "img": []}
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.found:
            self.found[tag].append({name: value or "" for name, value in attrs})

    handle_startendtag = handle_starttag


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
        """A chart's light and dark picture as two images; anything else unchanged."""
        tags = Tags(match["inner"]).found
        if len(tags["source"]) != 1 or len(tags["img"]) != 1:
            return match[0]
        source, image = tags["source"][0], tags["img"][0]
        dark = PNG_URL.fullmatch(source.get("srcset", ""))
        light = PNG_URL.fullmatch(image.get("src", ""))
        if source.get("media") != DARK_MEDIA or not (dark and light and image.get("alt")):
            return match[0]
        kept = "".join(
            f' {name}="{escape(value)}"' for name, value in image.items() if name not in SET_HERE
        )
        return "".join(
            f"<img{kept} {linked(png['data'], f'#only-{scheme}')}>"
            for scheme, png in (("light", light), ("dark", dark))
        )

    def extract(match: re.Match[str]) -> str:
        return f"<img{match['before']}{linked(match['data'])}"

    return INLINE_PNG.sub(extract, PICTURE.sub(schemed, output))
