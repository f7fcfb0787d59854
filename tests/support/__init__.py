"""Helpers the tests and the benchmarks share, one copy of each.

* ``site``: build the site, and map its pages to their URLs and built files;
* ``serve``: serve a directory on 127.0.0.1 as a static host does;
* ``chromium``: find the Chromium the browser tests and benchmarks drive;
* ``markdown_docs``: how pytest-markdown-docs sees and runs the pages' fences
  (a pytest plugin, registered by the root ``conftest.py``).

The tests import them as ``tests.support.*``: pytest puts the repository's
root on ``sys.path`` (``pythonpath`` in pyproject.toml), and the benchmark
scripts put it there themselves.
"""
