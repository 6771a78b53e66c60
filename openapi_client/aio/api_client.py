"""The async ApiClient: the sync client's request building and decoding, sent through aiohttp."""

from __future__ import annotations

import asyncio
import time
from types import TracebackType
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Type, TypeVar, cast

import aiohttp

from openapi_client.aio.rest import RESTClientObject, RESTResponse
from openapi_client.api_client import BaseApiClient
from openapi_client.api_response import ApiResponse
from openapi_client.configuration import Configuration, TimeoutValue
from openapi_client.credentials import authorization_by, renewed_by
from openapi_client.exceptions import ApiTimeoutError
from openapi_client.operation import Operation, RequestOptions
from openapi_client.retry import RetrySetting

__all__ = ["ApiClient"]

T = TypeVar("T")


class ApiClient(BaseApiClient):
    """The asyncio twin of :class:`openapi_client.ApiClient`.

    One client holds one aiohttp session (one connection pool); share it between API
    objects and tasks of one event loop, and close it when done::

        async with aio.ApiClient(configuration) as client:
            ...

    ``session``: bring your own ``aiohttp.ClientSession`` (custom TLS, tracing); the
    client never closes it, and the configuration's TLS and proxy settings do not apply.
    """

    rest_client: RESTClientObject

    def __init__(
        self,
        configuration: Optional[Configuration] = None,
        header_name: Optional[str] = None,
        header_value: Optional[str] = None,
        cookie: Optional[str] = None,
        *,
        session: Optional[aiohttp.ClientSession] = None,
    ) -> None:
        self.rest_client = RESTClientObject(
            configuration if configuration is not None else Configuration(), session
        )
        super().__init__(self.rest_client.configuration, header_name, header_value, cookie)
        self._renewals: Dict[Tuple[int, str], asyncio.Future[Any]] = {}

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the pooled connections (a session passed in is left open)."""
        await self.rest_client.close()

    async def call(
        self,
        operation: Operation,
        options: RequestOptions,
        *,
        path_params: Optional[Mapping[str, Any]] = None,
        query_params: Optional[Mapping[str, Any]] = None,
        body: Any = None,
    ) -> ApiResponse[Any]:
        """Check the arguments of ``operation``, send it, and decode the answer (an error
        status raises the matching :class:`ApiException`); nothing is sent on bad input."""
        response = await self.execute(operation, options, path_params=path_params, query_params=query_params, body=body)
        raw = response.data if response.data is not None else await response.read()  # execute preloads it
        return self.decode_response(response, raw, operation.responses, operation)

    async def execute(
        self,
        operation: Operation,
        options: RequestOptions,
        *,
        path_params: Optional[Mapping[str, Any]] = None,
        query_params: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        preload_content: bool = True,
    ) -> RESTResponse:
        """Check the arguments of ``operation``, then send it; nothing is sent on bad input."""
        # The credential this call uses, when due for renewal (an OAuth token), is renewed in a
        # worker thread, so the event loop never waits on the token exchange; build() then
        # finds it fresh. Providers the call does not use are left alone, as the sync client does.
        # One deadline covers the whole call: that exchange, every attempt, the resend after a 401.
        deadline = self.call_deadline(options)
        provider = self.credential_for(operation, options)
        if provider is not None and provider.needs_refresh():
            due = provider
            await self._renewal((id(due), ""), lambda: authorization_by(due, deadline), deadline)
        request = self.build(operation, options, path_params, query_params, body, provider)
        timeout, retries = (options.get("_request_timeout"), options.get("_retries")) if options else (None, None)
        response = await self._send(*request, timeout, retries, preload_content, deadline)
        if self.renews_after(provider, request, response.status):
            assert provider is not None
            renewing, rejected = provider, request[2]["Authorization"]
            try:
                renewed = await self._renewal(
                    (id(renewing), rejected), lambda: renewed_by(renewing, rejected, deadline), deadline
                )
            except BaseException:
                response.release_conn()
                raise
            if renewed:
                response.release_conn()
                request = self.with_authorization(request, authorization_by(renewing, deadline))
                response = await self._send(*request, timeout, retries, preload_content, deadline)
        return response

    async def _renewal(self, key: Tuple[int, str], renew: Callable[[], T], deadline: Optional[float]) -> T:
        """``renew()`` (blocking I/O: a token exchange) in a worker thread, once however many
        tasks ask at the same time: the others await the same result, or error. ``key`` is
        the provider's ``id()`` and what is renewed (``""`` for a refresh that is due, else
        the rejected ``Authorization`` value).

        The renewal is shielded: a task cancelled while waiting leaves it running for the
        rest. (The provider is single-flight across threads as well, for sync clients.) A
        task joining one started by another waits only until its own ``deadline``.
        """
        pending = self._renewals.get(key)
        if pending is None:
            pending = asyncio.ensure_future(asyncio.to_thread(renew))
            self._renewals[key] = pending
            pending.add_done_callback(lambda done: self._renewal_done(key, done))
        if deadline is None:
            return cast(T, await asyncio.shield(pending))
        try:
            return cast(T, await asyncio.wait_for(asyncio.shield(pending), max(0.0, deadline - time.monotonic())))
        except asyncio.TimeoutError:
            raise ApiTimeoutError(
                "waiting for a token exchange: the call's time budget (total_timeout) ran out"
            ) from None

    def _renewal_done(self, key: Tuple[int, str], done: asyncio.Future[Any]) -> None:
        if self._renewals.get(key) is done:
            del self._renewals[key]
        if not done.cancelled():
            done.exception()  # retrieved here, so a renewal nobody awaits any more logs nothing

    async def _send(
        self,
        method: str,
        url: str,
        headers: Optional[Mapping[str, str]],
        body: Optional[bytes],
        timeout: TimeoutValue,
        retries: RetrySetting,
        preload_content: bool,
        deadline: Optional[float] = None,
    ) -> RESTResponse:
        return await self.rest_client.request(
            method,
            url,
            headers=headers,
            body=body,
            _request_timeout=timeout,
            retries=retries,
            preload_content=preload_content,
            redactor=self._redactor_for(headers),
            deadline=deadline,
        )

    # -- generated-client compatibility: the I/O half (see BaseApiClient) --------------------

    async def call_api(
        self,
        method: str,
        url: str,
        header_params: Optional[Mapping[str, str]] = None,
        body: Optional[bytes] = None,
        _request_timeout: TimeoutValue = None,
        *,
        retries: RetrySetting = None,
        preload_content: bool = True,
    ) -> RESTResponse:
        """Send a request built by :meth:`param_serialize` and return the raw response
        (an error status is not raised yet)."""
        return await self._send(method, url, header_params, body, _request_timeout, retries, preload_content)

    async def response_deserialize(
        self,
        response_data: RESTResponse,
        response_types_map: Optional[Mapping[str, Optional[Type[Any]]]] = None,
        operation: Optional[Operation] = None,
    ) -> ApiResponse[Any]:
        """Read and decode a response; an error status raises the matching :class:`ApiException`
        (``operation``, if given, names the call in messages about a malformed answer)."""
        return self.decode_response(response_data, await response_data.read(), response_types_map, operation)
