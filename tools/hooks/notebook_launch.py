"""Let readers run a notebook: "Open in Colab" and "Download notebook", pinned to the build.

A notebook's first code cell installs ``lesson_code`` where it is missing (Colab,
a fresh Jupyter) from the repository at ``@BUILD_REF``. The source never names a
commit: this hook writes the commit the site is built from in its place, in the
page and in the copy of the notebook the site offers for download
(mkdocs-jupyter's ``include_source``), and puts two links under the page's title:

* **Download notebook**: that copy;
* **Open in Colab**: the same file as the Pages workflow publishes it for Colab,
  on the repository's ``colab`` branch under ``<commit>/`` (Colab opens
  notebooks from GitHub; the path holds the commit, so the file behind a link
  never changes).

The commit is ``$BUILD_REF`` if set, else ``git rev-parse HEAD`` of the checkout
this hook is in. It must be a full commit hash or a version tag (``v1.2.3``):
never a branch, whose code moves under the reader.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

PLACEHOLDER = "@BUILD_REF"
PINNED = re.compile(r"[0-9a-f]{40}|v\d+(\.\d+)*")
COLAB_BRANCH = "colab"
TITLE_END = re.compile(r"</h1>")

_downloads: list[Path] = []  # the notebooks this build offers for download
_build: dict[str, str] = {}  # the ref of this build, read once (on_config)


def build_ref() -> str:
    """The commit (or version tag) the site is built from."""
    ref = os.environ.get("BUILD_REF", "").strip()
    if not ref:
        # The checkout this hook belongs to: a copy of the site whose tools/ links
        # here (the tests build such copies) is built from the same commit.
        root = Path(__file__).resolve().parent
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=False
        )
        ref = result.stdout.strip()
        if result.returncode != 0:
            raise PluginError(
                "notebook_launch: cannot pin the notebooks' install cell: no BUILD_REF and "
                f"`git rev-parse HEAD` failed in {root}: {result.stderr.strip()}"
            )
    if not PINNED.fullmatch(ref):
        raise PluginError(
            f"notebook_launch: BUILD_REF={ref!r} is not a full commit hash or a version tag "
            "(v1.2.3); a branch would move under the reader"
        )
    return ref


def github_repository(config: MkDocsConfig) -> str:
    """``owner/name`` of the repository the site names in ``repo_url``."""
    parts = urlsplit(config.repo_url or "")
    if parts.netloc != "github.com":
        raise PluginError(f"notebook_launch: repo_url {config.repo_url!r} is not on GitHub")
    return parts.path.strip("/").removesuffix(".git")


def launch_links(download: str, colab: str) -> str:
    return (
        '<p class="notebook-launch">'
        f'<a class="md-button md-button--primary" href="{colab}" rel="noopener">'
        "Open in Colab</a> "
        f'<a class="md-button" href="{download}" download>Download notebook</a>'
        "</p>"
    )


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _downloads.clear()
    _build["ref"] = build_ref()
    return config


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    ref = _build["ref"]
    name = Path(page.file.src_uri).name
    colab = (
        f"https://colab.research.google.com/github/{github_repository(config)}"
        f"/blob/{COLAB_BRANCH}/{ref}/{name}"
    )
    output = output.replace(PLACEHOLDER, f"@{ref}")
    output = TITLE_END.sub(lambda m: m[0] + launch_links(name, colab), output, count=1)
    site_file = Path(config.site_dir) / Path(page.file.dest_uri).parent / name
    _downloads.append(site_file)
    return output


def on_post_build(config: MkDocsConfig) -> None:
    """Pin the install cell of each notebook the site offers for download."""
    ref = _build["ref"]
    for path in _downloads:
        if not path.is_file():
            raise PluginError(
                f"notebook_launch: {path} is missing: mkdocs-jupyter's include_source "
                "writes the copy the page offers for download"
            )
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(PLACEHOLDER, f"@{ref}"), encoding="utf-8")
