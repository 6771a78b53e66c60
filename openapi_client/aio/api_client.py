"""The async ApiClient: the sync client's request building and decoding, sent through aiohttp."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, Mapping, Optional, Type

import aiohttp

from openapi_client.aio.rest import RESTClientObject, RESTResponse
from openapi_client.api_client import BaseApiClient
from openapi_client.api_response import ApiResponse
from openapi_client.configuration import Configuration
from openapi_client.credentials import CredentialProvider, select_provider
from openapi_client.exceptions import ApiValueError
from openapi_client.operation import Operation, RequestOptions

__all__ = ["ApiClient"]


class ApiClient(BaseApiClient):
    """The asyncio twin of :class:`openapi_client.ApiClient`.

    One client holds one aiohttp session (one connection pool); share it between API
    objects and tasks of one event loop, and close it when done::

        async with aio.ApiClient(configuration) as client:
            ...

    ``session``: bring your own ``aiohttp.ClientSession`` (custom TLS, tracing); the
    client never closes it, and the configuration's TLS and proxy settings do not apply.
    """

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

    rest_client: RESTClientObject

    _default: Optional[ApiClient] = None

    @classmethod
    def get_default(cls) -> ApiClient:
        """The client API classes use when given none (made on first use)."""
        if cls._default is None:
            cls._default = cls()
        return cls._default

    @classmethod
    def set_default(cls, default: Optional[ApiClient]) -> None:
        """Make ``default`` the client API classes use when given none."""
        cls._default = default

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
        # worker thread, so the event loop never waits on the token exchange; prepare() then
        # finds it fresh. Providers the call does not use are left alone, as the sync client does.
        due = self._provider_to_renew(operation, options)
        if due is not None:
            await asyncio.to_thread(due.authorization)
        request = self.prepare(operation, options, path_params=path_params, query_params=query_params, body=body)
        response = await self.call_api(
            *request,
            _request_timeout=options.get("_request_timeout"),
            retries=options.get("_retries"),
            preload_content=preload_content,
        )
        provider = self.renewing_provider(operation, options, request, response.status)
        if provider is not None and await asyncio.to_thread(provider.on_unauthorized, request[2]["Authorization"]):
            response.release_conn()
            response = await self.call_api(
                *self.with_authorization(request, provider.authorization()),
                _request_timeout=options.get("_request_timeout"),
                retries=options.get("_retries"),
                preload_content=preload_content,
            )
        return response

    def _provider_to_renew(self, operation: Operation, options: RequestOptions) -> Optional[CredentialProvider]:
        if options.get("_request_auth") is not None or not operation.auth:
            return None
        try:
            provider = select_provider(self.configuration, operation.auth)
        except ApiValueError:
            return None  # prepare() raises it, after checking the arguments
        return provider if provider.needs_refresh() else None

    async def call_api(
        self,
        method: str,
        url: str,
        header_params: Optional[Mapping[str, str]] = None,
        body: Optional[bytes] = None,
        post_params: Any = None,
        _request_timeout: Any = None,
        *,
        retries: Any = None,
        preload_content: bool = True,
    ) -> RESTResponse:
        """Send a serialized request and return the raw response (errors not raised yet)."""
        if post_params:
            raise ApiValueError("form parameters are not used by this API", ["post_params"])
        return await self.rest_client.request(
            method,
            url,
            headers=header_params,
            body=body,
            _request_timeout=_request_timeout,
            retries=retries,
            preload_content=preload_content,
            redactor=self._redactor_for(header_params),
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
