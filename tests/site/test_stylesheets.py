"""The site's own stylesheets reach a page as one file (tools/hooks/bundle_stylesheets.py)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.pages import site_config
from tests.support.site import ROOT, load_hook

bundle = load_hook("bundle_stylesheets")

STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')


def test_the_sites_own_stylesheets_are_replaced_by_the_bundle_where_the_first_was() -> None:
    links, parts = bundle.bundled(
        ["vendor/a.css", "assets/stylesheets/x.css", "other/b.css", "assets/stylesheets/y.css"]
    )
    assert links == ["vendor/a.css", bundle.BUNDLE, "other/b.css"]
    assert parts == ["assets/stylesheets/x.css", "assets/stylesheets/y.css"]
    assert bundle.bundled(["vendor/a.css"]) == (["vendor/a.css"], [])


def test_every_page_links_one_stylesheet_of_the_site_which_holds_each_listed_one(
    built_site: Path,
) -> None:
    own = [path for path in site_config()["extra_css"] if path.startswith(bundle.OWN)]
    assert len(own) > 1, "mkdocs.yml lists the site's stylesheets under extra_css"
    text = (built_site / bundle.BUNDLE).read_text(encoding="utf-8")
    for path in own:
        source = (ROOT / "docs" / path).read_text(encoding="utf-8").strip()
        assert f"/* {path} */\n{source}\n" in text, f"{path} is missing from {bundle.BUNDLE}"
    assert [text.index(f"/* {path} */") for path in own] == sorted(
        text.index(f"/* {path} */") for path in own
    ), "in the order mkdocs.yml lists them"
    names = {path.rsplit("/", 1)[-1] for path in [*own, bundle.BUNDLE]}
    for html in built_site.rglob("*.html"):
        links = STYLESHEET.findall(html.read_text(encoding="utf-8"))
        mine = [name for href in links if (name := href.rsplit("/", 1)[-1]) in names]
        assert mine == ["site.css"], f"{html.relative_to(built_site)} links {links}"
