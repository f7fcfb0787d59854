"""Under ``make serve``: build errors that name the file and line, and stale outputs flagged.

Only ``mkdocs serve`` is changed; ``mkdocs build`` is not.

* **A rebuild that fails** does not leave the browser waiting: the error is
  logged with the page and line the suite's page checks find
  (``tests/support/pages.py``: a missing ``--8<--`` include, a formula KaTeX
  cannot typeset), and the server goes on serving the pages of the last
  good build (a copy is kept after each build) until the next save fixes
  it. (mkdocs alone keeps every request waiting for a build that never comes.)
* **A snippet edited without recording its output**: when a page includes
  ``snippets/NAME.py`` and ``snippets/output/NAME.txt`` and the snippet is
  newer than its output, the snippet is run once (its verdict is kept in
  ``.cache/serve-snippets.json`` for that pair of files) and compared by the
  suite's one rule (``tests/support/outputs.py``). If they disagree, the page
  opens with a warning naming the command that records the output, and the
  log says the same.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[2]

log = logging.getLogger("mkdocs.hooks.serve_checks")
CACHE = ROOT / ".cache" / "serve-snippets.json"
INCLUDE = re.compile(r"""--8<--\s+["'](?P<name>[^"':]+\.py)["']""")
serving = False


def _import_from_tests() -> None:
    """Put the repository on ``sys.path`` for ``tests.support`` (mkdocs restores
    ``sys.path`` after loading a hook, so this is done when it is needed)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def on_startup(command: str, dirty: bool) -> None:
    global serving
    serving = command == "serve"


def located_problems(config_file: Path) -> list[str]:
    """The problems the page checks find that stop a build, as ``file:line: ...``."""
    _import_from_tests()
    from tests.support.pages import markdown_pages, math_problems, missing_includes, site_config

    site_config.cache_clear()  # the nav may have changed since the last build
    problems = []
    for page in markdown_pages(config_file):
        if page.is_file():
            problems += missing_includes(page) + math_problems(page)
    return problems


def on_serve(server, config: MkDocsConfig, builder):
    build = server.builder
    site = Path(server.root)
    last_good = Path(tempfile.mkdtemp(prefix="last-good-site-"))
    atexit.register(shutil.rmtree, last_good, ignore_errors=True)
    shutil.copytree(site, last_good, dirs_exist_ok=True)  # the first build, done by now

    def build_or_keep_the_last_good_site() -> None:
        try:
            build()
        except Exception as error:  # a failed rebuild: say where, serve the last good site
            located = located_problems(Path(config.config_file_path))
            log.error(
                "The rebuild failed; the browser shows the last good pages until it is fixed.\n"
                + ("\n".join(located) if located else f"{type(error).__name__}: {error}")
            )
            shutil.rmtree(site, ignore_errors=True)
            shutil.copytree(last_good, site, dirs_exist_ok=True)
            return
        shutil.rmtree(last_good, ignore_errors=True)
        shutil.copytree(site, last_good, dirs_exist_ok=True)

    server.builder = build_or_keep_the_last_good_site
    return server


def _digest(*paths: Path) -> str:
    return hashlib.sha256(b"".join(path.read_bytes() for path in paths)).hexdigest()


def _stale(script: Path, output: Path, cache: dict, root: Path) -> bool:
    """Whether ``script`` no longer prints what ``output`` shows (run only if needed)."""
    if script.stat().st_mtime <= output.stat().st_mtime:
        return False
    key = f"{script.name}:{_digest(script, output)}"
    if key not in cache:
        _import_from_tests()
        from tests.support.outputs import agree

        result = subprocess.run(
            [sys.executable, str(script.relative_to(root))],
            cwd=root,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            check=False,
        )
        shown = output.read_text(encoding="utf-8")
        cache[key] = result.returncode != 0 or not agree(shown, result.stdout)
    return cache[key]


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not serving:
        return markdown
    cache = json.loads(CACHE.read_text(encoding="utf-8")) if CACHE.is_file() else {}
    root = Path(config.config_file_path).parent
    stale = []
    for name in dict.fromkeys(INCLUDE.findall(markdown)):
        script = root / "snippets" / name
        output = root / "snippets" / "output" / f"{Path(name).stem}.txt"
        if script.is_file() and output.is_file() and _stale(script, output, cache, root):
            stale.append(Path(name).stem)
    CACHE.parent.mkdir(exist_ok=True)
    CACHE.write_text(json.dumps(cache), encoding="utf-8")
    if not stale:
        return markdown
    commands = "\n".join(
        f"    .venv/bin/python tests/test_snippets.py --update {name}" for name in stale
    )
    log.warning(
        f"{page.file.src_uri}: snippets edited since their output was recorded: "
        f"{', '.join(stale)}; record it with\n{commands}"
    )
    warning = (
        '!!! warning "Output out of date"\n\n'
        f"    {', '.join(f'`snippets/{n}.py`' for n in stale)} no longer prints what this "
        "page shows. Record the new output and review the diff:\n\n"
        "    ```bash\n"
        + "\n".join(f"    {line.strip()}" for line in commands.splitlines())
        + "\n    ```\n\n"
    )
    return warning + markdown
