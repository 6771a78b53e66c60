"""The async ApiClient: the sync client's request building and decoding, sent through aiohttp."""

from __future__ import annotations

import asyncio
import time
from types import TracebackType
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Tuple, Type, TypeVar, cast

import aiohttp

from openapi_client._operation_types import Operation, RequestOptions
from openapi_client.aio.rest import RESTClientObject, RESTResponse, run_token_flow, token_transport
from openapi_client.api_client import BaseApiClient, Renew, Send
from openapi_client.api_response import ApiResponse
from openapi_client.configuration import Configuration, TimeoutValue
from openapi_client.credentials import ConfluentOAuth, authorization_by, renewed_by
from openapi_client.exceptions import ApiTimeoutError
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
        self.rest_client = RESTClientObject(configuration if configuration is not None else Configuration(), session)
        super().__init__(self.rest_client.configuration, header_name, header_value, cookie)
        self._renewals: Dict[Tuple[int, str], asyncio.Future[Any]] = {}
        # The asyncio transports of the OAuth providers this client renews, by provider.
        self._token_transports: Dict[int, Tuple[ConfluentOAuth, RESTClientObject]] = {}

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
        """Close the pooled connections (a session passed in is left open), the token
        requests' included; the client then refuses further calls."""
        await self.rest_client.close()
        for _, transport in self._token_transports.values():
            await transport.close()

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
        plan = self.plan_for(operation, options)  # the call's one deadline starts now
        provider = self.credential_for(operation, options)
        flow = self.auth_flow(
            provider, lambda: self.build(operation, options, path_params, query_params, body, provider, plan)
        )
        step = next(flow)
        while True:
            if isinstance(step, Send):
                outcome: Any = await self.rest_client.send(step.request, preload_content)
            else:
                try:
                    outcome = await self._renew(step, plan.deadline)
                except BaseException as exc:
                    step = flow.throw(exc)
                    continue
            try:
                step = flow.send(outcome)
            except StopIteration as done:
                response: RESTResponse = done.value
                return response

    async def _renew(self, step: Renew, deadline: Optional[float]) -> Optional[str]:
        """Perform a :class:`Renew` step without blocking the event loop: an OAuth exchange
        is sent on this client's asyncio transport within ``deadline``; another provider's
        renewal (its own blocking I/O) runs in a worker thread. Once per provider and value
        however many tasks ask at the same time."""
        provider, rejected = step
        key = (id(provider), rejected or "")
        if isinstance(provider, ConfluentOAuth):
            fresh = provider.current(rejected)
            if fresh is not None:
                return fresh
            oauth = provider
            return await self._renewal(key, lambda: self._exchange(oauth, deadline), deadline)
        if rejected is None:
            return await self._renewal(key, lambda: asyncio.to_thread(authorization_by, provider, deadline), deadline)
        refused = rejected

        def renew() -> Optional[str]:
            return authorization_by(provider, deadline) if renewed_by(provider, refused, deadline) else None

        return await self._renewal(key, lambda: asyncio.to_thread(renew), deadline)

    async def _exchange(self, provider: ConfluentOAuth, deadline: Optional[float]) -> str:
        """``provider``'s token exchange, sent over an asyncio transport of this client made
        from the provider's connection settings (closed with the client)."""
        self.rest_client.session  # noqa: B018 - a closed client, or another event loop, refuses here
        kept = self._token_transports.get(id(provider))
        if kept is None:  # the entry holds the provider, so its id stays its own
            kept = self._token_transports[id(provider)] = (provider, token_transport(provider.connection))
        flow = provider.exchange(self.configuration.host)
        return await run_token_flow(kept[1], provider.connection, flow, deadline)

    async def _renewal(self, key: Tuple[int, str], renew: Callable[[], Awaitable[T]], deadline: Optional[float]) -> T:
        """``renew()`` once however many tasks ask at the same time: the others await the
        same result, or error. ``key`` is the provider's ``id()`` and what is renewed (``""``
        for a refresh that is due, else the rejected ``Authorization`` value).

        The renewal is shielded: a task cancelled while waiting leaves it running for the
        rest (it ends by the deadline of the call that started it). A task joining one
        started by another waits only until its own ``deadline``.
        """
        pending = self._renewals.get(key)
        if pending is None:
            pending = asyncio.ensure_future(renew())
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
        return await self.rest_client.request(
            method,
            url,
            headers=header_params,
            body=body,
            _request_timeout=_request_timeout,
            retries=retries,
            preload_content=preload_content,
            redactor=self._redactor_for(header_params, url),
        )

    async def response_deserialize(
        self,
        response_data: RESTResponse,
        response_types_map: Optional[Mapping[str, Optional[Type[Any]]]] = None,
        operation: Optional[Operation] = None,
    ) -> ApiResponse[Any]:
        """Read and decode a response; an error status raises the matching :class:`ApiException`
        (``operation``, if given, names the call in messages about a malformed answer)."""
        return self.decode_response(response_data, await response_data.read(), response_types_map, operation)
