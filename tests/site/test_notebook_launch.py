"""Open in Colab and Download notebook: both pinned to the commit the site is built from.

A small notebook with the install cell's placeholder is built with the site's own
configuration (tools/hooks/notebook_launch.py), as is the course's notebook in
the built site.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError

from tests.site.test_notebook_build import markdown, notebook
from tests.support.site import ROOT, build_docs, load_hook, url_path

launch = load_hook("notebook_launch")
COMMIT = "0123456789abcdef0123456789abcdef01234567"
INSTALL = 'SPEC = "lesson-code @ git+https://github.com/o/r@BUILD_REF"\n'
REPOSITORY_NOTEBOOK = ROOT / "docs" / "three-ways-to-learn-a-game.ipynb"


def code_cell(source: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "source": source,
        "outputs": [],
    }


@pytest.fixture(scope="module")
def launch_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("launch")
    pages = {
        "index.md": "# Home\n",
        "nb.ipynb": notebook(markdown("# A notebook\n"), code_cell(INSTALL)),
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BUILD_REF", COMMIT)
        patch.setenv("NOTEBOOK_EXECUTE", "false")
        build_docs(tmp_path, pages)
    return tmp_path / "site"


def test_the_page_links_colab_and_the_download_under_its_title(launch_site: Path) -> None:
    soup = BeautifulSoup((launch_site / "nb" / "index.html").read_text("utf-8"), "html.parser")
    links = soup.select("h1 + p.notebook-launch a")
    assert [a.get_text() for a in links] == ["Open in Colab", "Download notebook"]
    colab, download = (a["href"] for a in links)
    assert colab == (
        "https://colab.research.google.com/github/foundation-models-course/course"
        f"/blob/colab/{COMMIT}/nb.ipynb"
    )
    assert (launch_site / "nb" / download).is_file()


def test_the_install_cell_names_the_build_commit_in_the_page_and_the_download(
    launch_site: Path,
) -> None:
    page = (launch_site / "nb" / "index.html").read_text("utf-8")
    downloaded = json.loads((launch_site / "nb" / "nb.ipynb").read_text("utf-8"))
    source = "".join(downloaded["cells"][1]["source"])
    assert source == INSTALL.replace("@BUILD_REF", f"@{COMMIT}")
    assert f"@{COMMIT}" in page
    assert "@BUILD_REF" not in page


@pytest.mark.parametrize("ref", ["main", "HEAD", "0123abc", "release/1.0"])
def test_a_branch_or_short_name_is_refused_as_the_build_ref(ref: str, monkeypatch) -> None:
    monkeypatch.setenv("BUILD_REF", ref)
    with pytest.raises(PluginError, match="not a full commit hash or a version tag"):
        launch.build_ref()


@pytest.mark.parametrize("ref", [COMMIT, "v1.2.3", "v2"])
def test_a_commit_or_version_tag_is_the_build_ref(ref: str, monkeypatch) -> None:
    monkeypatch.setenv("BUILD_REF", ref)
    assert launch.build_ref() == ref


def test_without_build_ref_the_checkouts_commit_is_used(monkeypatch) -> None:
    monkeypatch.delenv("BUILD_REF", raising=False)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert launch.build_ref() == head


def test_the_course_notebook_starts_by_installing_lesson_code_from_the_placeholder() -> None:
    cells = json.loads(REPOSITORY_NOTEBOOK.read_text("utf-8"))["cells"]
    first_code = next(cell for cell in cells if cell["cell_type"] == "code")
    source = "".join(first_code["source"])
    assert re.search(r'"lesson-code @ git\+https://github\.com/[^"]+"\s+\+ "@BUILD_REF"', source)
    assert 'find_spec("lesson_code") is None' in source


def test_the_built_notebook_page_offers_colab_and_a_pinned_download(built_site: Path) -> None:
    page = built_site / url_path(REPOSITORY_NOTEBOOK) / "index.html"
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    colab, download = (a["href"] for a in soup.select("p.notebook-launch a"))
    ref = colab.split("/blob/colab/")[1].split("/")[0]
    assert launch.PINNED.fullmatch(ref)
    cells = json.loads((page.parent / download).read_text("utf-8"))["cells"]
    install = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    assert f'"@{ref}"' in install
    assert "@BUILD_REF" not in install
