"""The blocking client, ``ApiClient``, and ``BaseApiClient``: the shared core
(:mod:`openapi_client._client_core`) with the methods of openapi-generator clients, which
both clients inherit."""

from __future__ import annotations

from types import TracebackType
from typing import Any, ClassVar, Mapping, Optional, Sequence, Tuple, Type, TypeVar

import urllib3

from openapi_client._client_core import CallFlow, ClientCore, Renew, Send, Transport, WireTuple, json_data
from openapi_client._decoding import decode_json
from openapi_client._http_request import check_host
from openapi_client._operation_types import Operation, RequestOptions
from openapi_client.api_response import ApiResponse
from openapi_client.configuration import Configuration, TimeoutValue
from openapi_client.credentials import ConfluentOAuth, authorization_by, renewed_by
from openapi_client.exceptions import ApiValueError
from openapi_client.rest import RESTClientObject, RESTResponse
from openapi_client.retry import RetrySetting

__all__ = ["ApiClient", "ApiResponse", "BaseApiClient", "CallFlow", "Renew", "Send", "Transport"]

_Client = TypeVar("_Client", bound="BaseApiClient")


class BaseApiClient(ClientCore):
    """What the sync :class:`ApiClient` and the async ``openapi_client.aio.ApiClient`` share,
    with no I/O: the client core (checking arguments, building requests, the renew flow,
    decoding answers) and the generated-client methods below.

    A subclass adds the transport (``rest_client``): how a built request is sent and its
    body read.
    """

    # -- generated-client compatibility ------------------------------------------------------
    # What code written for an openapi-generator client calls on its ApiClient, kept with the
    # generator's names and leading parameters (test/test_compat_surface.py pins them). The
    # SDK's own path (execute) does not go through any of them. The I/O half, call_api and
    # response_deserialize, is in each transport's ApiClient.

    @classmethod
    def get_default(cls: Type[_Client]) -> _Client:
        """The client API classes use when given none (made on first use); the sync and the
        async client each have their own."""
        default: Optional[_Client] = cls.__dict__.get("_default")  # this class's own, not a base's
        if default is None:
            default = cls()
            cls._default = default
        return default

    @classmethod
    def set_default(cls: Type[_Client], default: Optional[_Client]) -> None:
        """Make ``default`` the client API classes use when given none."""
        cls._default = default

    _default: ClassVar[Optional[BaseApiClient]] = None

    def param_serialize(
        self,
        method: str,
        resource_path: str,
        path_params: Optional[Mapping[str, Any]] = None,
        query_params: Optional[Sequence[Tuple[str, Any]]] = None,
        header_params: Optional[Mapping[str, str]] = None,
        body: Any = None,
        post_params: Any = None,
        files: Any = None,
        auth_settings: Optional[Sequence[str]] = None,
        collection_formats: Any = None,
        _host: Optional[str] = None,
        _request_auth: Optional[Mapping[str, Any]] = None,
    ) -> WireTuple:
        """Build ``(method, url, headers, body)`` for a request, unchecked against any
        operation description (``execute`` checks first).

        ``post_params``, ``files`` and ``collection_formats`` are here because generated
        clients' ``_serialize`` methods always pass them (empty); this API has JSON bodies
        only and no list-valued query parameters, so a non-empty value is refused.
        """
        for name, value in (("post_params", post_params), ("files", files), ("collection_formats", collection_formats)):
            if value:
                raise ApiValueError(f"{name} must be empty: this API takes JSON bodies and plain query values", [name])
        host = self.configuration.host if _host is None else check_host(_host, "_host")
        auth = auth_settings or ()
        return self._build_request(
            method, resource_path, path_params, query_params, header_params, body, auth, host, _request_auth
        )

    def deserialize(self, response_text: str | bytes, response_type: Any, content_type: Optional[str] = None) -> Any:
        """Decode a JSON document into ``response_type`` (a model class, or a plain type)."""
        return decode_json(response_text, response_type, content_type)

    @classmethod
    def sanitize_for_serialization(cls, obj: Any) -> Any:
        """Plain JSON data for ``obj``; models lose their read-only fields (request bodies)."""
        return json_data(obj)


class ApiClient(BaseApiClient):
    """Serializes requests, sends them through :mod:`openapi_client.rest`, decodes answers.

    One client holds one connection pool; share it between API objects and threads, and
    close it when done (``with ApiClient(config) as client: ...``). ``pool_manager`` is the
    transport seam: a ``urllib3.PoolManager`` of your own (custom TLS, instrumentation) that
    every request of this client goes through; the configuration's TLS and proxy settings
    then do not apply.
    """

    rest_client: RESTClientObject

    def __init__(
        self,
        configuration: Optional[Configuration] = None,
        header_name: Optional[str] = None,
        header_value: Optional[str] = None,
        cookie: Optional[str] = None,
        *,
        pool_manager: Optional[urllib3.PoolManager] = None,
    ) -> None:
        self.rest_client = RESTClientObject(
            configuration if configuration is not None else Configuration(), pool_manager
        )
        super().__init__(self.rest_client.configuration, header_name, header_value, cookie)

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections."""
        self.rest_client.clear()

    def call(
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
        response = self.execute(operation, options, path_params=path_params, query_params=query_params, body=body)
        return self.decode_response(response, response.read(), operation.responses, operation)

    def execute(
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
                outcome: Any = self.rest_client.send(step.request, preload_content)
            else:
                try:
                    outcome = self._renew(step, plan.deadline)
                except BaseException as exc:
                    step = flow.throw(exc)
                    continue
            try:
                step = flow.send(outcome)
            except StopIteration as done:
                response: RESTResponse = done.value
                return response

    def _renew(self, step: Renew, deadline: Optional[float]) -> Optional[str]:
        """Perform a :class:`Renew` step, blocking: an OAuth exchange goes through the
        provider's blocking transport (single flight across threads) within ``deadline``."""
        provider, rejected = step
        if isinstance(provider, ConfluentOAuth):
            return provider.renew(rejected, deadline=deadline, host=self.configuration.host)
        if rejected is None:
            return authorization_by(provider, deadline)
        return authorization_by(provider, deadline) if renewed_by(provider, rejected, deadline) else None

    # -- generated-client compatibility: the I/O half (see BaseApiClient) --------------------

    def call_api(
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
        return self.rest_client.request(
            method,
            url,
            headers=header_params,
            body=body,
            _request_timeout=_request_timeout,
            retries=retries,
            preload_content=preload_content,
            redactor=self._redactor_for(header_params, url),
        )

    def response_deserialize(
        self,
        response_data: RESTResponse,
        response_types_map: Optional[Mapping[str, Optional[Type[Any]]]] = None,
        operation: Optional[Operation] = None,
    ) -> ApiResponse[Any]:
        """Decode a response; an error status raises the matching :class:`ApiException`
        (``operation``, if given, names the call in messages about a malformed answer)."""
        return self.decode_response(response_data, response_data.read(), response_types_map, operation)
