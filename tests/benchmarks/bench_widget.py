"""Budget of the next-token widget: transfer size and the time a click takes to redraw.

Run by hand (not collected by pytest):

    python tests/benchmarks/bench_widget.py            # a minimal page, served from a temp dir
    python tests/benchmarks/bench_widget.py --url URL  # a page of a served site instead

Budgets: script + data at most 100 KB gzip; a click redraws the rows in under
50 ms (median and 95th percentile, headless Chromium). Exits 1 if over budget.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: the shared helpers are tests.support

from tests.support.chromium import ChromiumNotFoundError, chromium_path, launch  # noqa: E402
from tests.support.serve import serve  # noqa: E402
from tests.support.site import CHAPTER, url_path  # noqa: E402

ASSETS = {
    "script": ROOT / "docs/assets/javascripts/next-token.js",
    "loader": ROOT / "docs/assets/javascripts/widgets.js",
    "data": ROOT / "docs/assets/next-token/next-token.json",
    "style": ROOT / "docs/assets/stylesheets/next-token.css",
}
SNIPPET = ROOT / "snippets/next_token_widget.html"
SIZE_BUDGET = 100 * 1024  # bytes gzip, scripts (the widget's and widgets.js) + data
CLICK_BUDGET_MS = 50.0

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>next-token widget</title>
<link rel="stylesheet" href="../assets/stylesheets/next-token.css"></head>
<body>{snippet}<script src="../assets/javascripts/widgets.js"></script>
<script src="../assets/javascripts/next-token.js"></script></body></html>
"""

# Click a candidate (or Reset when none can be clicked) `n` times; time each candidate
# click from before the click to after a forced layout of the redrawn widget.
CLICKS_JS = """n => {
  const root = document.querySelector('[data-widget="next-token"]');
  const times = [];
  for (let i = 0; i < n; i++) {
    const rows = root.querySelectorAll('button[data-token]:not([disabled])');
    if (!rows.length) {
      root.querySelector('.next-token__reset').click();
      continue;
    }
    const row = rows[i % rows.length];
    const start = performance.now();
    row.click();
    void root.offsetHeight;
    times.push(performance.now() - start);
  }
  return times;
}"""


def gzip_size(path: Path) -> int:
    """Bytes of ``path`` after gzip -9."""
    return len(gzip.compress(path.read_bytes(), 9))


def report_sizes() -> int:
    """Print raw and gzip sizes; return the gzip size of the scripts and the data."""
    for name, path in ASSETS.items():
        raw, packed = path.stat().st_size / 1024, gzip_size(path) / 1024
        print(f"{name:6} {path.relative_to(ROOT)}: {raw:.1f} KB, {packed:.1f} KB gzip")
    total = sum(gzip_size(path) for path in ASSETS.values() if path.suffix != ".css")
    print(f"scripts + data: {total / 1024:.1f} KB gzip (budget {SIZE_BUDGET / 1024:.0f} KB)")
    return total


@contextmanager
def scratch_site() -> Iterator[str]:
    """Serve a minimal page with the widget on 127.0.0.1, where the chapter is; yield its URL."""
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        for path in ASSETS.values():
            target = site / path.relative_to(ROOT / "docs")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
        page_dir = site / url_path(CHAPTER)
        page_dir.mkdir()
        snippet = SNIPPET.read_text(encoding="utf-8")
        (page_dir / "index.html").write_text(PAGE.format(snippet=snippet), encoding="utf-8")
        with serve(site) as url:
            yield url + url_path(CHAPTER)


def time_clicks(url: str, clicks: int) -> list[float]:
    """Milliseconds per candidate click, measured in headless Chromium."""
    from playwright.sync_api import sync_playwright

    try:
        executable = chromium_path(install=True)
    except ChromiumNotFoundError as error:
        sys.exit(str(error))
    with sync_playwright() as playwright:
        browser = launch(playwright, executable)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector('[data-widget="next-token"][data-state="ready"]')
        page.evaluate(CLICKS_JS, 50)  # warm-up
        times = page.evaluate(CLICKS_JS, clicks)
        browser.close()
    return times


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    """Print the sizes and click timings; return 1 if a budget is exceeded."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a served page with the widget (default: a scratch page)")
    parser.add_argument("--clicks", type=int, default=400)
    args = parser.parse_args(argv)
    total = report_sizes()
    if args.url:
        times = time_clicks(args.url, args.clicks)
    else:
        with scratch_site() as url:
            times = time_clicks(url, args.clicks)
    median, p95 = statistics.median(times), percentile(times, 95)
    print(
        f"click → rows redrawn: median {median:.2f} ms, p95 {p95:.2f} ms, "
        f"max {max(times):.2f} ms over {len(times)} clicks (budget {CLICK_BUDGET_MS:.0f} ms)"
    )
    over = total > SIZE_BUDGET or p95 > CLICK_BUDGET_MS
    print("over budget" if over else "within budget")
    return int(over)


if __name__ == "__main__":
    sys.exit(main())
