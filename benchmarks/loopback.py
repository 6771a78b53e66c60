"""A loopback HTTP server that answers canned bodies, run in its own process.

It does as little as an HTTP/1.1 server can: read the request head and body, pick the
canned answer for the method and path, write status line, headers and body in a single
``sendall``, keep the connection open. Every accepted connection is counted so the
connection-reuse check can ask for the count over the server's stdin/stdout.
"""

from __future__ import annotations

import os
import socket
import socketserver
import subprocess
import sys
import threading
from typing import Dict, Optional, Tuple

from benchmarks import payloads

__all__ = ["CannedServer", "canned_answers", "API_KEY_ID"]

API_KEY_ID = "ABCDEF0000000000"

Answer = Tuple[int, bytes]

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def canned_answers() -> Dict[Tuple[str, str], Answer]:
    """(method, route) -> (status, body); route is ``item`` or ``collection``."""
    key = payloads.dumps(payloads.api_key())
    return {
        ("GET", "collection"): (200, payloads.dumps(payloads.api_key_list(100))),
        ("GET", "item"): (200, key),
        ("POST", "collection"): (202, payloads.dumps(payloads.api_key(with_secret=True))),
        ("PATCH", "item"): (200, key),
        ("DELETE", "item"): (204, b""),
    }


_REASONS = {200: "OK", 202: "Accepted", 204: "No Content", 404: "Not Found"}


def _render(status: int, body: bytes) -> bytes:
    head = [f"HTTP/1.1 {status} {_REASONS[status]}", "X-Request-Id: 6c5a0e3e-bench"]
    if status != 204:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.accepts_lock:
            self.server.accepts += 1

    def handle(self) -> None:
        while True:
            request_line = self.rfile.readline(65537)
            if not request_line:
                return
            method, target, _ = request_line.decode("latin-1").split(" ", 2)
            length = 0
            while True:
                line = self.rfile.readline(65537)
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length:
                self.rfile.read(length)
            path = target.split("?", 1)[0].rstrip("/")
            route = "collection" if path.endswith("/api-keys") else "item"
            self.wfile.write(self.server.rendered.get((method, route), _NOT_FOUND))


_NOT_FOUND = _render(404, b'{"errors":[{"status":"404","detail":"no canned answer"}]}')


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.accepts = 0
        self.accepts_lock = threading.Lock()
        self.rendered = {route: _render(*answer) for route, answer in canned_answers().items()}


def main() -> None:
    """Serve until stdin closes; print the port, then answer each stdin line with the accept count."""
    server = _Server()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.5}, daemon=True).start()
    print(server.server_address[1], flush=True)
    for _ in sys.stdin:
        with server.accepts_lock:
            print(server.accepts, flush=True)
    server.shutdown()


class CannedServer:
    """``with CannedServer() as server:`` starts the server process; ``server.url``, ``server.accepts()``."""

    def __init__(self) -> None:
        self._process: Optional[subprocess.Popen[str]] = None
        self.url = ""

    def accepts(self) -> int:
        """Connections the server has accepted so far."""
        assert self._process is not None and self._process.stdin and self._process.stdout
        self._process.stdin.write("\n")
        self._process.stdin.flush()
        return int(self._process.stdout.readline())

    def __enter__(self) -> CannedServer:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.loopback"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=_ROOT,
        )
        assert self._process.stdout is not None
        self.url = f"http://127.0.0.1:{int(self._process.stdout.readline())}"
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


if __name__ == "__main__":
    main()
