"""``mkdocs serve`` (``make serve``) locates a build error and flags a stale output.

A copy of the site (tests/support/planted.py's ``site_copy``) is served;
the test edits the copy as a contributor edits the site
(tools/hooks/serve_checks.py does the work).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.pages import markdown_pages
from tests.support.planted import site_copy

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 20) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def page_text(url: str) -> str:
    """The page, or "" while the server is still rebuilding it."""
    try:
        return fetch(url, timeout=30)
    except OSError:
        return ""


def wait_for(condition, timeout: float = 300, step: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise AssertionError("timed out")


def test_serve_flags_a_stale_output_and_survives_a_missing_include(tmp_path: Path) -> None:
    config = site_copy(tmp_path)
    root = config.parent
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"),
                *("--config-file", str(config)),
            ],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NOTEBOOK_EXECUTE": "false", "NO_MKDOCS_2_WARNING": "1"},
        )
    try:
        wait_for(lambda: "Serving on" in log.read_text())
        chapter = next(p for p in markdown_pages(config) if "--8<--" in p.read_text())
        included = next(
            line.split('"')[1]
            for line in chapter.read_text().splitlines()
            if "--8<--" in line and line.split('"')[1].endswith(".py")
        )
        script = root / "snippets" / included
        url = f"http://127.0.0.1:{port}/course/{chapter.stem}/"

        script.write_text(script.read_text() + 'print("one more line")\n')
        wait_for(lambda: "Output out of date" in page_text(url))
        assert f"tests/test_snippets.py --update {script.stem}" in log.read_text()

        text = chapter.read_text()
        chapter.write_text(text + '\n```python\n--8<-- "no_such_snippet.py"\n```\n')
        line = len(text.splitlines()) + 3
        wait_for(lambda: "The rebuild failed" in log.read_text())
        assert f"{chapter.name}:{line}: --8<-- 'no_such_snippet.py' names no file" in (
            log.read_text()
        )
        # The last good page, at once: the server does not wait for a build that failed.
        assert "Output out of date" in fetch(url, timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=30)
