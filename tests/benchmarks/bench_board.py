"""Budget of the tic-tac-toe board: transfer size and the time the model takes to reply.

Run by hand (not collected by pytest):

    python tests/benchmarks/bench_board.py            # a minimal page, served from a temp dir
    python tests/benchmarks/bench_board.py --url URL  # a page of a served site instead

It plays ``--games`` games against each opponent (greedy, as the board starts),
choosing O's moves at random, and times each reply: from the reader's click to
the model's X on the board, after a forced layout. It also prints how often each
opponent won those games.

Budgets: script + data at most 60 KB gzip; the model's reply under 50 ms
(95th percentile, headless Chromium). Exits 1 if over budget.
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
    "script": ROOT / "docs/assets/javascripts/tictactoe.js",
    "loader": ROOT / "docs/assets/javascripts/widgets.js",
    "data": ROOT / "docs/assets/tictactoe/board.json",
    "style": ROOT / "docs/assets/stylesheets/tictactoe.css",
}
SNIPPET = ROOT / "snippets/tictactoe_board.html"
SIZE_BUDGET = 60 * 1024  # bytes gzip, scripts (the widget's and widgets.js) + data
REPLY_BUDGET_MS = 50.0

# The site's header script marks the root "js" before the content is parsed; so does this.
PAGE = """<!doctype html>
<html lang="en" class="js"><head><meta charset="utf-8"><title>tic-tac-toe board</title>
<link rel="stylesheet" href="../assets/stylesheets/tictactoe.css"></head>
<body>{snippet}<script src="../assets/javascripts/widgets.js"></script>
<script src="../assets/javascripts/tictactoe.js"></script></body></html>
"""

# Play `n` games as a random O against the opponent `stage`; return the reply times
# (ms, click to the model's mark after a forced layout) and the results.
GAMES_JS = """([stage, n]) => {
  const root = document.querySelector('[data-widget="tictactoe"]');
  const select = root.querySelector('select[data-opponent]');
  select.value = stage;
  select.dispatchEvent(new Event('change'));
  const times = [];
  const results = [];
  for (let game = 0; game < n; game++) {
    root.querySelector('[data-reset]').click();
    while (!root.querySelector('[data-result]').textContent) {
      const empty = [...root.querySelectorAll('button[data-cell][data-mark=""]')];
      const cell = empty[Math.floor(Math.random() * empty.length)];
      const start = performance.now();
      cell.click();
      void root.offsetHeight;
      times.push(performance.now() - start);
    }
    results.push(root.querySelector('[data-result]').textContent);
  }
  return [times, results];
}"""
OPPONENTS = ("pretrained", "sft", "rlhf")


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
    """Serve a minimal page with the board on 127.0.0.1, where the chapter is; yield its URL."""
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


def play_games(url: str, games: int) -> dict[str, tuple[list[float], list[str]]]:
    """Reply times and results of ``games`` games against each opponent, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    try:
        executable = chromium_path(install=True)
    except ChromiumNotFoundError as error:
        sys.exit(str(error))
    with sync_playwright() as playwright:
        browser = launch(playwright, executable)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector('[data-widget="tictactoe"][data-state="ready"]')
        page.evaluate(GAMES_JS, ["sft", 20])  # warm-up
        played = {stage: page.evaluate(GAMES_JS, [stage, games]) for stage in OPPONENTS}
        browser.close()
    return {stage: (times, results) for stage, (times, results) in played.items()}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    """Print the sizes, the reply times and the win rates; return 1 if over a budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a served page with the board (default: a scratch page)")
    parser.add_argument("--games", type=int, default=200, help="games per opponent")
    args = parser.parse_args(argv)
    total = report_sizes()
    if args.url:
        played = play_games(args.url, args.games)
    else:
        with scratch_site() as url:
            played = play_games(url, args.games)
    times = [t for stage_times, _ in played.values() for t in stage_times]
    for stage, (_, results) in played.items():
        shares = {r: results.count(r) / len(results) for r in ("X wins", "Draw", "O wins")}
        print(
            f"{stage:10} vs a random O, {len(results)} games: "
            + ", ".join(f"{r} {share:.1%}" for r, share in shares.items())
        )
    median, p95 = statistics.median(times), percentile(times, 95)
    print(
        f"reader's move → model's reply drawn: median {median:.2f} ms, p95 {p95:.2f} ms, "
        f"max {max(times):.2f} ms over {len(times)} moves (budget {REPLY_BUDGET_MS:.0f} ms)"
    )
    over = total > SIZE_BUDGET or p95 > REPLY_BUDGET_MS
    print("over budget" if over else "within budget")
    return int(over)


if __name__ == "__main__":
    sys.exit(main())
