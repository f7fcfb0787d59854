"""Find the Chromium that the browser tests and the benchmarks drive, and launch it.

The search, in this order:

1. ``$CHROMIUM``, if it names an executable (a path, or a command on PATH);
2. a system Chromium or Chrome on PATH that runs (Ubuntu's
   ``chromium-browser`` can be a stub that asks for a snap);
3. the Chromium that Playwright downloaded, if it has.

This module is the one search. ``tools/find-chromium.sh``, which
``make test`` runs, calls it (``python tests/support/chromium.py`` prints the
path, or exits with status 1 having found none) and installs a Chromium if it
finds none. The tests never install one: they fail, saying to run
``make test`` or to set ``CHROMIUM``. The benchmarks, run by hand, install one
as ``make test`` does (``chromium_path(install=True)``).

This file runs as a script too, so it imports nothing from the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

FIND_CHROMIUM = Path(__file__).resolve().parents[2] / "tools" / "find-chromium.sh"
SYSTEM_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
# Headless, offline and quiet: no GPU, no first-run pages, no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOT_FOUND = (
    "No Chromium: run the tests with `make test` (tools/find-chromium.sh finds or "
    "installs one), or set CHROMIUM=/path/to/chromium."
)


class ChromiumNotFoundError(RuntimeError):
    """No Chromium was found (or installed)."""


def runs(path: str) -> bool:
    """Whether ``path --version`` succeeds."""
    try:
        return subprocess.run([path, "--version"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def playwright_chromium() -> str | None:
    """The Chromium that Playwright downloaded, if it did."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # Playwright missing, or its driver failing to start
        return None
    return path if os.path.isfile(path) else None


def find_chromium() -> str | None:
    """The first Chromium of the search (see the module's docstring), or None."""
    named = os.environ.get("CHROMIUM")
    if named:
        path = shutil.which(named)
        if path:
            return path
        print(f"CHROMIUM={named} is not an executable: looking further.", file=sys.stderr)
    for name in SYSTEM_CHROMIUMS:
        path = shutil.which(name)
        if path and runs(path):
            return path
    return playwright_chromium()


def chromium_path(*, install: bool = False) -> str:
    """The Chromium to drive; with ``install``, install one if none is found.

    Raises :class:`ChromiumNotFoundError`, saying what to do, if there is none.
    """
    path = find_chromium()
    if path is None and install:
        # The script's progress goes to stderr, as under `make test`.
        result = subprocess.run(
            [str(FIND_CHROMIUM)], stdout=subprocess.PIPE, text=True, check=False
        )
        path = result.stdout.strip() if result.returncode == 0 else None
    if not path:
        raise ChromiumNotFoundError(NOT_FOUND)
    return path


def launch(playwright, executable: str | None = None, **options):
    """Launch a headless Chromium (``executable``, else :func:`chromium_path`'s)."""
    return playwright.chromium.launch(
        executable_path=executable or chromium_path(), headless=True, args=CHROMIUM_ARGS, **options
    )


if __name__ == "__main__":
    found = find_chromium()
    if found is None:
        sys.exit(1)
    print(found)
