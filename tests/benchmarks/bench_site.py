"""Benchmark the site against its quality budget and print one table.

Measures, on this machine:

- a cold ``mkdocs build --strict`` (``.cache/`` cleared first), once without
  executing the notebook and once with ``NOTEBOOK_EXECUTE=true``; the
  difference is the notebook's execution;
- under ``mkdocs serve``, the time from saving a Markdown page to the served
  page containing the change (median of ``--serve-runs`` edits; the page is
  restored afterwards, also on error or Ctrl-C);
- ``make check``, warm (run once to warm the caches, then timed), against its
  budget of 30 s, and the full test suite, ``make test``, warm
  (``--skip-tests`` leaves both out: they take minutes; ``--loops-only``
  measures only these two and prints their table);
- for the chapter page and the notebook page, served as a static host serves
  them (gzip for text, ``Cache-Control: max-age``): the bytes of a cold load by
  type (HTML, CSS, JS, fonts, images, data), raw and as transferred, and the
  number of requests, recorded by headless Chromium; and their Lighthouse
  scores (default mobile settings; the median of ``--lighthouse-runs`` runs,
  each started once the machine is quiet, with what it ran on: Lighthouse's
  CPU ``benchmarkIndex``, how busy the CPUs were before it and the CPU time
  the hypervisor took during it);
- axe-core violations on every page, in light and in dark mode.

It checks the budgets, prints pass or fail for each, and writes every figure
to ``tests/benchmarks/results/site-<timestamp>.json`` and ``latest.json``.
Run it by hand (it is not part of ``make test``):

    npm ci --prefix tests/benchmarks          # Lighthouse, once
    .venv/bin/python tests/benchmarks/bench_site.py [--skip-tests]

Options: ``--skip-lighthouse``, ``--lighthouse-runs N`` (median of N runs; 3),
``--serve-runs N``, ``--chromium PATH`` (default: ``$CHROMIUM``, else a system
Chromium, else one that ``tools/find-chromium.sh`` installs: see
``tests/support/chromium.py``). Exits with status 1 if a budget is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: the shared helpers are tests.support

from tests.support.chromium import ChromiumNotFoundError, chromium_path, launch  # noqa: E402
from tests.support.serve import serve  # noqa: E402
from tests.support.site import (  # noqa: E402
    CHAPTER,
    NOTEBOOK,
    SiteBuildError,
    build_site,
    published_prefix,
    site_pages,
    url_path,
)

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
EDITED_PAGE = CHAPTER
EDITED_URL = url_path(CHAPTER)
PAGES = {"chapter": url_path(CHAPTER), "notebook": url_path(NOTEBOOK)}
CHROMIUM_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
CACHE_MAX_AGE = 600  # what GitHub Pages sends

# The budget. Lighthouse scores are 0-100, with its default (mobile) settings.
LIGHTHOUSE_BUDGET = {"performance": 99, "accessibility": 100, "best-practices": 100, "seo": 100}
CHAPTER_GZIP_BUDGET_KB = 500
COLD_BUILD_BUDGET_S = 10.0
CHECK_BUDGET_S = 30.0  # `make check`, warm, on two cores

# --------------------------------------------------------------------------
# Builds


def timed_run(command: list[str], env: dict) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``command`` in the repository; return the finished process and its wall time."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    return result, time.perf_counter() - start


def clear_cache() -> None:
    shutil.rmtree(ROOT / ".cache", ignore_errors=True)


def timed_build(site_dir: Path, execute_notebook: bool) -> float:
    """A cold strict build into ``site_dir``; returns its wall time in seconds."""
    clear_cache()
    start = time.perf_counter()
    try:
        build_site(site_dir, execute_notebook=execute_notebook)
    except SiteBuildError as error:
        sys.exit(str(error))
    return time.perf_counter() - start


# --------------------------------------------------------------------------
# Live reload under `mkdocs serve`


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(predicate, timeout: float, interval: float = 0.02) -> float:
    """Poll ``predicate`` until true; return the seconds it took."""
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"gave up after {timeout:.0f} s")
        time.sleep(interval)
    return time.perf_counter() - start


def remove_marker(marker: str) -> None:
    """Take the benchmark's line out of the edited page, leaving other edits alone."""
    text = EDITED_PAGE.read_text(encoding="utf-8")
    if marker in text:
        EDITED_PAGE.write_text(text.replace(marker, ""), encoding="utf-8")


def page_contains(url: str, token: str) -> bool:
    return token in (fetch(url) or "")


def page_lacks(url: str, token: str) -> bool:
    served = fetch(url)
    return served is not None and token not in served


def measure_serve_rebuild(runs: int) -> dict:
    """Save a change to a page under `mkdocs serve`; time until the page serves it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    # As `make serve` runs it: the site at the server's root, the notebook not run.
    env = {**os.environ, "SITE_URL": url, "NOTEBOOK_EXECUTE": "false", "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryFile() as log:
        return _measure_serve_rebuild(runs, url, env, log)


def _measure_serve_rebuild(runs: int, url: str, env: dict, log) -> dict:
    port = urlsplit(url).port
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    timings: list[float] = []
    marker = ""
    try:
        startup = wait_for(lambda: fetch(url + EDITED_URL) is not None, timeout=180, interval=0.1)
        for _ in range(runs):
            token = f"benchmark{uuid.uuid4().hex}"
            marker = f"\n\n{token}\n"
            with EDITED_PAGE.open("a", encoding="utf-8") as page:
                page.write(marker)
            start = time.perf_counter()
            wait_for(functools.partial(page_contains, url + EDITED_URL, token), timeout=120)
            timings.append(time.perf_counter() - start)
            remove_marker(marker)
            wait_for(functools.partial(page_lacks, url + EDITED_URL, token), timeout=120)
    except TimeoutError as error:
        log.seek(0)
        tail = log.read().decode(errors="replace").splitlines()[-30:]
        sys.exit(f"mkdocs serve did not serve the change: {error}\n" + "\n".join(tail))
    finally:
        if marker:
            remove_marker(marker)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    return {
        "startup_s": round(startup, 2),
        "median_s": round(statistics.median(timings), 2),
        "runs_s": [round(t, 2) for t in timings],
    }


# --------------------------------------------------------------------------
# The test suite


def measure_check() -> dict:
    """``make check``, warm: once to fill the caches, then timed."""
    timed_run(["make", "check"], dict(os.environ))
    result, elapsed = timed_run(["make", "check"], dict(os.environ))
    lines = [line for line in result.stdout.splitlines() if " in " in line and "passed" in line]
    return {
        "seconds": round(elapsed, 1),
        "exit_code": result.returncode,
        "summary": "; ".join(lines),
    }


def measure_tests(chromium: str) -> dict:
    # The README's test command itself, with the notebook's execution left out
    # (its time is reported with the build).
    env = {**os.environ, "CHROMIUM": chromium, "NOTEBOOK_EXECUTE": "false"}
    result, elapsed = timed_run(["make", "test"], env)
    summary = (result.stdout.strip().splitlines() or [""])[-1]
    return {"seconds": round(elapsed, 1), "exit_code": result.returncode, "summary": summary}


# --------------------------------------------------------------------------
# Page weight: a cold load in headless Chromium


def kind_of(content_type: str, resource_type: str) -> str:
    content_type = content_type.split(";")[0].strip()
    if resource_type == "document" or content_type == "text/html":
        return "html"
    if content_type == "text/css":
        return "css"
    if "javascript" in content_type:
        return "js"
    if content_type.startswith("font/") or resource_type == "font":
        return "fonts"
    if content_type.startswith("image/"):
        return "images"
    return "data"


KINDS = ("html", "css", "js", "fonts", "images", "data")


def measure_weight(browser, url: str) -> dict:
    """Bytes (raw and transferred) and requests of a cold load, by type."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    records: list[dict] = []
    pending: list = []

    def finished(request) -> None:
        pending.append(request)

    context.on("requestfinished", finished)
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)  # the search worker fetches its index after load
    for request in pending:
        response = request.response()
        if response is None:
            continue
        sizes = request.sizes()
        try:
            raw = len(response.body())
        except Exception:  # a worker's response body is not always available
            raw = int(response.headers.get("content-length", 0))
        if response.headers.get("content-encoding") != "gzip":
            transferred = raw
        else:
            transferred = sizes["responseBodySize"] or int(
                response.headers.get("content-length", 0)
            )
        records.append(
            {
                "url": request.url,
                "status": response.status,
                "kind": kind_of(response.headers.get("content-type", ""), request.resource_type),
                "raw": raw,
                "gzip": transferred,
            }
        )
    context.close()
    by_kind = {
        kind: {
            "requests": sum(1 for r in records if r["kind"] == kind),
            "raw": sum(r["raw"] for r in records if r["kind"] == kind),
            "gzip": sum(r["gzip"] for r in records if r["kind"] == kind),
        }
        for kind in KINDS
    }
    return {
        "requests": len(records),
        "raw": sum(r["raw"] for r in records),
        "gzip": sum(r["gzip"] for r in records),
        "by_kind": by_kind,
        "files": sorted(records, key=lambda r: -r["gzip"]),
    }


# --------------------------------------------------------------------------
# Lighthouse


# Lighthouse's simulated throttling multiplies the CPU time it observes by four,
# so work from other programs on the machine inflates Total Blocking Time (the
# largest part of the performance score) several times over: "client resource
# contention" is a high-impact source of variability in Lighthouse's own notes
# (docs/variability.md in GoogleChrome/lighthouse). Each run therefore starts
# once the machine's CPUs have been mostly idle for a second (or after
# QUIET_WAIT_S), and records what it ran on: how busy the machine was just
# before, the share of CPU time the hypervisor took away during the run
# (steal), and Lighthouse's own measure of the CPU's speed (benchmarkIndex).
QUIET_BUSY_SHARE = 0.15  # busier than this (share of all CPUs) is not quiet
QUIET_WAIT_S = 120.0


@dataclass(frozen=True)
class CpuTimes:
    """Cumulative CPU time of all CPUs since boot, in clock ticks (Linux /proc/stat)."""

    total: int
    busy: int
    steal: int

    @classmethod
    def read(cls) -> CpuTimes | None:
        try:
            line = Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0]
        except OSError:
            return None  # not Linux: nothing to record
        user, nice, system, idle, iowait, irq, softirq, steal = map(int, line.split()[1:9])
        total = user + nice + system + idle + iowait + irq + softirq + steal
        return cls(total=total, busy=total - idle - iowait, steal=steal)

    def shares_since(self, earlier: CpuTimes) -> tuple[float, float]:
        """The busy and the stolen share of the CPU time between ``earlier`` and now."""
        elapsed = max(self.total - earlier.total, 1)
        return (self.busy - earlier.busy) / elapsed, (self.steal - earlier.steal) / elapsed


def wait_until_quiet() -> float | None:
    """Wait until the CPUs were busy less than QUIET_BUSY_SHARE over one second.

    Gives up after QUIET_WAIT_S. Returns the busy share of the last second
    measured (None where /proc/stat does not exist).
    """
    deadline = time.monotonic() + QUIET_WAIT_S
    while True:
        before = CpuTimes.read()
        time.sleep(1.0)
        after = CpuTimes.read()
        if before is None or after is None:
            return None
        busy, _ = after.shares_since(before)
        if busy < QUIET_BUSY_SHARE:
            return busy
        if time.monotonic() > deadline:
            print(
                f"  the CPUs are still {busy:.0%} busy after {QUIET_WAIT_S:.0f} s: "
                "running Lighthouse anyway",
                file=sys.stderr,
            )
            return busy


def run_lighthouse(url: str, chromium: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": chromium}
    busy_before = wait_until_quiet()
    start = CpuTimes.read()
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            f"--chrome-flags={CHROMIUM_FLAGS}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    end = CpuTimes.read()
    if result.returncode != 0 or not out.is_file():
        sys.exit(f"Lighthouse failed on {url}:\n{result.stdout}\n{result.stderr}")
    report = json.loads(out.read_text(encoding="utf-8"))
    scores = {key: round(cat["score"] * 100) for key, cat in report["categories"].items()}
    failing = {}
    for key, category in report["categories"].items():
        failing[key] = [
            ref["id"]
            for ref in category["auditRefs"]
            if ref["weight"] > 0
            and (audit := report["audits"][ref["id"]])["scoreDisplayMode"]
            in ("binary", "numeric", "metricSavings")
            and audit["score"] is not None
            and audit["score"] < 1
        ]
    metrics = {
        name: round(report["audits"][name]["numericValue"])
        for name in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "speed-index",
        )
    }
    metrics["cumulative-layout-shift"] = round(
        report["audits"]["cumulative-layout-shift"]["numericValue"], 3
    )
    machine = {"benchmark_index": round(report["environment"]["benchmarkIndex"])}
    if busy_before is not None and start is not None and end is not None:
        machine["busy_before"] = round(busy_before, 3)
        machine["steal_during"] = round(end.shares_since(start)[1], 3)
    return {"scores": scores, "failing_audits": failing, "metrics": metrics, "machine": machine}


def median_run(reports: list[dict], category: str) -> dict:
    """The run whose score in ``category`` is the median (the lower one of an even count)."""
    ranked = sorted(
        reports,
        key=lambda r: (r["scores"][category], -r["metrics"]["total-blocking-time"]),
    )
    return ranked[(len(ranked) - 1) // 2]


def measure_lighthouse(url: str, chromium: str, runs: int, workdir: Path) -> dict:
    reports = [run_lighthouse(url, chromium, workdir / f"lh-{i}.json") for i in range(runs)]
    medians = {key: median_run(reports, key) for key in reports[0]["scores"]}
    return {
        "scores": {key: run["scores"][key] for key, run in medians.items()},
        "runs": [
            {**r["scores"], "tbt_ms": r["metrics"]["total-blocking-time"], **r["machine"]}
            for r in reports
        ],
        # Each category's audits, and the metrics, of the run with its median score.
        "failing_audits": {key: run["failing_audits"][key] for key, run in medians.items()},
        "metrics": medians["performance"]["metrics"],
    }


# --------------------------------------------------------------------------
# axe-core


def measure_axe(browser, site_url: str, pages: list[str]) -> dict:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    results: dict[str, dict[str, list[str]]] = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for path in pages:
            page.goto(site_url + path)
            page.wait_for_load_state("networkidle")
            # As tests/site/test_accessibility.py: axe measures what overlaps
            # what, so it waits until lazy-blocks.js has given each block its height.
            page.wait_for_selector("html[data-blocks-sized]", state="attached")
            response = axe.run(page)
            violations = [f"{v['id']} ({len(v['nodes'])})" for v in response.response["violations"]]
            results.setdefault(path or "/", {})[scheme] = violations
        context.close()
    total = sum(len(v) for schemes in results.values() for v in schemes.values())
    return {"violations": total, "pages": results}


# --------------------------------------------------------------------------
# Budgets, table and JSON


@dataclass
class Row:
    label: str
    value: str
    budget: str = ""
    passed: bool | None = None


def machine_summary(runs: list[dict]) -> str:
    """What the Lighthouse runs ran on: CPU speed, and how busy the machine was."""

    def spread(key: str, scale: float = 1, digits: int = 0, unit: str = "") -> str:
        values = [r[key] * scale for r in runs if key in r]
        if not values:
            return "n/a"
        return f"{min(values):.{digits}f}-{max(values):.{digits}f}{unit}"

    return (
        f"benchmarkIndex {spread('benchmark_index')}, "
        f"CPUs busy before {spread('busy_before', 100, 1, ' %')}, "
        f"steal during {spread('steal_during', 100, 1, ' %')}"
    )


def kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def git_state() -> dict:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def loop_rows(data: dict) -> list[Row]:
    """The rows of `make check` and `make test`."""
    rows: list[Row] = []
    if "check" in data:
        check = data["check"]
        rows.append(
            Row(
                "make check, warm",
                f"{check['seconds']:.0f} s: {check['summary']}",
                f"<= {CHECK_BUDGET_S:.0f} s, passes",
                check["exit_code"] == 0 and check["seconds"] <= CHECK_BUDGET_S,
            )
        )
    if "tests" in data:
        tests = data["tests"]
        rows.append(
            Row(
                "Full test suite (pytest)",
                f"{tests['seconds']:.0f} s: {tests['summary']}",
                "passes",
                tests["exit_code"] == 0,
            )
        )
    return rows


def build_rows(data: dict) -> list[Row]:
    rows: list[Row] = []
    build = data["build"]
    rows.append(
        Row(
            "Cold build, --strict, notebook not executed",
            f"{build['without_notebook_s']:.1f} s",
            f"<= {COLD_BUILD_BUDGET_S:.0f} s",
            build["without_notebook_s"] <= COLD_BUILD_BUDGET_S,
        )
    )
    rows.append(Row("Cold build, --strict, notebook executed", f"{build['with_notebook_s']:.1f} s"))
    rows.append(Row("  of which the notebook's execution", f"{build['notebook_s']:.1f} s"))
    if "serve_rebuild" in data:
        serve = data["serve_rebuild"]
        rows.append(Row("mkdocs serve: start to first page", f"{serve['startup_s']:.1f} s"))
        runs = ", ".join(f"{t:.2f}" for t in serve["runs_s"])
        rows.append(
            Row("mkdocs serve: save .md to rebuilt page", f"{serve['median_s']:.2f} s ({runs})")
        )
    rows += loop_rows(data)
    for name, info in data["pages"].items():
        weight = info["weight"]
        is_chapter = name == "chapter"
        rows.append(
            Row(
                f"{name}: cold load, requests / raw / gzip",
                f"{weight['requests']} / {kb(weight['raw'])} / {kb(weight['gzip'])}",
                f"<= {CHAPTER_GZIP_BUDGET_KB} KB gzip" if is_chapter else "",
                weight["gzip"] <= CHAPTER_GZIP_BUDGET_KB * 1000 if is_chapter else None,
            )
        )
        for kind, part in weight["by_kind"].items():
            if part["requests"]:
                rows.append(
                    Row(
                        f"  {kind}",
                        f"{part['requests']} / {kb(part['raw'])} / {kb(part['gzip'])}",
                    )
                )
        if "lighthouse" in info:
            lighthouse = info["lighthouse"]
            for key, minimum in LIGHTHOUSE_BUDGET.items():
                score = lighthouse["scores"][key]
                failing = lighthouse["failing_audits"].get(key) or []
                note = f" (short: {', '.join(failing)})" if failing and score < 100 else ""
                if len(lighthouse["runs"]) > 1 and key == "performance":
                    note = f" (runs {', '.join(str(r[key]) for r in lighthouse['runs'])})" + note
                rows.append(
                    Row(
                        f"{name}: Lighthouse {key}",
                        f"{score}{note}",
                        f">= {minimum}",
                        score >= minimum,
                    )
                )
            metrics = lighthouse["metrics"]
            rows.append(
                Row(
                    f"{name}: FCP / LCP / TBT / CLS",
                    f"{metrics['first-contentful-paint']} ms / "
                    f"{metrics['largest-contentful-paint']} ms / "
                    f"{metrics['total-blocking-time']} ms / {metrics['cumulative-layout-shift']}",
                )
            )
            rows.append(Row(f"{name}: Lighthouse runs on", machine_summary(lighthouse["runs"])))
    axe = data["axe"]
    for path, schemes in axe["pages"].items():
        for scheme, violations in schemes.items():
            rows.append(
                Row(
                    f"axe-core {path} ({scheme})",
                    ", ".join(violations) if violations else "0 violations",
                    "0",
                    not violations,
                )
            )
    return rows


def print_table(rows: list[Row]) -> None:
    width = max(len(r.label) for r in rows)
    value_width = min(max(len(r.value) for r in rows), 80)
    budget_width = max(len(r.budget) for r in rows)
    header = f"{'Measure':<{width}}  {'Value':<{value_width}}  {'Budget':<{budget_width}}  Result"
    print(header)
    print("-" * len(header))
    for r in rows:
        result = "" if r.passed is None else ("pass" if r.passed else "FAIL")
        print(f"{r.label:<{width}}  {r.value:<{value_width}}  {r.budget:<{budget_width}}  {result}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-tests", action="store_true", help="do not time the test suite")
    parser.add_argument("--skip-serve", action="store_true", help="do not time mkdocs serve")
    parser.add_argument(
        "--loops-only", action="store_true", help="time only `make check` and `make test`"
    )
    parser.add_argument("--skip-lighthouse", action="store_true", help="do not run Lighthouse")
    parser.add_argument("--lighthouse-runs", type=int, default=3, metavar="N")
    parser.add_argument("--serve-runs", type=int, default=3, metavar="N")
    parser.add_argument(
        "--chromium", help="the Chromium to use (default: the one `make test` finds or installs)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Ctrl-C and SIGTERM unwind through the `finally` blocks that restore files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        chromium = args.chromium or chromium_path(install=True)
    except ChromiumNotFoundError as error:
        sys.exit(str(error))
    if not args.skip_lighthouse and not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm ci --prefix tests/benchmarks`.")
    data: dict = {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git": git_state(),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
    }
    if args.loops_only:
        print("Timing make check (warm) and make test...", file=sys.stderr)
        data["check"] = measure_check()
        data["tests"] = measure_tests(chromium)
        rows = loop_rows(data)
        print_table(rows)
        return 0 if all(r.passed is not False for r in rows) else 1
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        workdir = Path(tmp)
        print("Building (cold, without and with the notebook)...", file=sys.stderr)
        without = timed_build(workdir / "site-plain", execute_notebook=False)
        site_dir = workdir / "site"
        with_notebook = timed_build(site_dir, execute_notebook=True)
        data["build"] = {
            "without_notebook_s": round(without, 2),
            "with_notebook_s": round(with_notebook, 2),
            "notebook_s": round(max(with_notebook - without, 0.0), 2),
        }
        if not args.skip_serve:
            print("Timing mkdocs serve's rebuild...", file=sys.stderr)
            data["serve_rebuild"] = measure_serve_rebuild(args.serve_runs)
        if not args.skip_tests:
            print("Timing make check (warm) and the test suite...", file=sys.stderr)
            data["check"] = measure_check()
            data["tests"] = measure_tests(chromium)

        from playwright.sync_api import sync_playwright

        # As a static host serves it: under its path, gzip for text, cache headers.
        hosted = serve(
            site_dir, prefix=published_prefix(site_dir), compress=True, max_age=CACHE_MAX_AGE
        )
        with hosted as site_url, sync_playwright() as playwright:
            browser = launch(playwright, chromium)
            data["pages"] = {}
            for name, path in PAGES.items():
                print(f"Measuring {name} ({path})...", file=sys.stderr)
                info: dict = {"path": path, "weight": measure_weight(browser, site_url + path)}
                if not args.skip_lighthouse:
                    info["lighthouse"] = measure_lighthouse(
                        site_url + path, chromium, args.lighthouse_runs, workdir
                    )
                data["pages"][name] = info
            print("Running axe-core on every page...", file=sys.stderr)
            data["axe"] = measure_axe(browser, site_url, site_pages(site_dir))
            browser.close()

    rows = build_rows(data)
    data["budgets"] = [
        {"measure": r.label, "value": r.value, "budget": r.budget, "pass": r.passed}
        for r in rows
        if r.passed is not None
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = data["timestamp"].replace(":", "").replace("-", "")
    text = json.dumps(data, indent=2) + "\n"
    (RESULTS / f"site-{stamp}.json").write_text(text, encoding="utf-8")
    (RESULTS / "latest.json").write_text(text, encoding="utf-8")
    print()
    print_table(rows)
    print(f"\nFigures: {(RESULTS / f'site-{stamp}.json').relative_to(ROOT)}")
    missed = [b for b in data["budgets"] if not b["pass"]]
    print("All budgets met." if not missed else f"{len(missed)} budget(s) missed.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
