"""Find the internal links of a built site that resolve to no file or no anchor.

Each built HTML page is parsed; every ``href`` and ``src`` that stays on the
site (relative, root-absolute, or an absolute URL under ``site_url``) must name
a built file, and its ``#fragment`` an element id on the target page.
``tests/site/test_links.py`` runs it on every page of the nav.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from tests.support.site import canonical_url, file_at, published_prefix, served_path

LINK_ATTRIBUTES = {
    "a": ["href"],
    "link": ["href"],
    "img": ["src"],
    "script": ["src"],
    "source": ["src"],
    "iframe": ["src"],
    "video": ["src", "poster"],
    "audio": ["src"],
}
NOT_LINKS = ("mailto:", "tel:", "javascript:", "data:", "blob:")
# A placeholder host for resolving relative links the way a browser does.
BASE = "http://site.invalid"


@dataclass(frozen=True)
class Link:
    page: str  # the page it is on, relative to the site's root
    tag: str
    url: str


@functools.cache
def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def site_url(site: Path) -> str:
    url = canonical_url(site)
    assert url, "the home page has no canonical URL"
    return url


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def page_url(site: Path, html: Path, prefix: str) -> str:
    return f"{BASE}{prefix}{served_path(site, html)}"


def links(site: Path, html: Path) -> list[Link]:
    soup = parse(html)
    found = []
    for tag, attributes in LINK_ATTRIBUTES.items():
        for element in soup.find_all(tag):
            for attribute in attributes:
                value = element.get(attribute)
                if value:
                    found.append(Link(html.relative_to(site).as_posix(), tag, value.strip()))
    return found


@functools.cache
def ids(html: Path) -> frozenset[str]:
    soup = parse(html)
    return frozenset(element["id"] for element in soup.find_all(id=True)) | {
        element["name"] for element in soup.find_all("a", attrs={"name": True})
    }


def broken_links(site: Path, only: list[Path] | None = None) -> list[str]:
    """The broken links of the built pages ``only`` (default: every page)."""
    published = urlsplit(site_url(site))
    prefix = published_prefix(site)
    problems = []
    for html in pages(site) if only is None else only:
        base = page_url(site, html, prefix)
        for link in links(site, html):
            if link.url.lower().startswith(NOT_LINKS):
                continue
            url = urlsplit(link.url)
            if url.scheme or url.netloc:
                if (url.scheme, url.netloc) != (published.scheme, published.netloc):
                    continue  # another host: checked by the weekly workflow
                resolved = url._replace(scheme="http", netloc="site.invalid")
            else:
                resolved = urlsplit(urljoin(base, link.url))
            target = file_at(site, resolved.path, prefix)
            where = f"{link.page}: <{link.tag}> {link.url}"
            if target is None:
                problems.append(f"{where}: no such file")
            elif (
                resolved.fragment
                and target.suffix == ".html"
                and unquote(resolved.fragment) not in ids(target)
            ):
                problems.append(f"{where}: no element with that id")
    return problems
