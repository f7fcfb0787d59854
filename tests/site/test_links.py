"""Every internal link of the built site resolves, offline.

Each built HTML page is parsed; every ``href`` and ``src`` that stays on the
site (relative, root-absolute, or an absolute URL under ``site_url``) must name
a built file, and its ``#fragment`` an element id on the target page. Links to
other hosts are not fetched here: .github/workflows/links.yml checks them
every week.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.links import broken_links, links, pages
from tests.support.pages import nav_pages
from tests.support.site import built_page, file_at, published_prefix


def test_the_site_has_pages_with_links(built_site: Path) -> None:
    found = [link for html in pages(built_site) for link in links(built_site, html)]
    assert len(pages(built_site)) >= 5
    assert any("#" in link.url for link in found)
    for source in nav_pages():
        html = built_page(built_site, source)
        assert links(built_site, html), f"the links of {source.name} are checked too"


@pytest.mark.parametrize("source", [*nav_pages(), None], ids=lambda p: p.name if p else "others")
def test_every_internal_link_and_anchor_resolves(built_site: Path, source: Path | None) -> None:
    """Each page of the nav; then every other built page (404, redirects)."""
    nav = {built_page(built_site, page) for page in nav_pages()}
    only = (
        [built_page(built_site, source)]
        if source
        else [p for p in pages(built_site) if p not in nav]
    )
    problems = broken_links(built_site, only)
    assert not problems, "broken internal links:\n" + "\n".join(problems)


def test_every_sitemap_entry_is_a_built_page(built_site: Path) -> None:
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations
    prefix = published_prefix(built_site)
    for location in locations:
        assert file_at(built_site, urlsplit(location).path, prefix), location


def test_a_broken_link_and_a_missing_anchor_are_reported(tmp_path: Path) -> None:
    canonical = '<link rel="canonical" href="https://example.org/course/">'
    (tmp_path / "index.html").write_text(
        f'<html><head>{canonical}</head><body><h2 id="here">Here</h2>'
        '<a href="#here">ok</a> <a href="other/#gone">no anchor</a>'
        ' <a href="missing/">no page</a> <a href="https://elsewhere.org/x">external</a>'
        ' <a href="/course/other/">root-absolute</a></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "index.html").write_text("<p id='there'>x</p>", encoding="utf-8")
    problems = broken_links(tmp_path)
    assert problems == [
        "index.html: <a> other/#gone: no element with that id",
        "index.html: <a> missing/: no such file",
    ]
