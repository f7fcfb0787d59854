"""Material's script is compiled off the main thread (tools/hooks/compile_hints.py)."""

from __future__ import annotations

import json
from pathlib import Path

import material
import pytest
from mkdocs.exceptions import PluginError

from tests.support.site import load_hook

hints = load_hook("compile_hints")

THEME = Path(material.__file__).parent / "templates"


def test_the_hint_is_added_as_the_first_line_once() -> None:
    script = b'"use strict";(()=>{})();\n//# sourceMappingURL=bundle.min.js.map\n'
    hinted = hints.with_hint(script)
    assert hinted == b"//# allFunctionsCalledOnLoad\n" + script
    assert hints.with_hint(hinted) == hinted


def test_the_source_map_moves_down_the_line_the_hint_takes() -> None:
    source_map = json.dumps({"version": 3, "sources": ["a.ts"], "mappings": "AAAA;AACA"})
    shifted = json.loads(hints.shifted_down_one_line(source_map))
    assert shifted == {"version": 3, "sources": ["a.ts"], "mappings": ";AAAA;AACA"}


def test_a_missing_script_is_named_with_the_place_to_fix(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match=r"found none.*tools/hooks/compile_hints\.py"):
        hints.material_script(tmp_path)


def test_the_built_script_is_materials_own_under_the_hint(built_site: Path) -> None:
    built = hints.material_script(built_site)
    theme = THEME / built.relative_to(built_site)
    assert theme.is_file(), f"{built.name} is not the theme's script"
    assert built.read_bytes() == hints.HINT + theme.read_bytes()
    built_map = json.loads(built.with_name(built.name + ".map").read_text(encoding="utf-8"))
    theme_map = json.loads(theme.with_name(theme.name + ".map").read_text(encoding="utf-8"))
    assert built_map["mappings"] == ";" + theme_map["mappings"]
    assert {**built_map, "mappings": theme_map["mappings"]} == theme_map
