"""The site and its notebook are built once for their sources (tools/build_site.py,
tools/hooks/notebook_cache.py): what changes the output rebuilds, nothing else does."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.support.site import ROOT, load_hook, load_tool

build_site = load_tool(ROOT / "tools" / "build_site.py")
notebook_cache = load_hook("notebook_cache")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A small tree with the layout the build reads."""
    for name, text in {
        "mkdocs.yml": "site_name: x\n",
        "pyproject.toml": "[project]\nname = 'x'\n",
        "tools/constraints.txt": "torch==2.13.0\n",
        "docs/index.md": "# Home\n",
        "docs/three.ipynb": "{}\n",
        "snippets/a.py": "print(1)\n",
        "src/lesson_code/__init__.py": "",
        "src/lesson_code/ppo.py": "EPSILON = 0.2\n",
    }.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "edit",
    [
        "docs/index.md",  # prose
        "snippets/a.py",
        "src/lesson_code/ppo.py",
        "mkdocs.yml",
        "tools/constraints.txt",
    ],
)
def test_an_edit_to_anything_the_build_reads_changes_the_sources_digest(
    checkout: Path, edit: str
) -> None:
    before = build_site.sources_digest(checkout)
    path = checkout / edit
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert build_site.sources_digest(checkout) != before


def test_a_file_added_or_removed_changes_the_sources_digest(checkout: Path) -> None:
    before = build_site.sources_digest(checkout)
    (checkout / "docs" / "new.md").write_text("# New\n", encoding="utf-8")
    added = build_site.sources_digest(checkout)
    (checkout / "snippets" / "a.py").unlink()
    assert len({before, added, build_site.sources_digest(checkout)}) == 3


def test_bytecode_and_caches_do_not_change_the_sources_digest(checkout: Path) -> None:
    before = build_site.sources_digest(checkout)
    cache = checkout / "src" / "lesson_code" / "__pycache__"
    cache.mkdir()
    (cache / "ppo.cpython-311.pyc").write_bytes(b"\0")
    (checkout / ".cache").mkdir()
    (checkout / ".cache" / "anything").write_text("x", encoding="utf-8")
    assert build_site.sources_digest(checkout) == before


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NOTEBOOK_EXECUTE", "false"),
        ("SITE_URL", "http://127.0.0.1:8000/"),
        ("BUILD_REF", "v9.9.9"),
    ],
)
def test_a_setting_that_changes_the_output_changes_the_sources_digest(
    checkout: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("NOTEBOOK_EXECUTE", "true")
    monkeypatch.setenv("BUILD_REF", "v1.0.0")
    monkeypatch.delenv("SITE_URL", raising=False)
    before = build_site.sources_digest(checkout)
    monkeypatch.setenv(name, value)
    assert build_site.sources_digest(checkout) != before


def test_a_site_counts_as_built_only_for_the_recorded_folder_and_sources(
    checkout: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    site = checkout / "site"
    assert not build_site.built_from_these_sources(site, checkout), "nothing recorded yet"
    site.mkdir()
    (site / "index.html").write_text("<html></html>", encoding="utf-8")
    build_site.record(site, build_site.sources_digest(checkout), checkout)
    assert build_site.built_from_these_sources(site, checkout)

    other = tmp_path_factory.mktemp("other-site")
    shutil.copytree(site, other, dirs_exist_ok=True)
    assert not build_site.built_from_these_sources(other, checkout), "another folder"

    (checkout / "docs" / "index.md").write_text("# Home, edited\n", encoding="utf-8")
    assert not build_site.built_from_these_sources(site, checkout), "a page changed since"


def test_a_failed_build_leaves_no_record(checkout: Path) -> None:
    site = checkout / "site"
    site.mkdir()
    (site / "index.html").write_text("<html></html>", encoding="utf-8")
    build_site.record(site, build_site.sources_digest(checkout), checkout)
    (checkout / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    assert build_site.build(site, checkout) != 0
    (checkout / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    assert not build_site.built_from_these_sources(site, checkout)


# --------------------------------------------------------------------------
# tools/hooks/notebook_cache.py


def test_the_notebook_cache_is_keyed_on_the_code_the_notebook_runs(checkout: Path) -> None:
    before = notebook_cache.code_digest(checkout)
    (checkout / "docs" / "index.md").write_text("# Home, edited\n", encoding="utf-8")
    (checkout / "src" / "lesson_code" / "__pycache__").mkdir()
    assert notebook_cache.code_digest(checkout) == before, "prose and bytecode do not count"
    (checkout / "src" / "lesson_code" / "ppo.py").write_text("EPSILON = 0.1\n", encoding="utf-8")
    changed = notebook_cache.code_digest(checkout)
    (checkout / "tools" / "constraints.txt").write_text("torch==2.14.0\n", encoding="utf-8")
    assert len({before, changed, notebook_cache.code_digest(checkout)}) == 3


def jupyter_config(execute: bool, cache: bool = True) -> SimpleNamespace:
    plugin = SimpleNamespace(
        config={"execute": execute, "cache": cache, "cache_dir": ".cache/mkdocs-jupyter"}
    )
    return SimpleNamespace(plugins={"mkdocs-jupyter": plugin})


@pytest.mark.parametrize(("execute", "kind"), [(True, "executed"), (False, "as-saved")])
def test_each_build_caches_in_the_folder_of_its_code_and_kind(execute: bool, kind: str) -> None:
    config = jupyter_config(execute)
    notebook_cache.on_config(config)
    folder = Path(config.plugins["mkdocs-jupyter"].config["cache_dir"])
    assert folder.parent == notebook_cache.CACHE
    assert folder.name == f"{notebook_cache.code_digest()[:16]}-{kind}"


def test_without_the_cache_the_folder_is_left_alone() -> None:
    config = jupyter_config(execute=True, cache=False)
    notebook_cache.on_config(config)
    assert config.plugins["mkdocs-jupyter"].config["cache_dir"] == ".cache/mkdocs-jupyter"


def test_a_build_removes_the_cache_of_other_code_of_its_kind_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notebook_cache, "CACHE", tmp_path)
    for name in ("old-executed", "old-as-saved", "new-as-saved"):
        (tmp_path / name).mkdir()
    config = jupyter_config(execute=False)
    config.plugins["mkdocs-jupyter"].config["cache_dir"] = str(tmp_path / "new-as-saved")
    notebook_cache.on_post_build(config)
    # mkdocs-jupyter clears the entries of its folder that a build did not use:
    # a build that does not execute must not clear the executed outputs.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new-as-saved", "old-executed"]
