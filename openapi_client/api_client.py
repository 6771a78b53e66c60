"""ApiClient: the one path every call takes (serialize, send, deserialize)."""

from __future__ import annotations

import datetime
import functools
import json
import logging
import re
import threading
import time
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    ClassVar,
    Dict,
    Generator,
    Iterator,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Protocol,
    Sequence,
    Set,
    Tuple,
    Type,
    TypeVar,
    Union,
)

import urllib3
from pydantic import BaseModel

from openapi_client import __version__
from openapi_client._http_request import (
    build_url,
    check_header_value,
    check_headers,
    check_host,
    credentials_allowed,
    encode_json,
    refuse_clear_text,
)
from openapi_client._operation_types import Operation, RequestOptions, check_options, is_json_media_type
from openapi_client._redaction import Redactor, basic_secrets, secrets_in_use
from openapi_client.api_response import ApiResponse
from openapi_client.call import CallFactory
from openapi_client.configuration import Configuration, TimeoutValue
from openapi_client.credentials import (
    ConfluentOAuth,
    CredentialProvider,
    authorization_by,
    renewed_by,
    select_provider,
)
from openapi_client.exceptions import (
    ApiException,
    ApiResponseError,
    ApiValueError,
)
from openapi_client.rest import RESTClientObject, RESTResponse
from openapi_client.retry import RetrySetting

if TYPE_CHECKING:
    from openapi_client.models._base import ApiModel, ApiRootModel
    from openapi_client.models._deviation import Deviation

__all__ = ["ApiClient", "BaseApiClient"]

_Request = Tuple[str, str, Dict[str, str], Optional[bytes]]
"""A built request: method, URL, headers, body."""

_Client = TypeVar("_Client", bound="BaseApiClient")

logger = logging.getLogger("openapi_client")

_REPORTED_LIMIT = 256
"""How many (operation, field) deviations a client remembers having logged; past it, new
ones are not logged (memory stays bounded whatever a server sends)."""


class Send(NamedTuple):
    """A step of :meth:`BaseApiClient.auth_flow`: send ``request``; the response comes back."""

    request: _Request


class Renew(NamedTuple):
    """A step of :meth:`BaseApiClient.auth_flow`: renew ``provider``'s credential, which the
    service refused as ``rejected`` (``None``: a refresh that fell due); the new
    ``Authorization`` value comes back, or ``None``."""

    provider: CredentialProvider
    rejected: Optional[str]


CallFlow = Generator[Union[Send, Renew], Any, Any]


class Transport(Protocol):
    """What the shared client needs of a transport while building a request."""

    calls: CallFactory

    def proxy_for(self, url_host: str) -> Optional[str]:
        """The proxy requests to ``url_host`` go through, if any (credentials then pass it)."""
        ...


class BaseApiClient:
    """What the sync :class:`ApiClient` and the async ``openapi_client.aio.ApiClient`` share,
    with no I/O: checking arguments, building requests (auth included), decoding answers.

    A subclass adds the transport (``rest_client``): how a built request is sent and its
    body read.
    """

    rest_client: Transport

    def __init__(
        self,
        configuration: Optional[Configuration] = None,
        header_name: Optional[str] = None,
        header_value: Optional[str] = None,
        cookie: Optional[str] = None,
    ) -> None:
        self.configuration = configuration if configuration is not None else Configuration()
        self.default_headers: Dict[str, str] = {
            "User-Agent": f"openapi_client/{__version__}",
            "Accept": "application/json",
            # The codings the shared body decoder undoes, within max_response_bytes.
            "Accept-Encoding": "gzip, deflate",
        }
        if header_name is not None and header_value is not None:
            self.set_default_header(header_name, header_value)
        if cookie is not None:
            check_header_value("Cookie", cookie, "cookie")
        self.cookie = cookie
        # Both follow the live configuration; the caches only save recomputing them per call.
        self._redactor = Redactor()
        self._redactor_key: Tuple[str, ...] = ()
        self._hosts_allowing_credentials: Dict[Tuple[str, bool], bool] = {}
        # (operation, field) of the deviations logged by this client: each is logged once.
        self._reported: Set[Tuple[str, str]] = set()
        self._reported_lock = threading.Lock()

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` sent with every request (``name/version``)."""
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = check_header_value("User-Agent", value, "user_agent")

    def set_default_header(self, header_name: str, header_value: str) -> None:
        """Send ``header_name: header_value`` with every request of this client."""
        check_headers({header_name: header_value}, "set_default_header")
        self.default_headers[_header_key(header_name, self.default_headers)] = header_value

    # -- the shared path (no I/O) ---------------------------------------------------------------

    def prepare(
        self,
        operation: Operation,
        options: RequestOptions,
        *,
        path_params: Optional[Mapping[str, Any]] = None,
        query_params: Optional[Mapping[str, Any]] = None,
        body: Any = None,
    ) -> _Request:
        """Check the arguments of ``operation`` and build its request; bad input raises here,
        before anything is sent."""
        return self.build(operation, options, path_params, query_params, body, self.credential_for(operation, options))

    def credential_for(self, operation: Operation, options: RequestOptions) -> Optional[CredentialProvider]:
        """The configured provider whose credential this call sends; ``None`` when the call
        brings its own (``_request_auth``), needs none, or no provider fits (then
        :meth:`build` raises, after checking the arguments)."""
        if not operation.auth or (options and options.get("_request_auth") is not None):
            return None
        try:
            return select_provider(self.configuration, operation.auth)
        except ApiValueError:
            return None

    def build(
        self,
        operation: Operation,
        options: RequestOptions,
        path_params: Optional[Mapping[str, Any]],
        query_params: Optional[Mapping[str, Any]],
        body: Any,
        provider: Optional[CredentialProvider],
    ) -> _Request:
        """Check the arguments of ``operation``, then build its request with ``provider``'s
        credential (as :meth:`credential_for` chose it)."""
        headers: Optional[Mapping[str, str]] = None
        request_auth: Optional[Mapping[str, Any]] = None
        if options:
            content_type = options.get("_content_type")
            if content_type is not None:  # sendable first: the media type check reads it
                check_header_value("Content-Type", content_type, "_content_type")
            check_options(options)
            headers = options.get("_headers")
            if headers:
                check_headers(headers, "_headers")
            if content_type is not None:
                headers = {**(headers or {}), "Content-Type": content_type}
            request_auth = options.get("_request_auth")
        return self._build_request(
            operation.method,
            operation.path,
            operation.check_path(path_params or {}) if operation.path_params else None,
            operation.check_query(query_params) if query_params else None,
            headers,
            operation.check_body(body),
            operation.auth,
            self.configuration.host,
            request_auth,
            provider,
        )

    def decode_response(
        self,
        response_data: Any,
        raw: bytes,
        response_types_map: Optional[Mapping[str, Optional[Type[Any]]]] = None,
        operation: Optional[Operation] = None,
    ) -> ApiResponse[Any]:
        """Decode a response whose body ``raw`` has been read; an error status raises the
        matching :class:`ApiException`.

        A JSON object that breaks its model (a required field missing, a value of another
        type) is decoded tolerantly: kept as sent, its deviations on the result's
        ``deviations`` and the model's ``model_deviations``, each logged once per operation
        and field by this client. With ``Configuration.strict_answers`` it is an
        :class:`ApiResponseError` naming the fields and the operation instead. ``operation``
        serves messages only."""
        status = response_data.status
        if not 200 <= status <= 299:
            raise ApiException.from_response(
                http_resp=response_data, body=raw.decode("utf-8", errors="replace") if raw else None
            )
        response_type = _response_type(response_types_map or {}, status)
        data = None
        deviations: Tuple[Deviation, ...] = ()
        if response_type is not None:
            data, deviations = self._decode(response_data, raw, response_type, operation)
        return ApiResponse(
            status_code=status, headers=response_data.headers, data=data, raw_data=raw, deviations=deviations
        )

    def _build_request(
        self,
        method: str,
        resource_path: str,
        path_params: Optional[Mapping[str, Any]],
        query_params: Optional[Sequence[Tuple[str, Any]]],
        header_params: Optional[Mapping[str, str]],
        body: Any,
        auth_settings: Sequence[str],
        host: str,
        request_auth: Optional[Mapping[str, Any]],
        provider: Optional[CredentialProvider] = None,
    ) -> _Request:
        """``(method, url, headers, body)``; each path value is percent-encoded as one segment
        (``/``, ``?``, ``.`` and ``..`` included), so no value can change the path."""
        headers = self.default_headers.copy()
        if header_params:
            for name, value in header_params.items():
                headers[_header_key(name, headers)] = value
        if self.cookie:
            headers["Cookie"] = self.cookie
        url = build_url(host, resource_path, path_params, query_params)
        self._apply_auth(headers, auth_settings, request_auth, host, provider)
        body_bytes: Optional[bytes] = None
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
            body_bytes = encode_json(self.sanitize_for_serialization(body))
        return method, url, headers, body_bytes

    # -- generated-client compatibility ------------------------------------------------------
    # What code written for an openapi-generator client calls on its ApiClient, kept with the
    # generator's names and leading parameters (test/test_compat_surface.py pins them). The
    # SDK's own path (execute) does not go through param_serialize or call_api; it does use
    # deserialize and sanitize_for_serialization. The I/O half, call_api and
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
    ) -> _Request:
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
        if content_type is not None and not is_json_media_type(content_type):
            raise ApiResponseError(f"cannot decode content type {content_type!r}")
        if isinstance(response_type, type) and issubclass(response_type, _model_bases()):
            return response_type.from_json(response_text)
        if isinstance(response_type, type) and issubclass(response_type, BaseModel):
            return response_type.model_validate_json(response_text)
        value = json.loads(response_text)
        if response_type in (None, object, Any):
            return value
        if response_type is datetime.datetime:
            return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return response_type(value)

    @classmethod
    def sanitize_for_serialization(cls, obj: Any) -> Any:
        """Plain JSON data for ``obj``; models lose their read-only fields (request bodies)."""
        from pydantic import SecretStr

        if obj is None or isinstance(obj, (str, int, float, bool)):
            return obj
        if isinstance(obj, _model_bases()):
            return obj.to_request_dict()
        if isinstance(obj, BaseModel):
            return obj.model_dump(mode="json", by_alias=True, exclude_unset=True)
        if isinstance(obj, SecretStr):
            return obj.get_secret_value()
        if isinstance(obj, (datetime.datetime, datetime.date)):
            return obj.isoformat()
        if isinstance(obj, (list, tuple)):
            return [cls.sanitize_for_serialization(item) for item in obj]
        if isinstance(obj, dict):
            return {str(key): cls.sanitize_for_serialization(value) for key, value in obj.items()}
        raise ApiValueError(f"cannot serialize a {type(obj).__name__} to JSON")

    # -- helpers -------------------------------------------------------------------------

    def _decode(
        self, response: Any, raw: bytes, response_type: Type[Any], operation: Optional[Operation] = None
    ) -> Tuple[Any, Tuple[Deviation, ...]]:
        """The decoded body and where it breaks the document (see :meth:`decode_response`)."""
        content_type = response.headers.get("Content-Type", "")
        if not raw:
            raise ApiResponseError(
                f"the {response.status} response has no body, expected {response_type.__name__}",
                status=response.status,
                headers=response.headers,
                redactor=_redactor_of(response),
            )
        if content_type and not is_json_media_type(content_type):
            redactor = _redactor_of(response)
            raise ApiResponseError(
                f"the response is {content_type!r}, not JSON",
                status=response.status,
                headers=response.headers,
                body=redactor.text(raw.decode("utf-8", errors="replace"))[:200],
                redactor=redactor,
            )
        tolerant = not self.configuration.strict_answers
        if tolerant and isinstance(response_type, type) and issubclass(response_type, _model_bases()[0]):
            return self._decode_tolerantly(response, raw, response_type, operation)
        try:
            return self.deserialize(raw, response_type), ()
        except ValueError as exc:  # pydantic's ValidationError is one
            raise _refusal(response, raw, response_type, operation, exc) from None

    def _decode_tolerantly(
        self, response: Any, raw: bytes, response_type: Type[ApiModel], operation: Optional[Operation]
    ) -> Tuple[Any, Tuple[Deviation, ...]]:
        """The precise model first (a page's odd items taken leniently in the same pass); only
        what it refuses is decoded again, every field lenient (``models/_tolerant.py``)."""
        from openapi_client.models._tolerant import TOLERATED, fast_validator, lenient_validator, mark_odd_items

        fast = fast_validator(response_type)
        context: Dict[str, Any] = {}
        try:
            data = fast.validate_json(raw, context) if fast is not None else response_type.from_json(raw)
        except ValueError as exc:
            context = {}
            try:
                data = lenient_validator(response_type).validate_json(raw, context)
            except ValueError:
                raise _refusal(response, raw, response_type, operation, exc) from None
        if TOLERATED not in context:
            return data, ()
        mark_odd_items(data)
        deviations = data.model_deviations
        self._report(deviations, response.status, operation.describe() if operation else response_type.__name__)
        return data, deviations

    def _report(self, deviations: Tuple[Deviation, ...], status: int, what: str) -> None:
        """Log each deviation at WARNING, once per operation and field for this client (the
        items of a list count as one field), never with a value."""
        for deviation in deviations:
            field = _ANY_INDEX.sub("[*]", deviation.path)
            with self._reported_lock:
                if (what, field) in self._reported or len(self._reported) >= _REPORTED_LIMIT:
                    continue
                self._reported.add((what, field))
            logger.warning(
                "the %s answer to %s breaks the API document at %s (%s); decoded tolerantly "
                "(Configuration.strict_answers=True refuses such answers)",
                status,
                what,
                field,
                deviation.problem,
            )

    def _apply_auth(
        self,
        headers: Dict[str, str],
        schemes: Sequence[str],
        request_auth: Optional[Mapping[str, Any]],
        host: str,
        provider: Optional[CredentialProvider] = None,
    ) -> None:
        if request_auth is None:
            if not schemes:
                return  # a request built without auth settings carries no credentials
            if provider is None:
                provider = select_provider(self.configuration, schemes)
        if not self._credentials_allowed(host):
            raise refuse_clear_text(host, self.rest_client.proxy_for(host))
        if provider is not None:
            headers["Authorization"] = provider.authorization()
            return
        assert request_auth is not None
        location = request_auth.get("in", "header")
        if location != "header":
            raise ApiValueError(f"auth location {location!r} is not supported", ["_request_auth"])
        check_headers({request_auth["key"]: request_auth["value"]}, "_request_auth")
        headers[_header_key(request_auth["key"], headers)] = request_auth["value"]

    def call_deadline(self, options: RequestOptions) -> Optional[float]:
        """When the whole call ends (``time.monotonic()``): its retry policy's
        ``total_timeout`` from now, for a token exchange that falls due, every attempt and the
        resend after a 401 alike; ``None`` without a budget."""
        budget = self.rest_client.calls.policy(options.get("_retries") if options else None).total_timeout
        return None if budget is None else time.monotonic() + budget

    @staticmethod
    def auth_flow(provider: Optional[CredentialProvider], build: Callable[[], _Request]) -> CallFlow:
        """The credential side of one call as a sans-I/O flow, driven alike by both clients'
        ``execute`` (httpx's ``auth_flow`` is the model). It yields :class:`Renew` (a token
        exchange or another renewal, I/O: the driver performs it within the call's deadline
        and sends back the new ``Authorization`` value, or ``None`` when there is none) and
        :class:`Send` (the driver sends back the response), and returns the final response:

        * the provider's credential due for renewal (an OAuth token near its expiry) is
          renewed before the request is built;
        * a 401 to a credential the call carried asks the provider to renew once; with a
          new value the request is sent once more, never twice.
        """
        if provider is not None and provider.needs_refresh():
            yield Renew(provider, None)
        request = build()
        response = yield Send(request)
        rejected = request[2].get("Authorization") if provider is not None and response.status == 401 else None
        if rejected:
            assert provider is not None
            try:
                authorization = yield Renew(provider, rejected)
            except BaseException:
                response.release_conn()
                raise
            if authorization is not None and authorization != rejected:
                response.release_conn()
                response = yield Send(BaseApiClient.with_authorization(request, authorization))
        return response

    @staticmethod
    def with_authorization(request: _Request, authorization: str) -> _Request:
        """``request`` with another ``Authorization`` value."""
        method, url, headers, body = request
        return method, url, {**headers, "Authorization": authorization}, body

    def _redactor_for(self, headers: Optional[Mapping[str, str]]) -> Redactor:
        """The secrets to scrub from what a call shows: the configured credentials' (an
        OAuth provider's change as it renews its token), and those of an ``Authorization``
        value given for this call only."""
        secrets = secrets_in_use(self.configuration)
        if secrets != self._redactor_key:
            self._redactor, self._redactor_key = Redactor(secrets), secrets
        redactor = self._redactor
        authorization = headers.get("Authorization") if headers else None
        if authorization and authorization not in redactor.secrets:
            redactor = redactor.with_more(basic_secrets(authorization))
        return redactor

    def _credentials_allowed(self, host: str) -> bool:
        key = (host, self.configuration.allow_insecure_http)
        allowed = self._hosts_allowing_credentials.get(key)
        if allowed is None:
            proxy = self.rest_client.proxy_for(host)
            allowed = self._hosts_allowing_credentials[key] = credentials_allowed(host, proxy, key[1])
        return allowed


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
        # One deadline for the whole call: a token exchange due now, every attempt, the resend.
        deadline = self.call_deadline(options)
        provider = self.credential_for(operation, options)
        timeout, retries = (options.get("_request_timeout"), options.get("_retries")) if options else (None, None)
        flow = self.auth_flow(
            provider, lambda: self.build(operation, options, path_params, query_params, body, provider)
        )
        step = next(flow)
        while True:
            if isinstance(step, Send):
                outcome: Any = self._send(*step.request, timeout, retries, preload_content, deadline)
            else:
                try:
                    outcome = self._renew(step, deadline)
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

    def _send(
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
        return self.rest_client.request(
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
        return self._send(method, url, header_params, body, _request_timeout, retries, preload_content)

    def response_deserialize(
        self,
        response_data: RESTResponse,
        response_types_map: Optional[Mapping[str, Optional[Type[Any]]]] = None,
        operation: Optional[Operation] = None,
    ) -> ApiResponse[Any]:
        """Decode a response; an error status raises the matching :class:`ApiException`
        (``operation``, if given, names the call in messages about a malformed answer)."""
        return self.decode_response(response_data, response_data.read(), response_types_map, operation)


@functools.cache
def _model_bases() -> Tuple[Type[ApiModel], Type[ApiRootModel]]:
    """The SDK's model base classes. Imported on first use, not with this module: defining the
    first model costs ~30 ms of pydantic set-up, which a program pays only once it decodes
    something (benchmarks/imports.py)."""
    from openapi_client.models._base import ApiModel, ApiRootModel

    return ApiModel, ApiRootModel


# The spelling the client itself uses for the headers it sets during a call.
_OWN_SPELLING = {name.lower(): name for name in ("Authorization", "Content-Type", "Cookie")}


def _header_key(name: str, headers: Mapping[str, str]) -> str:
    """The key ``name`` takes in ``headers``: the spelling of a header already there under
    another case, or the client's own, so that a header given in any case replaces the
    one of that name (HTTP names are case-insensitive) instead of going out twice."""
    if name in headers:
        return name
    lowered = name.lower()
    for key in headers:
        if key.lower() == lowered:
            return key
    return _OWN_SPELLING.get(lowered, name)


def _response_type(types: Mapping[str, Optional[Type[Any]]], status: int) -> Optional[Type[Any]]:
    """The model for a success status; another 2xx than the documented one (say 200 for
    202) still decodes into the operation's one success model."""
    if str(status) in types:
        return types[str(status)]
    successes = {t for code, t in types.items() if code.startswith("2")}
    return successes.pop() if len(successes) == 1 else None


_SECRET_FIELD = re.compile(rb'"secret"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _redactor_of(response: Any) -> Redactor:
    redactor = getattr(response, "redactor", None)
    return redactor if isinstance(redactor, Redactor) else Redactor()


def _secret_fields(raw: bytes) -> Iterator[str]:
    """The values of ``secret`` fields anywhere in a JSON document (a create answer's new
    secret), to scrub from an error that quotes the document."""
    try:
        document = json.loads(raw)
    except ValueError:
        yield from (match.decode("utf-8", "replace") for match in _SECRET_FIELD.findall(raw))
        return
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "secret" and isinstance(value, str):
                    yield value
                else:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


_ANY_INDEX = re.compile(r"\[\d+\]")


def _refusal(
    response: Any, raw: bytes, response_type: Type[Any], operation: Optional[Operation], exc: ValueError
) -> ApiResponseError:
    """The error for an answer that breaks its model: naming the missing fields and the
    operation when that is all that is wrong, else quoting the (redacted) body."""
    missing = _missing_fields(exc)
    if missing:
        what = operation.describe() if operation is not None else response_type.__name__
        return ApiResponseError(
            f"the {response.status} answer to {what} lacks {', '.join(repr(m) for m in missing)}, "
            "which the API document requires",
            status=response.status,
            headers=response.headers,
            redactor=_redactor_of(response),
        )
    redactor = _redactor_of(response).with_more(_secret_fields(raw))
    fields = _broken_fields(exc)
    where = f" (the {response.status} answer to {operation.describe()}{fields})" if operation is not None else ""
    return ApiResponseError(
        f"the response is not a valid {response_type.__name__}{where}: {_first_line(exc)}",
        status=response.status,
        headers=response.headers,
        body=redactor.text(raw.decode("utf-8", errors="replace"))[:200],
        redactor=redactor,
    )


def _broken_fields(exc: ValueError) -> str:
    """``" breaks data[1].metadata (model_type)"``: where a pydantic error says the document
    is broken, without values."""
    if not callable(getattr(exc, "errors", None)):
        return ""
    from openapi_client.models._tolerant import deviations_of

    found = [f"{d.path} ({d.problem})" for d in deviations_of(exc) if d.path]  # type: ignore[arg-type]
    return f" breaks {', '.join(found[:5])}" if found else ""


def _missing_fields(exc: ValueError) -> List[str]:
    """The dotted JSON paths (``data[2].spec.owner``) of the required fields a document lacks,
    when that is all that is wrong with it."""
    errors = getattr(exc, "errors", None)  # a pydantic ValidationError's
    if not callable(errors):
        return []
    # A BYOK key of a known kind is also tried as an unknown key, which refuses it: that
    # error says nothing about the document, and the union's branch names are not fields.
    from openapi_client.models.byok_v1_key_key import BRANCH_TAGS, KNOWN_KIND_ERROR

    found = []
    for error in errors(include_url=False, include_input=False):
        if error["type"] == KNOWN_KIND_ERROR:
            continue
        if error["type"] != "missing":
            return []  # other problems too: the general message tells them
        path = ""
        for part in error["loc"]:
            if part in BRANCH_TAGS:
                continue
            path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
        found.append(path)
    return found


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return " ".join(line.strip() for line in text[:3]) if text else type(exc).__name__
