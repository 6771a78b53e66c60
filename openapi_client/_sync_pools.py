"""The sync transport's urllib3 pools: made from the configuration's TLS and proxy settings,
their connections reading an answer's head within the call's deadline (given to each
attempt as an ``urlopen`` keyword, no thread-local) and skipping interim 1xx answers."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from typing import Any, Dict, Optional, Tuple
from urllib.parse import unquote

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import make_headers, parse_url

from openapi_client.configuration import Configuration

__all__ = ["OWN_POOLS", "new_manager", "pool_args", "with_final_responses"]


class _FinalResponse(http.client.HTTPResponse):
    """http.client's response, with two changes to how the status line and headers are read:
    interim 1xx answers (103 Early Hints, ...) are skipped until the final one (http.client
    itself skips only ``100 Continue``), at most :data:`_MAX_INTERIM` of them, and reading
    them obeys the call's deadline, so a server dripping its head (a byte at a time, a line
    every so often, or interim answers without end) cannot hold a call past it."""

    def __init__(self, sock: socket.socket, *args: Any, deadline: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self._sock = sock
        self._deadline = deadline
        self._interim = 0

    def begin(self) -> None:
        deadline = self._deadline
        if deadline is None or self.fp is None:
            super().begin()
            return
        # The common case: the first read (bounded by the socket timeout, already cut to the
        # deadline) brought the whole head of a final answer, so reading its lines cannot wait
        # on the network and needs no watching.
        if _is_whole_final_head(self.fp.peek(1)):
            super().begin()
            return
        original, timeout = self.fp, self._sock.gettimeout()
        self.fp = _DeadlineLines(original, self._sock, deadline, timeout)  # type: ignore[assignment]
        try:
            super().begin()
        finally:
            if self.fp is not None:
                self.fp = original
                self._sock.settimeout(timeout)

    def _read_status(self) -> Tuple[str, int, str]:
        while True:
            version, status, reason = super()._read_status()  # type: ignore[misc]
            if not 100 <= status < 200 or status == 101:
                return version, status, reason
            self._interim += 1
            if self._interim > _MAX_INTERIM:
                raise http.client.HTTPException(f"more than {_MAX_INTERIM} interim (1xx) answers")
            http.client.parse_headers(self.fp)  # the interim answer's headers, dropped


_MAX_INTERIM = 32
"""Interim answers skipped before one request's final answer; a server sending more is broken."""


def _is_whole_final_head(head: bytes) -> bool:
    """Whether ``head`` (what is buffered) holds a whole answer head whose status line, read
    the way http.client reads it (fields split on runs of whitespace), is a final status."""
    if b"\r\n\r\n" not in head or not head.startswith(b"HTTP/"):
        return False
    fields = head[: head.find(b"\n")].split(None, 2)
    return len(fields) >= 2 and len(fields[1]) == 3 and fields[1].isdigit() and fields[1][:1] not in b"01"


class _DeadlineLines:
    """The lines of a response head, read from a buffered socket file without passing a
    deadline: before each line, and before each network read, the time left is checked and
    the socket timeout cut to it (a line already buffered is no exception: a server sending
    whole lines slowly, or interim answers without end, meets the deadline all the same)."""

    __slots__ = ("_deadline", "_file", "_sock", "_timeout")

    def __init__(self, file: Any, sock: socket.socket, deadline: float, timeout: Optional[float]) -> None:
        self._file = file
        self._sock = sock
        self._deadline = deadline
        self._timeout = timeout

    def readline(self, limit: int = -1) -> bytes:
        line = bytearray()
        while limit < 0 or len(line) < limit:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("the call's time budget ran out while the answer's headers arrived")
            self._sock.settimeout(remaining if self._timeout is None else min(remaining, self._timeout))
            buffered = self._file.peek(1)
            if not buffered:
                break
            newline = buffered.find(b"\n")
            take = len(buffered) if newline < 0 else newline + 1
            if limit >= 0:
                take = min(take, limit - len(line))
            line += self._file.read(take)
            if line.endswith(b"\n"):
                break
        return bytes(line)

    def close(self) -> None:
        self._file.close()


class _DeadlineConnection:
    """What this module's connections add: the deadline of the call they carry now (set
    by their pool before each attempt), handed to the answer they read."""

    deadline: Optional[float] = None

    # http.client makes the answer by calling ``self.response_class(sock, method=...)``.
    def response_class(self, sock: socket.socket, *args: Any, **kwargs: Any) -> _FinalResponse:
        return _FinalResponse(sock, *args, deadline=self.deadline, **kwargs)


class _HTTPConnection(_DeadlineConnection, HTTPConnection):  # type: ignore[misc]  # response_class: a method, not a class
    pass


class _HTTPSConnection(_DeadlineConnection, HTTPSConnection):  # type: ignore[misc]  # response_class: a method, not a class
    pass


class _DeadlinePool:
    """What this module's pools add: ``urlopen(..., deadline=...)`` (urllib3 hands extra
    keywords to ``_make_request``) sets the call's deadline on the connection it sends on."""

    def _make_request(self, conn: Any, *args: Any, deadline: Optional[float] = None, **kwargs: Any) -> Any:
        conn.deadline = deadline
        return super()._make_request(conn, *args, **kwargs)  # type: ignore[misc]


class _HTTPPool(_DeadlinePool, HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(_DeadlinePool, HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


def pool_args(configuration: Configuration) -> Dict[str, Any]:
    args: Dict[str, Any] = {
        "maxsize": configuration.connection_pool_maxsize,
        "block": False,
        "cert_reqs": ssl.CERT_REQUIRED if configuration.verify_ssl else ssl.CERT_NONE,
        "ca_certs": configuration.ssl_ca_cert,
        "cert_file": configuration.cert_file,
        "key_file": configuration.key_file,
    }
    if configuration.assert_hostname is not None:
        args["assert_hostname"] = configuration.assert_hostname
    if configuration.tls_server_name:
        args["server_hostname"] = configuration.tls_server_name
    return args


def new_manager(args: Dict[str, Any], proxy: Optional[str] = None, headers: Optional[Dict[str, str]] = None) -> Any:
    manager: urllib3.PoolManager
    if proxy:
        manager = urllib3.ProxyManager(proxy_url=proxy, proxy_headers=_with_proxy_authorization(proxy, headers), **args)
    else:
        manager = urllib3.PoolManager(**args)
    return with_final_responses(manager)


def _with_proxy_authorization(proxy: str, headers: Optional[Dict[str, str]]) -> Optional[Dict[str, str]]:
    """``headers`` for ``proxy``, with the ``Proxy-Authorization`` its ``user:password@`` part
    makes (Basic, of the percent-decoded user and password), as aiohttp, requests and curl
    send it: urllib3's ``ProxyManager`` sends none for a URL's user-info. A
    ``Proxy-Authorization`` in ``headers`` is kept as given."""
    auth = parse_url(proxy).auth
    if not auth or any(name.lower() == "proxy-authorization" for name in headers or ()):
        return headers
    user, _, password = auth.partition(":")
    return {**(headers or {}), **make_headers(proxy_basic_auth=f"{unquote(user)}:{unquote(password)}")}


def with_final_responses(manager: urllib3.PoolManager) -> urllib3.PoolManager:
    """``manager``, its new pools made of connections that skip interim answers and read an
    answer's head within the call's deadline (:class:`_FinalResponse`). Only urllib3's stock
    pool classes are replaced; a manager with pool classes of its own keeps them."""
    if manager.pool_classes_by_scheme == _STOCK_POOLS:
        manager.pool_classes_by_scheme = dict(OWN_POOLS)
    return manager


_STOCK_POOLS = {"http": HTTPConnectionPool, "https": HTTPSConnectionPool}
OWN_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}
