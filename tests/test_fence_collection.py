"""How the pages' fences become tests (tests/support/markdown_docs.py).

The fence parser sees code where the site renders it and reports true lines;
a fence's prints are held back unless it fails. The last tests check what
that module relies on in pytest-markdown-docs, and name the plugin's version
when a release changes it.
"""

from __future__ import annotations

import inspect
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.support.markdown_docs import MARKER, PLUGIN, ROOT, fence_tests

PAGE = """\
# A page

```python
top = 1
```

!!! note "An admonition"

    ```python
    in_admonition = 2
    ```

??? question "A collapsible block"

    Text.

    === "Tab one"

        ```python
        in_tab_in_details = 3
        ```

    === "Tab two"

        ```python
        --8<-- "autoregressive_loss.py"
        ```

```text
not python
```
"""


@pytest.fixture
def fences(request: pytest.FixtureRequest):
    return fence_tests(request.config, PAGE, Path("page.md"))


def test_fences_inside_admonitions_details_and_tabs_are_collected(fences) -> None:
    sources = [fence.source.strip() for fence in fences]
    assert sources[:3] == ["top = 1", "in_admonition = 2", "in_tab_in_details = 3"]
    assert len(fences) == 4


def test_includes_are_expanded_with_the_site_settings(fences) -> None:
    included = fences[3].source
    assert "--8<--" not in included
    assert "nn.CrossEntropyLoss()" in included
    compile(included, "included", "exec")  # dedented to valid top-level code


def test_fences_report_the_line_of_the_page_they_are_on(fences) -> None:
    lines = PAGE.splitlines()
    for fence in fences:
        fence_line = lines[fence.start_line - 1].strip()
        assert fence_line == "```python"


CHANGED = f"{PLUGIN} {version(PLUGIN)} changed what tests/support/markdown_docs.py relies on"


def test_the_plugin_still_has_the_hooks_marker_and_collector_relied_on(
    request: pytest.FixtureRequest,
) -> None:
    from pytest_markdown_docs import plugin

    hooks = request.config.hook
    assert hasattr(hooks, "pytest_markdown_docs_markdown_it"), f"{CHANGED}: the parser hook"
    assert hasattr(hooks, "pytest_markdown_docs_globals"), f"{CHANGED}: the globals hook"
    markers = [line.split(":")[0] for line in request.config.getini("markers")]
    assert MARKER in markers, f"{CHANGED}: the {MARKER!r} marker"
    parameters = list(inspect.signature(plugin.extract_fence_tests).parameters)
    assert parameters[:4] == [
        "markdown_it_parser",
        "markdown_string",
        "start_line_offset",
        "source_path",
    ], f"{CHANGED}: extract_fence_tests({', '.join(parameters)})"


PRINTING_PAGE = """\
# A page

```python
print("quiet", "pass", sep="-")
```

!!! note

    ```python
    print("shown", "on", "failure", sep="-")
    assert 1 == 2
    ```
"""


@pytest.mark.slow  # runs pytest in a subprocess
def test_a_fence_s_prints_are_shown_only_when_it_fails_at_its_line(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest('pytest_plugins = ["tests.support.markdown_docs"]')
    pytester.makefile(".md", page=PRINTING_PAGE)
    result = pytester.runpytest_subprocess("--markdown-docs", "-p", "no:cacheprovider")
    output = result.stdout.str()
    assert result.parseoutcomes() == {"passed": 1, "failed": 1}, f"{CHANGED}:\n{output}"
    assert "quiet-pass" not in output, f"{CHANGED}: a passing fence's prints are shown"
    lines = result.stdout.lines
    captured = [i for i, line in enumerate(lines) if "Captured stdout call" in line]
    assert captured, f"{CHANGED}: a failing fence's prints are not in its report\n{output}"
    assert lines[captured[0] + 1] == "shown-on-failure", output
    assert 'page.md", line 11' in output, f"{CHANGED}: the failure's line\n{output}"
