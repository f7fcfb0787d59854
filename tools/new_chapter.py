"""Start a chapter that passes every check: page, snippet, output, nav entry, home-page card.

    .venv/bin/python tools/new_chapter.py SLUG "N.M Title"

writes ``docs/SLUG.md`` (from ``tools/templates/chapter.md``), its first
snippet ``snippets/SLUG_example.py`` (from ``tools/templates/snippet.py``,
with ``-`` in SLUG as ``_``) and that snippet's output
``snippets/output/SLUG_example.txt``, adds the page to ``mkdocs.yml``'s nav
after the last numbered chapter, and a card for it to the home page's grid
(``docs/index.md``). It changes nothing if any of those files exists.
``--root DIR`` works on another copy of the site (the tests use one).
Then fill in the page, run ``make check``, and commit the five files.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "templates"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAV_ENTRY = re.compile(r'^  - "?(?P<title>[^":]+)"?:\s*(?P<file>\S+)\s*$')
CARD = """\
-   :material-book-open-page-variant: **[{title}]({slug}.md)**

    ---

    One or two sentences: what the chapter covers, and what the reader can
    run in it.

"""


def add_to_nav(config: str, title: str, page: str) -> str:
    """``mkdocs.yml``'s text with ``page`` in the nav after the last numbered chapter."""
    lines = config.splitlines(keepends=True)
    start = lines.index("nav:\n")
    entries = []
    for index in range(start + 1, len(lines)):
        if not lines[index].startswith("  "):
            break
        if NAV_ENTRY.match(lines[index]):
            entries.append(index)
    if not entries:
        raise SystemExit("mkdocs.yml: no nav entries of the form `  - Title: page.md`")
    numbered = [i for i in entries if re.match(r"\d", NAV_ENTRY.match(lines[i])["title"])]
    after = (numbered or entries[:1])[-1]
    lines.insert(after + 1, f'  - "{title}": {page}\n')
    return "".join(lines)


def add_card(index: str, title: str, slug: str) -> str:
    """The home page's text with a card for the chapter at the end of its grid."""
    start = index.find('<div class="grid cards" markdown>')
    end = index.find("</div>", start)
    if start < 0 or end < 0:
        raise SystemExit('docs/index.md: no `<div class="grid cards" markdown>` grid')
    return index[:end] + CARD.format(title=title, slug=slug) + index[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("slug", help="the page's file name without .md: lowercase-with-dashes")
    parser.add_argument("title", help='the chapter\'s title, such as "1.4 Scaling Laws"')
    parser.add_argument("--root", type=Path, default=ROOT, help="the site's folder")
    args = parser.parse_args(argv)
    if not SLUG.match(args.slug):
        parser.error(f"SLUG must be lowercase words joined by dashes, not {args.slug!r}")
    root = args.root.resolve()
    snippet = args.slug.replace("-", "_") + "_example"
    page = root / "docs" / f"{args.slug}.md"
    script = root / "snippets" / f"{snippet}.py"
    output = root / "snippets" / "output" / f"{snippet}.txt"
    existing = [path for path in (page, script, output) if path.exists()]
    if existing:
        parser.error(f"already there: {', '.join(str(p.relative_to(root)) for p in existing)}")

    text = (TEMPLATES / "chapter.md").read_text(encoding="utf-8")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    index = (root / "docs" / "index.md").read_text(encoding="utf-8")
    new_config = add_to_nav(config, args.title, page.name)
    new_index = add_card(index, args.title, args.slug)

    script.write_text((TEMPLATES / "snippet.py").read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script.relative_to(root))],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=False,
    )
    if result.returncode != 0:
        script.unlink()
        raise SystemExit(f"{script.name} failed:\n{result.stderr}")
    output.parent.mkdir(exist_ok=True)
    output.write_text(result.stdout, encoding="utf-8")
    page.write_text(
        text.replace("{{title}}", args.title).replace("{{snippet}}", snippet), encoding="utf-8"
    )
    (root / "mkdocs.yml").write_text(new_config, encoding="utf-8")
    (root / "docs" / "index.md").write_text(new_index, encoding="utf-8")
    for path in (page, script, output, root / "mkdocs.yml", root / "docs" / "index.md"):
        print(f"wrote {path.relative_to(root)}")
    print("Now fill in the page and its card, then run `make check`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
