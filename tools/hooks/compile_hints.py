"""Let the browser compile Material's script before it runs, off the page's main thread.

Material's script (``assets/javascripts/bundle.<hash>.min.js``) calls most of
its functions as a page starts. V8 compiles a function the first time it is
called, on the main thread, inside the script's first run: the longest task of
a page's load. A script whose first line is the comment
``//# allFunctionsCalledOnLoad`` has every function compiled in advance, on
the background thread that already parses the script while it downloads (V8's
explicit compile hints, Chrome 136 and later; to other browsers it is just a
comment).

This hook gives the built copy of Material's script that first line, and
shifts its source map by one line so that a browser's developer tools still
show Material's sources at the right place. The theme's files are not
touched; a page's script address is unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

HINT = b"//# allFunctionsCalledOnLoad\n"
MATERIAL_SCRIPT = "assets/javascripts/bundle.*.min.js"


def with_hint(script: bytes) -> bytes:
    """``script`` with the compile hint as its first line (once)."""
    return script if script.startswith(HINT) else HINT + script


def shifted_down_one_line(source_map: str) -> str:
    """A source map of the same script one line lower (its first line is not mapped).

    In a source map's ``mappings``, each ``;`` starts the next line of the
    generated file, so one more at the front moves every mapping a line down.
    """
    mapping = json.loads(source_map)
    mapping["mappings"] = ";" + mapping["mappings"]
    return json.dumps(mapping, separators=(",", ":"))


def material_script(site_dir: Path) -> Path:
    found = sorted(site_dir.glob(MATERIAL_SCRIPT))
    if len(found) != 1:
        names = ", ".join(path.name for path in found) or "none"
        raise PluginError(
            f"compile_hints: expected Material's one script {MATERIAL_SCRIPT} in the built "
            f"site, found {names}; if a Material upgrade renamed it, update MATERIAL_SCRIPT "
            f"in tools/hooks/compile_hints.py"
        )
    return found[0]


def on_post_build(config: MkDocsConfig) -> None:
    script = material_script(Path(config.site_dir))
    code = script.read_bytes()
    if code.startswith(HINT):  # a dirty rebuild kept the copy made last time
        return
    script.write_bytes(with_hint(code))
    source_map = script.with_name(script.name + ".map")
    if source_map.is_file():
        source_map.write_text(
            shifted_down_one_line(source_map.read_text(encoding="utf-8")), encoding="utf-8"
        )
