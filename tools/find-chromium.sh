#!/usr/bin/env bash
# Print the path of a Chromium for the browser tests, installing one if needed.
# Order: $CHROMIUM; a system Chromium or Chrome; Playwright's own download
# (works where its CDN is reachable, e.g. GitHub Actions); Debian's package.
set -euo pipefail

found() { echo "$1"; exit 0; }

if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then found "$CHROMIUM"; fi
for name in chromium chromium-browser google-chrome-stable google-chrome; do
  path=$(command -v "$name" 2>/dev/null || true)
  # Ubuntu's chromium-browser is a stub that asks for a snap: skip it.
  if [ -n "$path" ] && "$path" --version >/dev/null 2>&1; then found "$path"; fi
done

here=$(cd "$(dirname "$0")/.." && pwd)
playwright_chromium() {
  "$here/.venv/bin/python" - <<'PY' 2>/dev/null
from playwright.sync_api import sync_playwright
import os
with sync_playwright() as p:
    path = p.chromium.executable_path
    print(path if os.path.exists(path) else "")
PY
}

path=$(playwright_chromium || true)
[ -n "$path" ] && found "$path"

echo "No Chromium found: trying Playwright's download, then Debian's package." >&2
if "$here/.venv/bin/python" -m playwright install chromium >&2 2>/dev/null; then
  path=$(playwright_chromium || true)
  [ -n "$path" ] && found "$path"
fi
if command -v apt-get >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >&2
  found "$(command -v chromium)"
fi
echo "Could not find or install Chromium; set CHROMIUM=/path/to/chromium." >&2
exit 1
