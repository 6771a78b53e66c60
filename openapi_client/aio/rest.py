"""The asyncio transport: one aiohttp session per client, driven by the shared call core.

Everything that is decided rather than done (whether and when to retry, the deadline, the
rate-limit hold, the size cap and content decoding, the errors and their wording) comes
from :class:`~openapi_client.call.CallPlan` and
:class:`~openapi_client.response_body.BodyDecoder`, the same objects the sync transport
drives. This module holds the client's session and the attempt loop, and only sends bytes
and awaits; the body reads are in :mod:`openapi_client.aio._body`, the session and its TLS
settings in :mod:`openapi_client.aio._sessions`, aiohttp's timers for the deadline in
:mod:`openapi_client.aio._timeouts`, and the token requests' driver
(:func:`run_token_flow`, re-exported here) in :mod:`openapi_client.aio._token_flow`.
"""

from __future__ import annotations

import asyncio
import functools
import re
import time
from types import TracebackType
from typing import AsyncIterator, Mapping, Optional, Tuple, Type, Union
from urllib.parse import quote

import aiohttp
from yarl import URL

from openapi_client._call import CallFactory, RawResponse, SendFailure, origin_of
from openapi_client._redaction import Redactor
from openapi_client._request import Request
from openapi_client.aio._body import read_body
from openapi_client.aio._sessions import new_session, server_hostname
from openapi_client.aio._timeouts import AttemptTimeouts
from openapi_client.aio._token_flow import run_token_flow
from openapi_client.configuration import Configuration, TimeoutValue
from openapi_client.credentials._http import TokenConnection
from openapi_client.exceptions import ClientClosedError
from openapi_client.rest import token_configuration
from openapi_client.retry import RetrySetting

__all__ = ["RESTClientObject", "RESTResponse", "run_token_flow", "token_transport"]


# aiohttp adds these on its own when a request lacks them; the request builder sets what is
# sent, so the wire is the same as the sync client's (and no coding is offered that the
# shared body decoder cannot undo).
_SKIP_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")


class RESTResponse(RawResponse):
    """An answer as the transport received it: status, reason, headers, and the body.

    ``data`` holds the decoded body once read; a ``_without_preload_content`` call returns
    the response with the body still on the connection: ``await response.read()`` reads
    it (bounded by ``max_response_bytes``, decoded, within the call's deadline), and
    ``response.release_conn()`` (or ``async with response:``) gives the connection back.
    """

    response: aiohttp.ClientResponse

    async def read(self) -> bytes:
        """The whole decoded body (read from the network on first call), at most the size cap."""
        if self.data is None:
            self.data = await read_body(self.response, self.plan, self._max_bytes)
        return self.data

    async def stream(self, chunk_size: int = 64 * 1024) -> AsyncIterator[bytes]:
        """The decoded body in chunks of at most ``chunk_size`` bytes (the whole body is read,
        within the size cap and the deadline, before the first chunk), as the sync one."""
        data = await self.read()
        for start in range(0, len(data), chunk_size):
            yield data[start : start + chunk_size]

    def release_conn(self) -> None:
        """Give the connection back to the pool (closed instead if the body was not all read)."""
        self.response.release()

    async def __aenter__(self) -> RESTResponse:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.release_conn()


class RESTClientObject:
    """Sends requests over one ``aiohttp.ClientSession`` (connections reused across calls).

    ``session``: bring your own (custom TLS, tracing, instrumentation); it stays yours to
    close, and the TLS, proxy and environment settings of the configuration then do not
    apply (as with the sync client's ``pool_manager``). Otherwise the session is made on
    first use, inside the running event loop, from the configuration: at most
    ``connection_pool_maxsize`` connections (further requests wait for one), ``proxy``,
    else (with ``trust_env``) ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` as read when the
    client is made. Retries, timeouts and the size cap are read from the configuration on
    every call.
    """

    def __init__(self, configuration: Configuration, session: Optional[aiohttp.ClientSession] = None) -> None:
        self.configuration = configuration
        self.calls = CallFactory(configuration, own_routing=session is None)
        self._own_session = session is None
        self._session = session
        self._loop: Optional[asyncio.AbstractEventLoop] = None  # where the own session was made
        self._closed = False
        self._timeouts = AttemptTimeouts()

    @property
    def session(self) -> aiohttp.ClientSession:
        """The aiohttp session requests go through (made on first use, in the running event
        loop); :class:`~openapi_client.exceptions.ClientClosedError` once the client is closed,
        or from another event loop than the one it was made in."""
        if self._closed:
            raise ClientClosedError("this aio.ApiClient is closed (after 'async with' or close()); make a new one")
        session = self._session
        if not self._own_session:
            assert session is not None
            if session.closed:
                raise ClientClosedError("the aiohttp session given to this aio.ApiClient is closed")
            return session  # its owner answers for its event loop
        loop = asyncio.get_running_loop()
        if session is None:
            session = self._session = new_session(self.configuration)
            self._loop = loop
        elif loop is not self._loop or session.closed:
            raise ClientClosedError(
                "this aio.ApiClient belongs to the event loop it first ran in (an earlier asyncio.run?), "
                "and its connections cannot move to another; make one client per event loop"
                if loop is not self._loop
                else "this aio.ApiClient's session was closed; make a new client"
            )
        return session

    def proxy_for(self, url_host: str) -> Optional[str]:
        """The proxy requests to ``url_host`` (``scheme://host[:port]``) go through, if any."""
        return self.calls.proxy_for(url_host)

    async def close(self) -> None:
        """Close the pooled connections (a session passed in is left open); the client then
        refuses further requests."""
        self._closed = True
        if self._own_session and self._session is not None and not self._session.closed:
            await self._session.close()

    async def request(
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
        """Send one request (retrying as the policy decides) and return its final answer: the
        generated-client entry point, and the token requests'. The client's own calls come
        with their :class:`~openapi_client._request.Request` already built (:meth:`send`)."""
        plan = self.calls.plan(
            method, url, retries=retries, request_timeout=_request_timeout, redactor=redactor, deadline=deadline
        )
        return await self.send(
            Request(method, url, headers if headers is not None else {}, body, None, plan), preload_content
        )

    async def send(self, request: Request, preload_content: bool = True) -> RESTResponse:
        """Send ``request`` as its plan says (hold, one aiohttp attempt, retry or stop) and
        return the final answer, its body read unless ``preload_content`` is false."""
        config = self.configuration
        method, url, headers, body, _, plan = request
        session = self.session
        proxy: Union[str, URL, None] = self.calls.route(url)
        proxy_headers = config.proxy_headers if proxy is not None and proxy == config.proxy else None
        if proxy_headers:
            if url[:7].lower() == "http://":
                # A plain-http request goes to the proxy as it is, so its headers travel with it
                # (urllib3 does the same); aiohttp itself sends them only on a CONNECT.
                headers = {**(headers or {}), **proxy_headers}
            if "@" in str(proxy) and any(name.lower() == "proxy-authorization" for name in proxy_headers):
                # The one given wins, as in the sync client; aiohttp would replace it by the URL's.
                proxy = URL(str(proxy)).with_user(None)
        tls_name = server_hostname(config) if self._own_session else None
        # aiohttp adds no automatic header a request already has; telling it which to skip
        # costs a copy of the headers per request, so it is done only when one is missing
        # (the builder sets them all) or the session is someone else's (with its own defaults).
        skip_auto_headers = None if self._own_session and _has_auto_headers(headers, body) else _SKIP_AUTO_HEADERS
        wire_url = _wire_url(url)
        started = time.perf_counter()
        while True:
            hold = plan.hold()
            if hold:
                await asyncio.sleep(hold)
            try:
                response = await session.request(
                    method,
                    wire_url,
                    headers=headers,
                    data=body,
                    allow_redirects=False,
                    auto_decompress=False,
                    proxy=proxy,
                    proxy_headers=proxy_headers,
                    server_hostname=tls_name,
                    skip_auto_headers=skip_auto_headers,
                    timeout=self._timeouts.for_attempt(plan),
                )
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                failure: Optional[Tuple[SendFailure, str]] = (_failure_of(exc), str(exc) or type(exc).__name__)
            else:
                failure = None
            if failure is not None:
                # Decided outside the handler: the error it may raise has no context whose text
                # (aiohttp's message quotes the proxy URL with its password) a traceback would print.
                await asyncio.sleep(plan.after_failure(*failure))
                continue
            wait = plan.after_response(response.status, response.headers)
            if wait is None:
                break
            response.close()
            await asyncio.sleep(wait)
        result = RESTResponse(response, plan, config.max_response_bytes)
        if preload_content:
            await result.read()
        plan.log_answer(response.status, response.headers, started)
        return result


def token_transport(connection: TokenConnection) -> RESTClientObject:
    """An asyncio transport for a provider's token requests (its session made on first use)."""
    return RESTClientObject(token_configuration(connection))


def _failure_of(exc: BaseException) -> SendFailure:
    """What kind of failure an aiohttp error is, for the retry decision and the message."""
    if isinstance(exc, aiohttp.ClientSSLError):
        return SendFailure.TLS
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return SendFailure.CONNECT_TIMEOUT
    if isinstance(exc, aiohttp.ClientConnectorError):
        return SendFailure.NOT_CONNECTED
    if isinstance(exc, asyncio.TimeoutError):
        return SendFailure.READ_TIMEOUT
    return SendFailure.BROKEN


# What a request target carries as it is; the request builder percent-encodes every path
# and query value, so only a host's path prefix could hold anything else.
_UNSAFE_IN_TARGET = re.compile(r"[^A-Za-z0-9._~!$&'()*+,;=:@/?%-]")
_TO_ESCAPE = re.compile(r"[^A-Za-z0-9._~!$&'()*+,;=:@/?%-]|%(?![0-9A-Fa-f]{2})")


@functools.lru_cache(maxsize=256)
def _wire_url(url: str) -> URL:
    """``url`` for aiohttp, taken as already encoded. Parsed as plain text, yarl would decode
    ``%2E`` and drop the dot segments, so that an id of ``..`` climbed the path (the sync
    client sends ``%2E%2E``); what the builder did not encode (a host's path prefix) is
    percent-encoded here, as urllib3 does for the sync client. Kept for the last 256 URLs
    (yarl keeps the URLs it parses likewise): a client asks for the same few again and again,
    and checking one costs ~0.9 µs against ~0.05 µs to find it again."""
    origin = origin_of(url)
    target = url[len(origin) :]
    if "%" in target or _UNSAFE_IN_TARGET.search(target):
        target = _TO_ESCAPE.sub(lambda found: quote(found.group(), safe=""), target)
    if not (origin.isascii() and origin.islower()):
        origin = str(URL(origin))  # the scheme and host as yarl writes them (lower case, IDNA)
    return URL(origin + target, encoded=True)


def _has_auto_headers(headers: Optional[Mapping[str, str]], body: Optional[bytes]) -> bool:
    """Whether ``headers`` already has every header aiohttp would otherwise add itself."""
    return (
        headers is not None
        and "Accept" in headers
        and "Accept-Encoding" in headers
        and "User-Agent" in headers
        and (body is None or "Content-Type" in headers)
    )
