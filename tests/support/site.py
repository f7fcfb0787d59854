"""Build the site, and map its pages to the URLs and files a build gives them.

A page ``docs/NAME.md`` (or ``.ipynb``) is built as ``NAME/index.html`` and
served at ``NAME/`` below the site's root; ``docs/index.md`` is the root
itself. The site is published under the path of its ``site_url``
(``/course/`` on GitHub Pages), which a build writes into every page's
canonical link; a static host, and the tests' server, serve it there.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
HOOKS = ROOT / "tools" / "hooks"


def load_tool(path: Path):
    """The script or hook at ``path`` (below ``tools/``) as a module, to call its functions."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_hook(name: str):
    """The build hook ``tools/hooks/NAME.py`` as a module, to call its functions in tests."""
    return load_tool(HOOKS / f"{name}.py")


def built_from_these_sources(site_dir: Path) -> bool:
    """Whether ``site_dir`` is the build of the sources as they are (tools/build_site.py)."""
    return load_tool(ROOT / "tools" / "build_site.py").built_from_these_sources(site_dir)


CHAPTER = DOCS / "deep-learning-paradigms.md"
NOTEBOOK = DOCS / "three-ways-to-learn-a-game.ipynb"

CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')


class SiteBuildError(RuntimeError):
    """``mkdocs build --strict`` failed; the message holds its output."""


def build_site(
    site_dir: Path, *, execute_notebook: bool | None = None, config_file: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` into ``site_dir``, as ``make build`` does.

    ``execute_notebook`` sets ``NOTEBOOK_EXECUTE`` for the build (``None``
    leaves the environment's). ``config_file`` builds another site (a
    throwaway copy, in its own folder). Raises :class:`SiteBuildError` if it fails.
    """
    config_file = config_file or ROOT / "mkdocs.yml"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if execute_notebook is not None:
        env["NOTEBOOK_EXECUTE"] = "true" if execute_notebook else "false"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "mkdocs", "build", "--strict"),
            *("--site-dir", str(site_dir), "--config-file", str(config_file)),
        ],
        cwd=config_file.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SiteBuildError(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return result


def build_docs(tmp_path: Path, pages: dict[str, str]) -> None:
    """Build a throw-away docs folder with the site's own configuration, in process.

    ``pages`` maps file names to their text; they are the whole navigation,
    beside a copy of the site's ``docs/assets/`` (its stylesheets and scripts).
    The site is written to ``tmp_path / "site"``. A build error is raised.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = tmp_path / "docs"
    shutil.copytree(DOCS / "assets", docs / "assets")
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    config = load_config(
        str(ROOT / "mkdocs.yml"),
        docs_dir=str(docs),
        site_dir=str(tmp_path / "site"),
        nav=[{name: name} for name in pages],
        strict=True,
    )
    build(config)


def url_path(source: Path, docs: Path = DOCS) -> str:
    """The URL path, below the site's root, of the page built from ``source``."""
    relative = source.relative_to(docs).with_suffix("")
    if relative.name == "index":
        relative = relative.parent
    return "" if relative == Path() else f"{relative.as_posix()}/"


def built_page(site_dir: Path, source: Path, docs: Path = DOCS) -> Path:
    """The HTML file a build writes for the page ``source``."""
    return site_dir / url_path(source, docs) / "index.html"


def served_path(site_dir: Path, html: Path) -> str:
    """The URL path, below the site's root, at which a built HTML file is served."""
    relative = html.relative_to(site_dir).as_posix()
    return relative.removesuffix("index.html") if html.name == "index.html" else relative


def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of a built site, as its URL path below the site's root."""
    return [served_path(site_dir, html) for html in sorted(site_dir.rglob("*.html"))]


def canonical_url(site_dir: Path) -> str | None:
    """The site's URL, from the home page's canonical link (None if it has none)."""
    match = CANONICAL.search((site_dir / "index.html").read_text(encoding="utf-8"))
    return match.group(1) if match else None


def published_prefix(site_dir: Path) -> str:
    """The path the built site is published under, such as ``/course/``; ``/`` if unknown.

    Pages that a host serves at any depth, such as the 404 page, link to the
    site's files by absolute paths below it.
    """
    path = urlsplit(canonical_url(site_dir) or "/").path
    return path if path.endswith("/") else path + "/"


def file_at(site_dir: Path, path: str, prefix: str = "/") -> Path | None:
    """The built file a URL path names, as a static host finds it.

    ``{prefix}x/`` (and ``{prefix}x``) name ``x/index.html``. None if the path
    is outside ``prefix`` or the site, or names no file.
    """
    if not path.startswith(prefix):
        return None
    root = site_dir.resolve()
    target = (root / unquote(path[len(prefix) :])).resolve()
    if not target.is_relative_to(root):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None
