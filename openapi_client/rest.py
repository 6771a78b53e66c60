"""The sync transport: urllib3 does the I/O, :mod:`openapi_client.call` decides everything else.

urllib3 is asked for one attempt at a time (no retries, no redirects, no decoding); the
loop here sleeps and re-sends as the :class:`~openapi_client.call.CallPlan` says, and reads
bodies in small pieces through a :class:`~openapi_client.response_body.BodyDecoder`,
shrinking the socket timeout to what is left of the call's deadline before each piece.
"""

from __future__ import annotations

import http.client
import io
import logging
import socket
import ssl
import threading
import time
from typing import Any, Dict, Iterator, Mapping, Optional, Tuple, Union

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProxyError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util.retry import Retry

from openapi_client._redaction import Redactor
from openapi_client.call import CallFactory, CallPlan, Failure, RawResponse, origin_of
from openapi_client.configuration import Configuration, TimeoutValue
from openapi_client.credentials._http import (
    ERROR_ANSWER_BYTES,
    MAX_TOKEN_RESPONSE_BYTES,
    TOKEN_RETRY,
    LocalStep,
    TokenAnswer,
    TokenConnection,
    TokenFlow,
)
from openapi_client.exceptions import ApiConnectionError, ApiResponseError
from openapi_client.response_body import READ_CHUNK, BodyDecoder, BodyTooLarge, UnsupportedEncoding
from openapi_client.retry import RetrySetting

__all__ = ["RESTClientObject", "RESTResponse", "run_token_flow", "token_configuration", "token_transport"]

logger = logging.getLogger("openapi_client")

# urllib3 makes exactly one attempt and follows no redirect: the loop below decides the rest.
_ONE_ATTEMPT = Retry(total=False, redirect=False)

# A retried answer's body is read and dropped only up to this size; past it, the connection
# is closed instead (a hostile server could otherwise make a retry read forever).
_DISCARD_LIMIT = 64 * 1024
_DISCARD_SECONDS = 1.0

# The most bytes one read of a Content-Length body asks for (what is asked for is allocated
# before the read returns what has arrived).
_MAX_READ = 1024 * 1024


class RESTResponse(RawResponse, io.IOBase):
    """A response as the transport received it: status, reason, headers and raw bytes.

    ``data`` is ``None`` until :meth:`read` when the call was made without preloading.
    The body is decoded (``Content-Encoding``) and capped at ``max_response_bytes``.
    """

    response: urllib3.BaseHTTPResponse

    def __init__(
        self, resp: urllib3.BaseHTTPResponse, plan: CallPlan, max_bytes: int, socket_timeout: Optional[float] = None
    ) -> None:
        super().__init__(resp, plan, max_bytes)
        self._socket_timeout = socket_timeout

    def read(self) -> bytes:
        """The whole decoded body (read from the network on first call), at most the size cap."""
        if self.data is None:
            self.data = _read_body(self.response, self.plan, self._max_bytes, self._socket_timeout)
        return self.data

    def stream(self, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        """The decoded body in chunks of at most ``chunk_size`` bytes (the whole body is read,
        within the size cap and the deadline, before the first chunk)."""
        data = self.read()
        for start in range(0, len(data), chunk_size):
            yield data[start : start + chunk_size]

    def release_conn(self) -> None:
        """Give the connection back to the pool; an unread body is drained when small and
        already arriving, else the connection is closed."""
        if self.data is None:
            _discard(self.response)
        else:
            self.response.release_conn()


class RESTClientObject:
    """Sends requests over urllib3 pools (connections reused across calls).

    ``pool_manager``: bring your own ``urllib3.PoolManager`` (custom TLS, instrumentation,
    your own proxy); the TLS, proxy and environment settings of the configuration then do
    not apply, and its new pools get this module's connection classes (interim answers
    skipped, the head read within the deadline) unless it has pool classes of its own.
    Otherwise pools are made from the configuration: ``proxy``, else (with ``trust_env``)
    ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` as read when the client is made.
    """

    def __init__(self, configuration: Configuration, pool_manager: Optional[urllib3.PoolManager] = None) -> None:
        self.configuration = configuration
        self.calls = CallFactory(configuration, own_routing=pool_manager is None)
        self._pool_args = _pool_args(configuration)
        self.pool_manager: urllib3.PoolManager = (
            _with_final_responses(pool_manager)
            if pool_manager is not None
            else _pool(self._pool_args, configuration.proxy, configuration.proxy_headers)
        )
        self._proxy_pools: Dict[str, urllib3.PoolManager] = {}
        # The pool manager is our own and plain (not a ProxyManager): its pools can be asked directly.
        self._direct = pool_manager is None and not configuration.proxy
        self._direct_pool: Optional[Tuple[str, HTTPConnectionPool]] = None
        self._lock = threading.Lock()
        self._timeout_cache: Optional[Tuple[Optional[float], Optional[float], urllib3.Timeout]] = None

    # -- routing ---------------------------------------------------------------------------

    def proxy_for(self, url_host: str) -> Optional[str]:
        """The proxy requests to ``url_host`` (``scheme://host[:port]``) go through, if any."""
        return self.calls.proxy_for(url_host)

    def _manager(self, proxy: Optional[str]) -> urllib3.PoolManager:
        if proxy is None or proxy == self.configuration.proxy:
            return self.pool_manager
        manager = self._proxy_pools.get(proxy)
        if manager is None:
            with self._lock:
                manager = self._proxy_pools.get(proxy)
                if manager is None:
                    manager = self._proxy_pools[proxy] = _pool(self._pool_args, proxy)
        return manager

    # -- sending ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        headers: Optional[Mapping[str, str]] = None,
        body: Optional[bytes] = None,
        _request_timeout: TimeoutValue = None,
        *,
        retries: RetrySetting = None,
        preload_content: bool = True,
        redactor: Optional[Redactor] = None,
        deadline: Optional[float] = None,
    ) -> RESTResponse:
        """Send one request (retrying as configured) and return its final response."""
        plan = self.calls.plan(
            method, url, retries=retries, request_timeout=_request_timeout, redactor=redactor, deadline=deadline
        )
        proxy = self.calls.route(url)
        manager = self._manager(proxy)
        # Through our own manager, without a proxy, the connection pool of the URL's origin is
        # kept and asked directly: the manager would parse the URL and look the pool up again
        # on every attempt. Anything else (a proxy, a pool manager brought in) goes through it.
        origin = origin_of(url) if proxy is None and self._direct else None
        request_uri = url[len(origin) :] if origin is not None else url
        if origin is not None and (not request_uri.startswith("/") or "/." in request_uri):
            origin = None  # a path the manager would normalize: let it
        started = time.perf_counter()
        while True:
            hold = plan.hold()
            if hold:
                time.sleep(hold)
            connect_timeout, read_timeout = plan.timeouts()
            _call_deadline.value = plan.deadline
            try:
                timeout = self._timeout_object(connect_timeout, read_timeout)
                if origin is not None:
                    resp = self._direct_urlopen(origin, method, request_uri, body, headers, timeout)
                else:
                    resp = manager.urlopen(
                        method,
                        url,
                        body=body,
                        headers=headers,
                        timeout=timeout,
                        retries=_ONE_ATTEMPT,
                        redirect=False,
                        preload_content=False,
                        decode_content=False,
                    )
            except HTTPError as exc:
                time.sleep(plan.after_failure(_failure_of(exc), str(exc)))
                continue
            finally:
                _call_deadline.value = None
            wait = plan.after_response(resp.status, resp.headers)
            if wait is None:
                break
            _discard(resp)
            time.sleep(wait)
        response = RESTResponse(resp, plan, self.configuration.max_response_bytes, read_timeout)
        if preload_content:
            response.read()
        plan.log_answer(resp.status, resp.headers, started)
        return response

    def _direct_urlopen(
        self,
        origin: str,
        method: str,
        request_uri: str,
        body: Optional[bytes],
        headers: Optional[Mapping[str, str]],
        timeout: urllib3.Timeout,
    ) -> urllib3.BaseHTTPResponse:
        """One attempt through the pool the manager holds for ``origin``, kept here for the
        next call. Only the last origin's is kept (a client talks to one host), so a client
        pointed at many hosts keeps no more pools than the manager does."""
        kept = self._direct_pool
        if kept is not None and kept[0] == origin:
            pool = kept[1]
        else:
            pool = self.pool_manager.connection_from_url(origin)
            self._direct_pool = (origin, pool)
        return pool.urlopen(
            method,
            request_uri,
            body=body,
            headers=headers if headers is not None else {},
            timeout=timeout,
            retries=_ONE_ATTEMPT,
            redirect=False,
            assert_same_host=False,
            preload_content=False,
            decode_content=False,
        )

    def _timeout_object(self, connect: Optional[float], read: Optional[float]) -> urllib3.Timeout:
        # Most attempts use the configured pair as it is (the deadline is further away): reuse it.
        cached = self._timeout_cache
        if cached is not None and cached[0] == connect and cached[1] == read:
            return cached[2]
        timeout = urllib3.Timeout(connect=connect, read=read)
        self._timeout_cache = (connect, read, timeout)
        return timeout

    def clear(self) -> None:
        """Close every pooled connection."""
        self._direct_pool = None
        self.pool_manager.clear()
        for manager in self._proxy_pools.values():
            manager.clear()


# -- token requests ------------------------------------------------------------------------


def token_configuration(connection: TokenConnection) -> Configuration:
    """The settings of a transport sending a credential provider's token requests: its
    connection settings, the token retry policy, a token-sized body cap, and no credentials
    of its own (nor any read from the environment)."""
    return Configuration(
        credentials=(),
        verify_ssl=connection.verify_ssl,
        ssl_ca_cert=connection.ssl_ca_cert,
        proxy=connection.proxy,
        proxy_headers=dict(connection.proxy_headers) if connection.proxy_headers else None,
        connection_pool_maxsize=2,
        timeout=connection.timeout,
        retries=TOKEN_RETRY,
        max_response_bytes=MAX_TOKEN_RESPONSE_BYTES,
        allow_insecure_http=connection.allow_insecure_http,
        trust_env=False,
    )


def token_transport(connection: TokenConnection) -> RESTClientObject:
    """A blocking transport for a provider's token requests."""
    return RESTClientObject(token_configuration(connection))


def run_token_flow(
    transport: RESTClientObject, connection: TokenConnection, flow: TokenFlow, deadline: Optional[float]
) -> str:
    """Drive a provider's renewal (a sans-I/O flow) over ``transport``: each token request
    within ``deadline`` (the call's), its answer read by the same bounded decoder as an API
    answer, every secret it carries masked in what fails; a local step is simply run."""
    sent: Union[TokenAnswer, str, None] = None
    while True:
        try:
            step = flow.send(sent) if sent is not None else next(flow)
        except StopIteration as done:
            return str(done.value)
        if isinstance(step, LocalStep):
            sent = step.run()
            continue
        step.check_route(connection)
        try:
            response = transport.request(
                "POST",
                step.url,
                headers=step.headers,
                body=step.body,
                preload_content=False,
                redactor=step.redactor,
                deadline=step.deadline(connection, deadline),
            )
            if response.status != 200:
                response._max_bytes = ERROR_ANSWER_BYTES  # only a short reason is read from it
            body = response.read()
        except (ApiConnectionError, ApiResponseError) as exc:
            raise step.failure(exc, deadline) from None
        sent = TokenAnswer(response.status, response.reason, response.headers, body)


# -- reading bodies ------------------------------------------------------------------------


def _read_body(
    resp: urllib3.BaseHTTPResponse, plan: CallPlan, max_bytes: int, socket_timeout: Optional[float]
) -> bytes:
    coding = resp.headers.get("Content-Encoding")
    length = resp.length_remaining
    if length is not None and (coding is None or coding.strip().lower() in ("", "identity")):
        if length > max_bytes:
            resp.close()
            raise plan.too_large_error(max_bytes, resp.status, resp.headers)
        return _read_known_length(resp, plan, length, socket_timeout)
    try:
        decoder = BodyDecoder(coding, max_bytes)
    except UnsupportedEncoding as exc:
        resp.close()
        raise plan.unsupported_coding_error(str(exc), resp.status, resp.headers) from None
    try:
        timeout = socket_timeout
        while True:
            timeout = _cut_read_timeout(resp, plan, timeout)
            piece = resp.read1(READ_CHUNK)
            if not piece:
                break
            decoder.feed(piece)
            if resp.length_remaining == 0:
                break  # all of a Content-Length body is here: no need to wait for the end
        data = decoder.finish()
    except BodyTooLarge:
        resp.close()
        raise plan.too_large_error(max_bytes, resp.status, resp.headers) from None
    except BaseException as exc:
        _read_failed(resp, plan, exc)
        raise
    resp.release_conn()
    return data


def _read_known_length(
    resp: urllib3.BaseHTTPResponse, plan: CallPlan, length: int, socket_timeout: Optional[float]
) -> bytes:
    """A body sent as is with a ``Content-Length`` (already checked against the size cap):
    each read asks for all that is still missing and returns what has arrived, so a whole
    body usually takes one or two reads, and the socket timeout is still cut to the
    deadline before each one."""
    pieces = []
    try:
        timeout = socket_timeout
        while True:
            timeout = _cut_read_timeout(resp, plan, timeout)
            # At least one read, even of an empty body: reaching its end is what ends the
            # response for http.client, so the connection can serve the next request.
            piece = resp.read1(min(length, _MAX_READ) or 1)
            length -= len(piece)
            if length <= 0:
                pieces.append(piece)
                break
            if not piece:
                raise http.client.IncompleteRead(b"".join(pieces), length)
            pieces.append(piece)
    except BaseException as exc:
        _read_failed(resp, plan, exc)
        raise
    resp.release_conn()
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def _read_failed(resp: urllib3.BaseHTTPResponse, plan: CallPlan, exc: BaseException) -> None:
    """Close the connection of a body that could not be read; raise the SDK's error for it
    (the caller re-raises anything else)."""
    resp.close()
    if isinstance(exc, ReadTimeoutError):
        raise plan.failure_error(Failure.READ_TIMEOUT, f"reading the response: {exc}") from None
    if isinstance(exc, (HTTPError, ValueError, OSError, http.client.HTTPException)):
        raise plan.cut_short_error(exc, resp.status, resp.headers) from None


def _discard(resp: urllib3.BaseHTTPResponse) -> None:
    """Drop a response that will be retried or was not read: keep the connection only when
    the rest of the body is small and arrives within a second."""
    give_up_at = time.monotonic() + _DISCARD_SECONDS
    try:
        dropped = 0
        while dropped <= _DISCARD_LIMIT:
            left = give_up_at - time.monotonic()
            if left <= 0:
                break
            _set_read_timeout(resp, left)
            piece = resp.read1(READ_CHUNK)
            if not piece or resp.length_remaining == 0:
                resp.release_conn()
                return
            dropped += len(piece)
    except (HTTPError, OSError, http.client.HTTPException):
        pass
    resp.close()
    resp.release_conn()


def _cut_read_timeout(resp: urllib3.BaseHTTPResponse, plan: CallPlan, current: Optional[float]) -> Optional[float]:
    """Set the socket timeout for the next read of the body to what the plan allows now (the
    read timeout, cut to what is left of the deadline), when it differs from ``current``."""
    wanted = plan.read_timeout_now()
    if wanted != current:
        _set_read_timeout(resp, wanted)
    return wanted


def _set_read_timeout(resp: urllib3.BaseHTTPResponse, timeout: Optional[float]) -> None:
    connection = resp.connection
    sock = getattr(connection, "sock", None) if connection is not None else None
    if sock is not None:
        sock.settimeout(timeout)


# -- classification and settings -------------------------------------------------------------


def _failure_of(exc: BaseException) -> Failure:
    """What kind of failure a urllib3 error is, by its cause (urllib3 makes a refused
    connection a subclass of its connect-timeout error)."""
    if isinstance(exc, ProxyError) and exc.original_error is not None:
        cause = exc.original_error
        return _failure_of(cause) if isinstance(cause, HTTPError) else Failure.NOT_CONNECTED
    if isinstance(exc, NewConnectionError):
        return Failure.NOT_CONNECTED
    if isinstance(exc, ConnectTimeoutError):
        return Failure.CONNECT_TIMEOUT
    if isinstance(exc, ReadTimeoutError):
        return Failure.READ_TIMEOUT
    if isinstance(exc, SSLError):
        return Failure.TLS
    return Failure.BROKEN


_call_deadline = threading.local()
"""The deadline (``time.monotonic()``) of the call the current thread is sending, if any."""


class _FinalResponse(http.client.HTTPResponse):
    """http.client's response, with two changes to how the status line and headers are read:
    interim 1xx answers (103 Early Hints, ...) are skipped until the final one (http.client
    itself skips only ``100 Continue``), at most :data:`_MAX_INTERIM` of them, and reading
    them obeys the call's deadline, so a server dripping its head (a byte at a time, a line
    every so often, or interim answers without end) cannot hold a call past it."""

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self._sock = sock
        self._interim = 0

    def begin(self) -> None:
        deadline: Optional[float] = getattr(_call_deadline, "value", None)
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


class _HTTPConnection(HTTPConnection):
    response_class = _FinalResponse


class _HTTPSConnection(HTTPSConnection):
    response_class = _FinalResponse


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


def _pool_args(configuration: Configuration) -> Dict[str, Any]:
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


def _pool(args: Dict[str, Any], proxy: Optional[str] = None, headers: Optional[Dict[str, str]] = None) -> Any:
    manager: urllib3.PoolManager
    if proxy:
        manager = urllib3.ProxyManager(proxy_url=proxy, proxy_headers=headers, **args)
    else:
        manager = urllib3.PoolManager(**args)
    return _with_final_responses(manager)


def _with_final_responses(manager: urllib3.PoolManager) -> urllib3.PoolManager:
    """``manager``, its new pools made of connections that skip interim answers and read an
    answer's head within the call's deadline (:class:`_FinalResponse`). Only urllib3's stock
    pool classes are replaced; a manager with pool classes of its own keeps them."""
    if manager.pool_classes_by_scheme == _STOCK_POOLS:
        manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
    return manager


_STOCK_POOLS = {"http": HTTPConnectionPool, "https": HTTPSConnectionPool}
