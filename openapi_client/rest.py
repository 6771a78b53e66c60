"""The sync transport: urllib3 does the I/O, :mod:`openapi_client.call` decides everything else.

urllib3 is asked for one attempt at a time (no retries, no redirects, no decoding); the
loop here sleeps and re-sends as the :class:`~openapi_client.call.CallPlan` says, and reads
bodies in small pieces through a :class:`~openapi_client.response_body.BodyDecoder`,
shrinking the socket timeout to what is left of the call's deadline before each piece.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from typing import Any, Dict, Iterator, Mapping, Optional, Tuple

import urllib3
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProxyError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util.retry import Retry

from openapi_client._call import CallFactory, CallPlan, RawResponse, SendFailure, origin_of
from openapi_client._redaction import Redactor
from openapi_client._request import Request
from openapi_client._sync_body import discard, read_body
from openapi_client._sync_pools import OWN_POOLS, new_manager, pool_args, with_final_responses
from openapi_client._sync_token_flow import run_token_flow
from openapi_client.configuration import Configuration, TimeoutValue
from openapi_client.credentials._http import (
    MAX_TOKEN_RESPONSE_BYTES,
    TOKEN_RETRY,
    TokenConnection,
)
from openapi_client.retry import RetrySetting

__all__ = ["RESTClientObject", "RESTResponse", "run_token_flow", "token_configuration", "token_transport"]

logger = logging.getLogger("openapi_client")

# urllib3 makes exactly one attempt and follows no redirect: the loop below decides the rest.
_ONE_ATTEMPT = Retry(total=False, redirect=False)


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
            self.data = read_body(self.response, self.plan, self._max_bytes, self._socket_timeout)
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
            discard(self.response)
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
        self._pool_args = pool_args(configuration)
        self.pool_manager: urllib3.PoolManager = (
            with_final_responses(pool_manager)
            if pool_manager is not None
            else new_manager(self._pool_args, configuration.proxy, configuration.proxy_headers)
        )
        self._proxy_pools: Dict[str, urllib3.PoolManager] = {}
        # The pool manager is our own and plain (not a ProxyManager): its pools can be asked directly.
        self._direct = pool_manager is None and not configuration.proxy
        self._direct_pool: Optional[Tuple[str, HTTPConnectionPool]] = None
        self._own_pools = self.pool_manager.pool_classes_by_scheme == OWN_POOLS
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
                    manager = self._proxy_pools[proxy] = new_manager(self._pool_args, proxy)
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
        """Send one request (retrying as configured) and return its final response: the
        generated-client entry point, and the token requests'. The client's own calls come
        with their :class:`~openapi_client._request.Request` already built (:meth:`send`)."""
        plan = self.calls.plan(
            method, url, retries=retries, request_timeout=_request_timeout, redactor=redactor, deadline=deadline
        )
        return self.send(
            Request(method, url, headers if headers is not None else {}, body, None, plan), preload_content
        )

    def send(self, request: Request, preload_content: bool = True) -> RESTResponse:
        """Send ``request`` as its plan says (hold, one urllib3 attempt, retry or stop) and
        return the final response, its body read unless ``preload_content`` is false."""
        method, url, headers, body, _, plan = request
        proxy = self.calls.route(url)
        manager = self._manager(proxy)
        # Through our own manager, without a proxy, the connection pool of the URL's origin is
        # kept and asked directly: the manager would parse the URL and look the pool up again
        # on every attempt. Anything else (a proxy, a pool manager brought in) goes through it.
        origin = origin_of(url) if proxy is None and self._direct else None
        target = url[len(origin) :] if origin is not None else url
        if origin is not None and (not target.startswith("/") or "/." in target):
            origin, target = None, url  # a path the manager would normalize: let it
        urlopen = self._origin_pool(origin).urlopen if origin is not None else manager.urlopen
        # The head of the answer is read within the deadline by this module's pools, which
        # take it with each attempt (a pool class of the caller's own would refuse it).
        head_deadline: Dict[str, Any] = (
            {"deadline": plan.deadline} if plan.deadline is not None and self._own_pools else {}
        )
        started = time.perf_counter()
        while True:
            hold = plan.hold()
            if hold:
                time.sleep(hold)
            connect_timeout, read_timeout = plan.timeouts()
            try:
                resp = urlopen(
                    method,
                    target,
                    body=body,
                    headers=headers,
                    timeout=self._timeout_object(connect_timeout, read_timeout),
                    retries=_ONE_ATTEMPT,
                    redirect=False,
                    assert_same_host=False,
                    preload_content=False,
                    decode_content=False,
                    **head_deadline,
                )
            except HTTPError as exc:
                failure: Optional[Tuple[SendFailure, str]] = (_failure_of(exc), str(exc))
            else:
                failure = None
            if failure is not None:
                # Decided outside the handler: the error it may raise has no context whose text
                # (a proxy URL with its password) a traceback would print.
                time.sleep(plan.after_failure(*failure))
                continue
            wait = plan.after_response(resp.status, resp.headers)
            if wait is None:
                break
            discard(resp)
            time.sleep(wait)
        response = RESTResponse(resp, plan, self.configuration.max_response_bytes, read_timeout)
        if preload_content:
            response.read()
        plan.log_answer(resp.status, resp.headers, started)
        return response

    def _origin_pool(self, origin: str) -> HTTPConnectionPool:
        """The pool the manager holds for ``origin``, kept here for the next call. Only the
        last origin's is kept (a client talks to one host), so a client pointed at many hosts
        keeps no more pools than the manager does."""
        kept = self._direct_pool
        if kept is not None and kept[0] == origin:
            return kept[1]
        pool = self.pool_manager.connection_from_url(origin)
        self._direct_pool = (origin, pool)
        return pool

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
    connection settings (the environment's proxies included, unless it turned
    ``trust_env`` off), the token retry policy, a token-sized body cap, and no credentials
    of its own."""
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
        trust_env=connection.trust_env,
    )


def token_transport(connection: TokenConnection) -> RESTClientObject:
    """A blocking transport for a provider's token requests."""
    return RESTClientObject(token_configuration(connection))


# -- classification and settings -------------------------------------------------------------


def _failure_of(exc: BaseException) -> SendFailure:
    """What kind of failure a urllib3 error is, by its cause (urllib3 makes a refused
    connection a subclass of its connect-timeout error)."""
    if isinstance(exc, ProxyError) and exc.original_error is not None:
        cause = exc.original_error
        return _failure_of(cause) if isinstance(cause, HTTPError) else SendFailure.NOT_CONNECTED
    if isinstance(exc, NewConnectionError):
        return SendFailure.NOT_CONNECTED
    if isinstance(exc, ConnectTimeoutError):
        return SendFailure.CONNECT_TIMEOUT
    if isinstance(exc, ReadTimeoutError):
        return SendFailure.READ_TIMEOUT
    if isinstance(exc, SSLError):
        return SendFailure.TLS
    return SendFailure.BROKEN
