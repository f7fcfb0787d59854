"""Key the cache of executed notebooks on the code they run, not on the notebook alone.

mkdocs-jupyter caches each rendered notebook under a hash of the notebook file
and its own settings. A notebook's outputs also depend on ``lesson_code`` and
on the pinned packages, so this hook puts that cache in a folder named by a
hash of ``src/lesson_code``, ``pyproject.toml`` and ``tools/constraints.txt``:

    .cache/notebooks/<hash of the code>-executed/<mkdocs-jupyter's hash of the notebook>.json

(``-as-saved`` for builds that show the outputs saved in the notebook). A
change to the notebook or to the code it runs executes it again; a change to
prose elsewhere reuses its outputs (CI restores ``.cache/notebooks`` between
runs, keyed the same way). After a build, the folders of the same kind for
other code are removed, so the cache holds one version of each kind; the two
kinds are apart because mkdocs-jupyter removes, after a build, the entries of
its folder that the build did not use. ``NOTEBOOK_CACHE=false`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Iterable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.hooks.notebook_cache")

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "notebooks"
# What an executed notebook's outputs depend on besides the notebook itself.
CODE = ("src/lesson_code", "pyproject.toml", "tools/constraints.txt")


# Never part of what a build reads: bytecode and editors' and Jupyter's leftovers.
SKIPPED = {"__pycache__", ".ipynb_checkpoints", ".DS_Store"}


def files_digest(root: Path, names: Iterable[str]) -> hashlib._Hash:
    """A SHA-256 of the files at ``names`` below ``root`` (a folder: every file in it).

    Each file counts by its path and its content, so a file added, changed or
    removed changes the digest; what ``SKIPPED`` names and ``*.pyc`` do not.
    tools/build_site.py keys the whole site's build with it too.
    """
    digest = hashlib.sha256()
    files = []
    for name in names:
        path = root / name
        files += [path] if path.is_file() else path.rglob("*")
    for file in sorted(files):
        parts = file.relative_to(root).parts
        if file.is_file() and not SKIPPED.intersection(parts) and file.suffix != ".pyc":
            digest.update(file.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest


def code_digest(root: Path = ROOT) -> str:
    """A SHA-256 of the code the notebooks run: the files of ``CODE``."""
    return files_digest(root, CODE).hexdigest()


def _jupyter_plugin(config: MkDocsConfig):
    return config.plugins.get("mkdocs-jupyter")


def _kind(plugin) -> str:
    return "executed" if plugin.config["execute"] else "as-saved"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    plugin = _jupyter_plugin(config)
    if plugin is not None and plugin.config["cache"]:
        folder = CACHE / f"{code_digest()[:16]}-{_kind(plugin)}"
        plugin.config["cache_dir"] = str(folder)
        log.debug("rendered notebooks are cached in %s", folder)
    return config


def on_post_build(config: MkDocsConfig) -> None:
    plugin = _jupyter_plugin(config)
    if plugin is None or not plugin.config["cache"] or not CACHE.is_dir():
        return
    current = Path(plugin.config["cache_dir"])
    for folder in CACHE.glob(f"*-{_kind(plugin)}"):
        if folder != current:
            shutil.rmtree(folder, ignore_errors=True)
