"""A small raw-socket HTTP server for hardening tests: it answers with exactly the bytes a
test gives it (wrong lengths, bombs, drips, resets), which no well-behaved server would."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from typing import Callable, List, Optional, Tuple

Handler = Callable[[socket.socket, "Request"], None]


class Request:
    def __init__(self, head: bytes, body: bytes) -> None:
        self.head = head
        self.body = body
        lines = head.decode("latin-1").split("\r\n")
        self.method, self.target, _ = [*lines[0].split(" ", 2), "", ""][:3]
        self.headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                self.headers[name.strip().lower()] = value.strip()


class HostileServer:
    """Serves each connection on a thread: reads requests, hands them to ``handler``."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: List[Request] = []
        self.accepted = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closing = False
        self._threads: List[threading.Thread] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closing:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.accepted += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        buffer = b""
        try:
            while True:
                request, buffer = _read_request(conn, buffer)
                if request is None:
                    return
                self.requests.append(request)
                self.handler(conn, request)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        self._closing = True
        self._sock.close()

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_request(conn: socket.socket, buffer: bytes) -> Tuple[Optional[Request], bytes]:
    while b"\r\n\r\n" not in buffer:
        data = conn.recv(65536)
        if not data:
            return None, b""
        buffer += data
    head, buffer = buffer.split(b"\r\n\r\n", 1)
    request = Request(head, b"")
    length = int(request.headers.get("content-length", "0") or 0)
    while len(buffer) < length:
        data = conn.recv(65536)
        if not data:
            break
        buffer += data
    request.body, buffer = buffer[:length], buffer[length:]
    return request, buffer


def answer(status: int = 200, body: bytes = b"", headers: Optional[List[Tuple[str, str]]] = None) -> bytes:
    """A well-formed answer with Content-Length (unless the headers frame it otherwise)."""
    lines = [f"HTTP/1.1 {status} X"]
    names = {name.lower() for name, _ in headers or []}
    for name, value in headers or []:
        lines.append(f"{name}: {value}")
    if "content-length" not in names and "transfer-encoding" not in names:
        lines.append(f"Content-Length: {len(body)}")
    if "content-type" not in names:
        lines.append("Content-Type: application/json")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def chunked(body: bytes, size: int = 1000) -> bytes:
    """``body`` in chunked transfer coding."""
    out = b""
    for start in range(0, len(body), size):
        piece = body[start : start + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def reset(conn: socket.socket) -> None:
    """Close with a TCP reset (RST) rather than an orderly FIN."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()
