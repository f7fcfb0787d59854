"""Which tests ``make check`` leaves to ``make test``: marks given by what a test uses.

A pytest plugin (``-p tests.support.selection`` in pyproject.toml's addopts).

* ``slow``: a test that uses a full or quick run of the game course, or
  trains the next-token model anew (the fixtures in ``SLOW_FIXTURES``),
  or is marked ``slow`` by hand;
* ``browser``: a test that drives Chromium (the fixtures in
  ``BROWSER_FIXTURES``), or is marked ``browser`` by hand;
* ``site``: a test that reads the built site, ``site/`` (``built_site``).

``make check`` runs ``-m "not slow and not browser"``; ``make test`` runs
everything, and CI runs it in parts by these marks (``make test-part``). A new
test that uses these fixtures is sorted without a marker.
"""

from __future__ import annotations

import pytest

# A run of the game course (full or quick); the next-token model trained anew.
SLOW_FIXTURES = {"seed0_run", "quick_cli", "quick_results", "generated", "trained", "exported"}
BROWSER_FIXTURES = {"browser", "page", "first_visit"}
SITE_FIXTURES = {"built_site"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)
        if used & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if used & SITE_FIXTURES:
            item.add_marker(pytest.mark.site)
