"""The fence parser sees code where the site renders it, and reports true lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_markdown_docs.plugin import extract_fence_tests

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
    parser = request.config.hook.pytest_markdown_docs_markdown_it()
    return list(extract_fence_tests(parser, PAGE, 0, Path("page.md")))


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
