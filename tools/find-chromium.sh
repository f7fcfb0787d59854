#!/usr/bin/env bash
# Print the path of a Chromium for the browser tests, installing one if needed.
# The search is tests/support/chromium.py's, the one the tests and benchmarks
# use: $CHROMIUM; a system Chromium or Chrome; Playwright's own download.
# If it finds none, install one: Playwright's download (works where its CDN is
# reachable, e.g. GitHub Actions), else Debian's package.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
search() { "$here/.venv/bin/python" "$here/tests/support/chromium.py"; }

if path=$(search); then echo "$path"; exit 0; fi

echo "No Chromium found: trying Playwright's download, then Debian's package." >&2
if "$here/.venv/bin/python" -m playwright install chromium >&2 2>/dev/null; then
  if path=$(search); then echo "$path"; exit 0; fi
fi
if command -v apt-get >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
  if path=$(search); then echo "$path"; exit 0; fi
fi
echo "Could not find or install Chromium; set CHROMIUM=/path/to/chromium." >&2
exit 1
