"""Build the site into ``site/`` once for its sources: ``make build`` runs this.

``mkdocs build --strict`` runs only when the site's sources have changed since
the last build into that folder (or that build failed): the pages, snippets,
``lesson_code``, the theme overrides, the build hooks, ``mkdocs.yml``, the
pinned packages, and the settings that change the output (``NOTEBOOK_EXECUTE``,
``SITE_URL``, the commit the notebooks are pinned to). ``make test`` then runs
the browser tests against that same ``site/``, and CI publishes it: the site,
and the notebook in it, is built once.

A build records a digest of those sources in ``.cache/site-build.json``;
:func:`built_from_these_sources` tells the tests whether a folder still holds
the build of the sources in the tree.

    .venv/bin/python tools/build_site.py [--site-dir DIR] [--force]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAMP = Path(".cache") / "site-build.json"  # below the checkout

# What a build reads. A file added, changed or removed below these changes the digest.
SOURCES = (
    "mkdocs.yml",
    "pyproject.toml",
    "tools/constraints.txt",
    "tools/package-lock.json",
    "tools/render-math.mjs",
    "docs",
    "snippets",
    "src/lesson_code",
    "overrides",
    "tools/hooks",
)
# The environment a build reads (NOTEBOOK_CACHE only changes how long it takes).
SETTINGS = ("NOTEBOOK_EXECUTE", "SITE_URL")


def hook(name: str):
    """The build hook ``tools/hooks/NAME.py`` as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sources_digest(root: Path = ROOT) -> str:
    """A SHA-256 of the site's sources and of the settings that change its output."""
    digest = hook("notebook_cache").files_digest(root, SOURCES)
    for name in SETTINGS:
        digest.update(f"{name}={os.environ.get(name, '')}\0".encode())
    # The commit the notebooks are pinned to: tools/hooks/notebook_launch.py decides.
    digest.update(f"BUILD_REF={hook('notebook_launch').build_ref()}".encode())
    return digest.hexdigest()


def record(site_dir: Path, sources: str, root: Path = ROOT) -> None:
    """Record that ``site_dir`` holds the build of the sources with digest ``sources``."""
    stamp = root / STAMP
    stamp.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"site_dir": str(site_dir.resolve()), "sources": sources}, indent=1)
    stamp.write_text(text + "\n", encoding="utf-8")


def is_recorded(site_dir: Path, sources: str, root: Path = ROOT) -> bool:
    """Whether ``site_dir`` holds a finished build of the sources with digest ``sources``."""
    try:
        build = json.loads((root / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        build.get("site_dir") == str(site_dir.resolve())
        and build.get("sources") == sources
        and (site_dir / "index.html").is_file()
    )


def built_from_these_sources(site_dir: Path, root: Path = ROOT) -> bool:
    """Whether ``site_dir`` holds a finished build of the sources as they are now."""
    return is_recorded(site_dir, sources_digest(root), root)


def build(site_dir: Path, root: Path = ROOT, sources: str | None = None) -> int:
    """Run ``mkdocs build --strict`` into ``site_dir``; record its sources if it succeeds.

    ``sources`` is their digest, if already computed.
    """
    (root / STAMP).unlink(missing_ok=True)  # a failed or interrupted build leaves no record
    sources = sources or sources_digest(root)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, env=env, check=False)
    if result.returncode != 0:
        return result.returncode
    record(site_dir, sources, root)
    print(f"build_site: built {site_dir} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--force", action="store_true", help="build even if it is up to date")
    args = parser.parse_args(argv)
    sources = sources_digest()
    if not args.force and is_recorded(args.site_dir, sources):
        print(
            f"build_site: {args.site_dir} is the build of these sources already; "
            "not rebuilt (--force rebuilds it)",
            file=sys.stderr,
        )
        return 0
    return build(args.site_dir, sources=sources)


if __name__ == "__main__":
    sys.exit(main())
