"""A throwaway copy of the site with a chapter of planted mistakes.

``planted_site(folder)`` copies ``mkdocs.yml``, ``docs/`` and ``snippets/``
into ``folder``, links ``src/``, ``tools/`` and ``overrides/`` to the
repository's own, writes ``docs/planted.md`` and its snippets, and adds the
chapter to the copy's nav. ``buildable=False`` adds the mistakes that stop a
build (a missing include, a formula KaTeX cannot typeset). The tests that
see each check fire on it: ``tests/test_planted_mistakes.py`` and
``tests/site/test_planted_mistakes_built.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

MISSPELT = "sepe" + "rately"  # spelt out, this file would fail the spelling check

FAILING_SNIPPET = """\
import math

value = math.sqrt(4.0)
raise ValueError(f"planted: {value}")
"""
DRIFTING_SNIPPET = 'print(f"loss {1.2345:.4f}")\n'
DRIFTING_OUTPUT = "loss 1.3000\n"
COMMENTED_SNIPPET = f'# The two halves are scored {MISSPELT}.\nprint("ok")\n'

# Mistakes that break the build: seen by the page checks and by the build.
UNBUILDABLE = r"""
```python
--8<-- "planted_missing.py"
```

Broken math: \(\frac{1}{\).
"""

PLANTED = f"""\
---
description: A chapter with a mistake planted for each check of the suite.
---

# 9.9 Planted Mistakes

## Code

```python
--8<-- "planted_fails.py"
```

```python
--8<-- "planted_drift.py"
```

```text
--8<-- "output/planted_drift.txt"
```

```python
--8<-- "planted_comment.py"
```

## Prose

The model is trained {MISSPELT}. A claim with a citation that goes nowhere.[^nowhere]

![](assets/figures/lecun-cake-light.svg){{ width="720" height="280" }}

![lecun-cake-light.svg](assets/figures/lecun-cake-light.svg){{ width="720" height="280" }}

<img src="../assets/figures/lecun-cake-light.svg" alt="" width="720" height="280">

<a href="#no-such-section">A link to a section that does not exist.</a>

<div style="width: 1400px; max-width: none">A block wider than a phone.</div>

<p style="color: #8f8f8f; background: #9a9a9a">Text too pale to read, in either palette.</p>

## Quizzes

### Quiz 1: Is a heading a quiz?

It is not: the answer is shown at once.

??? question "Quiz 2: Where is the answer?"

## References
"""


def site_copy(folder: Path) -> Path:
    """A copy of the site in ``folder`` (its pages, snippets and config); its ``mkdocs.yml``.

    ``src/``, ``tools/`` and ``overrides/`` are links to the repository's own.
    """
    for name in ("src", "tools", "overrides"):
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    shutil.copytree(ROOT / "docs", folder / "docs")
    shutil.copytree(ROOT / "snippets", folder / "snippets")
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    return folder / "mkdocs.yml"


def planted_site(folder: Path, *, buildable: bool) -> Path:
    """The throwaway site in ``folder``; its ``mkdocs.yml``."""
    site_copy(folder)
    (folder / "snippets" / "planted_fails.py").write_text(FAILING_SNIPPET, encoding="utf-8")
    (folder / "snippets" / "planted_drift.py").write_text(DRIFTING_SNIPPET, encoding="utf-8")
    (folder / "snippets" / "planted_comment.py").write_text(COMMENTED_SNIPPET, encoding="utf-8")
    (folder / "snippets" / "output" / "planted_drift.txt").write_text(
        DRIFTING_OUTPUT, encoding="utf-8"
    )
    (folder / "snippets" / "output" / "planted_comment.txt").write_text("ok\n", encoding="utf-8")
    text = PLANTED if buildable else PLANTED.replace("## Prose\n", UNBUILDABLE + "\n## Prose\n")
    (folder / "docs" / "planted.md").write_text(text, encoding="utf-8")
    config = (folder / "mkdocs.yml").read_text(encoding="utf-8")
    assert "\nnav:\n" in config
    config = config.replace("\nnav:\n", '\nnav:\n  - "9.9 Planted Mistakes": planted.md\n', 1)
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder / "mkdocs.yml"
