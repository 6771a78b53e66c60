"""The asyncio transport: one aiohttp session per client, driven by the shared call core.

Everything that is decided rather than done (whether and when to retry, the deadline, the
rate-limit hold, the size cap and content decoding, the errors and their wording) comes
from :class:`~openapi_client.call.CallPlan` and
:class:`~openapi_client.response_body.BodyDecoder`, the same objects the sync transport
drives. This module only sends bytes and awaits.
"""

from __future__ import annotations

import asyncio
import functools
import re
import ssl
import time
from types import TracebackType
from typing import AsyncIterator, Dict, Mapping, Optional, Tuple, Type, Union
from urllib.parse import quote

import aiohttp
from yarl import URL

from openapi_client._call import CallFactory, CallPlan, RawResponse, SendFailure, origin_of
from openapi_client._redaction import Redactor
from openapi_client._request import Request
from openapi_client.configuration import Configuration, TimeoutValue
from openapi_client.credentials._http import ERROR_ANSWER_BYTES, LocalStep, TokenAnswer, TokenConnection, TokenFlow
from openapi_client.exceptions import ApiConnectionError, ApiResponseError, ApiTimeoutError, ClientClosedError
from openapi_client.response_body import BodyDecoder, BodyTooLarge, UnsupportedEncoding
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
            self.data = await self._read_bounded()
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

    # -- reading, bounded ----------------------------------------------------------------

    async def _read_bounded(self) -> bytes:
        response, plan = self.response, self.plan
        try:
            decoder = BodyDecoder(response.headers.get("Content-Encoding"), self._max_bytes)
        except UnsupportedEncoding as exc:
            response.close()
            raise plan.unsupported_coding_error(str(exc), self.status, self.headers) from None
        content = response.content
        try:
            if decoder.plain and content.is_eof():
                # The usual small answer: all of it arrived with the head and is buffered already.
                data = content.read_nowait()
                if len(data) > self._max_bytes:
                    raise BodyTooLarge
            else:
                while not content.at_eof():
                    # aiohttp buffers at most its read_bufsize per connection; readany hands over
                    # what has arrived, and the decoder counts it against the cap.
                    decoder.feed(await content.readany())
                data = decoder.finish()
        except BodyTooLarge:
            response.close()
            raise plan.too_large_error(self._max_bytes, self.status, self.headers) from None
        except asyncio.TimeoutError:
            response.close()
            raise plan.failure_error(SendFailure.READ_TIMEOUT, "reading the response") from None
        except BaseException as exc:
            # Cancelled, or broken mid-body: the connection cannot be reused either way.
            response.close()
            if isinstance(exc, (aiohttp.ClientError, ValueError, OSError)):
                raise plan.cut_short_error(exc, self.status, self.headers) from None
            raise
        response.release()
        return data


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
        self._fresh_timeouts: Dict[Tuple[Optional[float], ...], aiohttp.ClientTimeout] = {}

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
            session = self._session = _new_session(self.configuration)
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
        server_hostname = _server_hostname(config) if self._own_session else None
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
                    server_hostname=server_hostname,
                    skip_auto_headers=skip_auto_headers,
                    timeout=self._timeout(plan),
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

    def _timeout(self, plan: CallPlan) -> aiohttp.ClientTimeout:
        """aiohttp's timeouts for the next attempt: the socket timeouts, and as ``total`` what
        is left of the call's deadline, which aiohttp also charges reading the body to.

        An attempt that starts with (almost) the whole budget left, the usual first one, gets
        the budget itself as ``total``: such timeouts depend only on the settings, so they are
        made once per setting and kept (a few settings, never one per call). A later attempt,
        or the request sent after a token exchange or a 401, gets exactly what is left.
        """
        budget = plan.policy.total_timeout
        remaining = plan.remaining()
        if remaining is None or (budget is not None and remaining >= budget - _FRESH):
            key = (budget, plan.connect_timeout, plan.read_timeout)
            timeout = self._fresh_timeouts.get(key)
            if timeout is None:
                connect, read = (_at_most(t, budget) for t in (plan.connect_timeout, plan.read_timeout))
                if len(self._fresh_timeouts) >= _KEPT_TIMEOUTS:
                    self._fresh_timeouts.clear()  # settings that change call after call: keep none for long
                timeout = self._fresh_timeouts[key] = aiohttp.ClientTimeout(
                    total=budget, sock_connect=connect, sock_read=read, ceil_threshold=_NO_CEIL
                )
            return timeout
        connect, read = plan.timeouts()
        return aiohttp.ClientTimeout(total=remaining, sock_connect=connect, sock_read=read, ceil_threshold=_NO_CEIL)


def _at_most(timeout: Optional[float], budget: Optional[float]) -> Optional[float]:
    return budget if timeout is None else timeout if budget is None else min(timeout, budget)


# An attempt with at least the budget less this left counts as starting with the whole budget.
_FRESH = 0.005
# At most this many distinct timeout settings are kept.
_KEPT_TIMEOUTS = 16


def token_transport(connection: TokenConnection) -> RESTClientObject:
    """An asyncio transport for a provider's token requests (its session made on first use)."""
    return RESTClientObject(token_configuration(connection))


async def run_token_flow(
    transport: RESTClientObject, connection: TokenConnection, flow: TokenFlow, deadline: Optional[float]
) -> str:
    """Drive a provider's renewal (a sans-I/O flow) over ``transport``, on the event loop: the
    asyncio twin of :func:`openapi_client.rest.run_token_flow`. A local step (a token file,
    the user's function) may block, so it runs in a worker thread, awaited until ``deadline``."""
    sent: Union[TokenAnswer, str, None] = None
    while True:
        try:
            step = flow.send(sent) if sent is not None else next(flow)
        except StopIteration as done:
            return str(done.value)
        if isinstance(step, LocalStep):
            sent = await _local(step, deadline)
            continue
        step.check_route(connection)
        try:
            response = await transport.request(
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
            body = await response.read()
        except (ApiConnectionError, ApiResponseError) as exc:
            raise step.failure(exc, deadline) from None
        sent = TokenAnswer(response.status, response.reason, response.headers, body)


async def _local(step: LocalStep, deadline: Optional[float]) -> str:
    running = asyncio.to_thread(step.run)
    if deadline is None:
        return await running
    try:
        return await asyncio.wait_for(running, max(0.0, deadline - time.monotonic()))
    except asyncio.TimeoutError:
        raise ApiTimeoutError(f"{step.step}: the call's time budget (total_timeout) ran out") from None


# aiohttp rounds timeouts above this many seconds up to whole seconds; a deadline is a deadline.
_NO_CEIL = float("inf")


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


def _server_hostname(config: Configuration) -> Optional[str]:
    if config.tls_server_name:
        return config.tls_server_name
    return config.assert_hostname if isinstance(config.assert_hostname, str) else None


def _ssl_context(config: Configuration) -> ssl.SSLContext:
    """The TLS settings of the configuration, as the sync client applies them."""
    context = ssl.create_default_context(cafile=config.ssl_ca_cert)
    if not config.verify_ssl:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif config.assert_hostname is False:
        context.check_hostname = False
    if config.cert_file:
        context.load_cert_chain(config.cert_file, config.key_file)
    return context


def _new_session(config: Configuration) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        limit=config.connection_pool_maxsize,
        ssl=_ssl_context(config),
    )
    return aiohttp.ClientSession(
        connector=connector,
        auto_decompress=False,
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=None),
    )
