"""The test suite's plugins.

``tests.support.markdown_docs`` makes every Python fence a reader sees a
test, exactly as the site renders it (``--8<--`` includes expanded, fences
inside admonitions and tabs included), holding back a fence's prints unless
it fails. ``pytester`` runs pytest inside a test, to check that plugin.

pytest finds ``tests.support`` because ``pythonpath`` in pyproject.toml puts
the repository's root on ``sys.path``.
"""

pytest_plugins = ["tests.support.markdown_docs", "pytester"]
