"""Draw the chapter's figures at build time, from ``lesson_code.plotting.figures``.

The SVGs join the site under ``assets/figures/`` and are cached in
``.cache/figures/`` keyed by a hash of the code that draws them, so a rebuild
under ``mkdocs serve`` redraws only after that code changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "lesson_code"
# The figures draw with the formula modules and lesson_code.plotting.
SOURCES = sorted([*PACKAGE.glob("*.py"), *(PACKAGE / "plotting").glob("*.py")])
CACHE = ROOT / ".cache" / "figures"


def _cache_key() -> str:
    digest = hashlib.sha256()
    for source in SOURCES:
        digest.update(source.relative_to(PACKAGE).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _figures() -> dict[str, str]:
    cached = CACHE / _cache_key()
    if not cached.is_dir():
        from lesson_code.plotting.figures import all_figures

        # Written aside, then moved in place: builds that run at once (the tests'
        # workers) never read a half-written folder, and the first to finish wins.
        tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        for name, svg in all_figures().items():
            (tmp / name).write_text(svg, encoding="utf-8")
        try:
            tmp.rename(cached)
        except OSError:  # another build moved its copy in first
            shutil.rmtree(tmp, ignore_errors=True)
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(cached.glob("*.svg"))}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for name, svg in _figures().items():
        files.append(File.generated(config, f"assets/figures/{name}", content=svg))
    return files
