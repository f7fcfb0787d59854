"""Serve a directory on 127.0.0.1, on a free port, as a static host serves a site.

``serve(directory)`` is a context manager that yields the site's URL and
stops the server on exit. The server logs nothing, answers GET and HEAD, and
keeps connections alive (HTTP/1.1). Like a host such as GitHub Pages, it
serves the site under the path it is published at (``prefix``), redirects
``x`` to ``x/`` where ``x`` is a folder, serves ``x/index.html`` for ``x/``,
and answers anything else with the site's ``404.html`` (status 404). For the
benchmarks it also compresses text with gzip (``compress``) and sends
``Cache-Control: max-age`` (``max_age``), as a host does.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote, unquote, urlsplit

from tests.support.site import file_at

TEXT_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "application/manifest+json",
    "image/svg+xml",
)


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Serve a built site as a static host does (see the module's docstring)."""

    protocol_version = "HTTP/1.1"  # keep-alive, as a real host

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "application/javascript",
        ".mjs": "application/javascript",
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".woff": "font/woff",
        ".ipynb": "application/json",
        ".webmanifest": "application/manifest+json",
    }
    _gzipped: ClassVar[dict[tuple[Path, int], bytes]] = {}
    _lock = threading.Lock()

    def __init__(
        self, *args, prefix: str = "/", compress: bool = False, max_age: int | None = None, **kw
    ) -> None:
        # Set before the base class's __init__, which handles the request.
        self.prefix, self.compress, self.max_age = prefix, compress, max_age
        super().__init__(*args, **kw)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    def _serve(self, body: bool) -> None:
        root = Path(self.directory)
        path = unquote(urlsplit(self.path).path)
        folder = path.startswith(self.prefix) and (root / path[len(self.prefix) :]).is_dir()
        if not path.endswith("/") and (path + "/" == self.prefix or folder):
            self.send_response(301)
            self.send_header("Location", quote(path + "/"))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        target = file_at(root, path, self.prefix)
        if target is not None:
            self._send_file(target, 200, body)
        elif (root / "404.html").is_file():
            self._send_file(root / "404.html", 404, body)
        else:
            self.send_error(404)

    def _send_file(self, path: Path, status: int, body: bool) -> None:
        content_type = self.guess_type(str(path))
        data = path.read_bytes()
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        compressed = self.compress and accepts_gzip and content_type.startswith(TEXT_TYPES)
        if compressed:
            key = (path, path.stat().st_mtime_ns)
            with self._lock:
                if key not in self._gzipped:
                    self._gzipped[key] = gzip.compress(data, compresslevel=6, mtime=0)
                data = self._gzipped[key]
        if content_type.startswith("text/") or content_type == "application/javascript":
            content_type += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if self.max_age is not None:
            self.send_header("Cache-Control", f"public, max-age={self.max_age}")
        if self.compress:
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
        if compressed:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        if body:
            self.wfile.write(data)


class QuietServer(http.server.ThreadingHTTPServer):
    """Lets a client hang up mid-response, as a browser does when a page moves on."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(
    directory: Path, *, prefix: str = "/", compress: bool = False, max_age: int | None = None
) -> Iterator[str]:
    """Serve ``directory`` under ``prefix`` on 127.0.0.1; yield the URL of ``prefix``."""
    handler = functools.partial(
        StaticHandler, directory=str(directory), prefix=prefix, compress=compress, max_age=max_age
    )
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
