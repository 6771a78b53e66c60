"""The HTTP layer: a threaded standard-library server speaking keep-alive HTTP/1.1.

Each response is written with a single ``write`` (status line, headers and body at once)
on a socket with ``TCP_NODELAY``: split writes would let the client's delayed ACK add
tens of milliseconds to every request.

One bad client cannot exhaust it: a connection idle (or dripping a request) for longer
than ``idle_timeout`` is closed, at most ``max_connections`` are served at once (one
thread each; past the cap a new connection is answered 503 at once and closed), and every
request, however malformed, gets a ``Failure`` answer with an ``X-Request-Id``.
"""

from __future__ import annotations

import contextlib
import math
import re
import selectors
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Set, Tuple
from urllib.parse import parse_qs, urlsplit

from openapi_client.testing._admin import is_admin_path
from openapi_client.testing._app import Application, Request, Response
from openapi_client.testing._errors import EmulatorError, failure_json
from openapi_client.testing._faults import DELAY, DROP, FAIL, Fault, FaultQueue
from openapi_client.testing._recording import RequestLog

__all__ = ["EmulatorServer", "ServerLimits"]

MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ServerLimits:
    """How long a connection may sit idle and how many may be served at once."""

    idle_timeout: float = 5.0
    max_connections: int = 512

    def __post_init__(self) -> None:
        if not (math.isfinite(self.idle_timeout) and self.idle_timeout > 0):
            raise ValueError(f"idle_timeout must be a positive number of seconds, got {self.idle_timeout}")
        if self.max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, got {self.max_connections}")


class EmulatorServer(ThreadingHTTPServer):
    """A ``ThreadingHTTPServer`` that tracks its connections so ``stop`` can close them."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024

    def __init__(
        self,
        address: Tuple[str, int],
        app: Application,
        faults: FaultQueue,
        log: RequestLog,
        limits: Optional[ServerLimits] = None,
        admin: Optional[Callable[[Request, str], Response]] = None,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.app = app
        self.admin = admin
        self.faults = faults
        self.log = log
        self.limits = limits or ServerLimits()
        self._connections: Set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.connections_accepted = 0
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._stopping = False
        super().__init__(address, _RequestHandler)

    def serve_until_stopped(self) -> None:
        """Accept connections until :meth:`stop_serving`, which wakes the loop at once.

        ``serve_forever`` would notice a shutdown only at its next poll; waking the
        selector through a socket pair makes stopping immediate.
        """
        with selectors.DefaultSelector() as selector:
            selector.register(self, selectors.EVENT_READ)
            selector.register(self._wake_reader, selectors.EVENT_READ)
            while not self._stopping:
                for key, _ in selector.select():
                    if key.fileobj is self and not self._stopping:
                        self.handle_request()

    def stop_serving(self) -> None:
        """Make :meth:`serve_until_stopped` return."""
        self._stopping = True
        self._wake_writer.send(b"x")

    def server_close(self) -> None:
        super().server_close()
        self._wake_reader.close()
        self._wake_writer.close()

    def get_request(self) -> Tuple[socket.socket, Any]:
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._connections_lock:
            self._connections.add(connection)
            self.connections_accepted += 1
        return connection, address

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            over_cap = len(self._connections) > self.limits.max_connections
        if not over_cap:
            super().process_request(request, client_address)
            return
        # Refused in the accepting thread without waiting on the client: never blocks for long.
        with contextlib.suppress(OSError):
            request.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                request.recv(65536)
            request.settimeout(0.5)
            request_id = str(uuid.uuid4())
            detail = f"The emulator is serving its maximum of {self.limits.max_connections} connections; retry later."
            body = failure_json(503, "service_unavailable", detail, request_id)
            request.sendall(
                _head(
                    [
                        "HTTP/1.1 503 Service Unavailable",
                        f"X-Request-Id: {request_id}",
                        "Content-Type: application/json",
                        f"Content-Length: {len(body)}",
                        "Retry-After: 1",
                        "Connection: close",
                    ]
                )
                + body
            )
        self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (a timeout test, a stopped emulator) is routine,
        # not worth a traceback; anything else is still reported.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open keep-alive connection (their handler threads then finish)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    """Reads one request at a time from a connection and answers it (or a fault)."""

    protocol_version = "HTTP/1.1"
    server: EmulatorServer

    def setup(self) -> None:
        super().setup()
        # A connection idle (or trickling a request) for this long is closed.
        self.connection.settimeout(self.server.limits.idle_timeout)
        self._in_request = False

    def handle_one_request(self) -> None:
        # Wait for the first byte here, so that a timeout can tell an idle connection (closed
        # quietly) from a request that stalled half-way (answered 408).
        self.command = None  # type: ignore[assignment]  # as http.server does before parsing
        try:
            first = self.rfile.peek(1)[:1]  # type: ignore[attr-defined]
            # Empty lines before a request line are to be ignored (RFC 9112 §2.2); a few are.
            for _ in range(8):
                if first not in (b"\r", b"\n"):
                    break
                self.rfile.read(1)
                first = self.rfile.peek(1)[:1]  # type: ignore[attr-defined]
        except (TimeoutError, OSError):
            self.close_connection = True
            return
        if not first:
            self.close_connection = True
            return
        if first == b"\x16":
            # A TLS handshake: its bytes hold no line end, so reading a request line would only stall.
            self.send_error(400, "This emulator speaks plain HTTP; the request looks like a TLS handshake.")
            return
        self._in_request = True
        idle_timeout = self.server.limits.idle_timeout
        reader = self.rfile
        # From its first byte, the whole request (line, headers, body) must arrive within
        # idle_timeout: a client trickling a byte at a time cannot hold the thread longer.
        self.rfile = _DeadlineReader(reader, self.connection, time.monotonic() + idle_timeout)  # type: ignore[assignment]
        try:
            super().handle_one_request()
        finally:
            self._in_request = False
            self.rfile = reader
            with contextlib.suppress(OSError):
                self.connection.settimeout(idle_timeout)

    def log_error(self, format: str, *args: Any) -> None:
        """http.server reports a read that timed out through here: answer it if a request had begun."""
        if format.startswith("Request timed out") and self._in_request:
            self._in_request = False
            with contextlib.suppress(OSError):
                self.send_error(408, "The request was not received in full before the idle timeout.")

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request line on stderr."""

    def __getattr__(self, name: str) -> Callable[[], None]:
        # http.server looks up ``do_<METHOD>``; every method token reaches the router, which
        # answers 405 (with Allow) for methods the API does not use, rather than a bare 501.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        """Answer protocol-level errors (a bad request line, an unsupported version) with a Failure too."""
        code = int(code)  # http.server passes HTTPStatus members, whose str() varies by version
        self.close_connection = True
        request_id = str(uuid.uuid4())
        detail = explain or message or HTTPStatus(code).phrase
        body = b"" if self.command == "HEAD" else failure_json(code, None, detail, request_id)
        self._write(Response(code, body), request_id)

    def _serve(self) -> None:
        request_id = str(uuid.uuid4())
        try:
            self._serve_one(request_id)
        except OSError:
            raise  # the client went away: nothing to answer
        except Exception as exc:  # a bug must answer 500, not kill the connection unanswered
            self.close_connection = True
            detail = f"Emulator error: {type(exc).__name__}"
            self._write(Response(500, failure_json(500, "internal_error", detail, request_id)), request_id)

    def _serve_one(self, request_id: str) -> None:
        started = time.monotonic()
        headers: Dict[str, str] = dict(self.headers.items())
        try:
            parts = urlsplit(self.path)
            path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
            if not path.startswith("/"):
                raise ValueError("not an origin-form target")
        except ValueError:
            # e.g. ``GET http://[::1/...``: refused before anything else is read.
            self.close_connection = True
            error = EmulatorError(400, "malformed_request", "The request target is not a valid path.")
            response = Response(error.status, error.to_json(request_id))
            self._finish(response, request_id, Request(self.command, "", {}, headers, b""))
            return
        try:
            body = self._read_body()
        except EmulatorError as exc:
            # The body was not read, so what follows on the connection cannot be trusted.
            self.close_connection = True
            response = Response(exc.status, exc.to_json(request_id))
            self._finish(response, request_id, Request(self.command, path, query, headers, b""))
            return
        request = Request(self.command, path, query, headers, body, str(self.client_address[0]))
        if self.server.admin is not None and is_admin_path(path):
            # Test controls: not recorded, never faulted or rate-limited.
            self._write(self.server.admin(request, request_id), request_id)
            return
        fault = self.server.faults.take(self.command, path)
        if fault is not None and fault.kind == DROP:
            self.close_connection = True
            self._record(request, None)
            return
        if fault is not None and fault.kind == DELAY:
            time.sleep(max(0.0, fault.seconds - (time.monotonic() - started)))
            fault = None
        if fault is None:
            try:
                response = self.server.app.handle(request, request_id)
            except Exception as exc:  # a bug must answer 500, not kill the connection
                response = Response(500, failure_json(500, "internal_error", f"Emulator error: {exc!r}", request_id))
        elif fault.kind == FAIL:
            response = _failure_for(fault, request_id, self.server.app.limiter.budget)
        else:
            self._finish_raw(fault, request_id, request)
            return
        self._finish(response, request_id, request)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise EmulatorError(411, "length_required", "Send the body with a Content-Length, not chunked.")
        lengths = self.headers.get_all("Content-Length") or []
        if len({value.strip() for value in lengths}) > 1:
            raise EmulatorError(400, "malformed_request", "The request has conflicting Content-Length headers.")
        length_header = lengths[0] if lengths else None
        if length_header is None:
            return b""
        if not re.fullmatch(r"[0-9]{1,15}", length_header.strip()):
            raise EmulatorError(400, "malformed_request", f"Invalid Content-Length {length_header!r}.")
        length = int(length_header)
        if length > MAX_BODY_BYTES:
            raise EmulatorError(413, "payload_too_large", f"The body is over {MAX_BODY_BYTES} bytes.")
        return self.rfile.read(length)

    def _record(self, request: Request, status: Optional[int]) -> None:
        # Called before answering: once the client has its answer, the log must show it.
        self.server.log.record(
            request.method, request.path, request.query, request.headers, request.body, status, self.path
        )

    def _finish(self, response: Response, request_id: str, request: Request) -> None:
        self._record(request, response.status)
        self._write(response, request_id)

    def _finish_raw(self, fault: Fault, request_id: str, request: Request) -> None:
        length = len(fault.body) if fault.declared_length is None else fault.declared_length
        if length != len(fault.body):
            # The client must see the body end early, so the connection cannot be reused.
            self.close_connection = True
        lines = [
            f"HTTP/1.1 {fault.status} {_phrase(fault.status)}",
            f"Date: {self.date_time_string()}",
            f"X-Request-Id: {request_id}",
            f"Content-Type: {fault.content_type}",
            f"Content-Length: {length}",
            *(f"{name}: {value}" for name, value in fault.headers),
        ]
        if self.close_connection:
            lines.append("Connection: close")
        self._record(request, fault.status)
        self.connection.settimeout(self.server.limits.idle_timeout)
        self.wfile.write(_head(lines) + fault.body)

    def _write(self, response: Response, request_id: str) -> None:
        self.connection.settimeout(self.server.limits.idle_timeout)  # not what was left of the request's
        lines = [
            f"HTTP/1.1 {response.status} {_phrase(response.status)}",
            f"Date: {self.date_time_string()}",
            f"X-Request-Id: {request_id}",
        ]
        if response.status != 204:
            lines.append(f"Content-Type: {response.content_type}")
            lines.append(f"Content-Length: {len(response.body)}")
        lines.extend(f"{name}: {value}" for name, value in response.headers)
        if self.close_connection:
            lines.append("Connection: close")
        without_body = response.status == 204 or self.command == "HEAD"
        self.wfile.write(_head(lines) + (b"" if without_body else response.body))


class _DeadlineReader:
    """A connection's buffered reader for one request: before each network read the socket
    timeout is cut to the time left until ``deadline``, and past it reads raise
    ``socket.timeout`` (which http.server, and the handler, answer 408)."""

    __slots__ = ("_deadline", "_file", "_sock")

    def __init__(self, file: Any, sock: socket.socket, deadline: float) -> None:
        self._file = file
        self._sock = sock
        self._deadline = deadline

    def _wait(self) -> None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            # socket.timeout, not the builtin: before Python 3.10 they differ, and http.server
            # answers (408) only the former.
            raise socket.timeout("the request took longer than idle_timeout to arrive")
        self._sock.settimeout(left)

    def readline(self, limit: int = -1) -> bytes:
        line = bytearray()
        while limit < 0 or len(line) < limit:
            self._wait()
            buffered = self._file.peek(1)
            if not buffered:
                break
            end = buffered.find(b"\n")
            take = len(buffered) if end < 0 else end + 1
            if limit >= 0:
                take = min(take, limit - len(line))
            line += self._file.read(take)
            if line.endswith(b"\n"):
                break
        return bytes(line)

    def read(self, size: int = -1) -> bytes:
        data = bytearray()
        while size < 0 or len(data) < size:
            self._wait()
            piece = self._file.read1(65536 if size < 0 else size - len(data))
            if not piece:
                break
            data += piece
        return bytes(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


def _failure_for(fault: Fault, request_id: str, budget: int) -> Response:
    """The answer of a ``fail_next`` fault: a Failure body plus rate-limit headers on 429."""
    defaults: List[Tuple[str, str]] = []
    if fault.retry_after is not None:
        defaults.append(("Retry-After", _seconds(fault.retry_after)))
    if fault.status == 429:
        reset = _seconds(fault.retry_after) if fault.retry_after is not None else "0"
        defaults += [("X-RateLimit-Limit", str(budget)), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset)]
    overridden = {name.lower() for name, _ in fault.headers}
    headers = [(name, value) for name, value in defaults if name.lower() not in overridden] + fault.headers
    detail = f"Injected failure: the emulator was told to answer {fault.status}."
    return Response(fault.status, failure_json(fault.status, None, detail, request_id), headers)


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(math.ceil(value))


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _head(lines: List[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
