"""The client core both clients share, with no I/O: checking a call's arguments, choosing
its credential, building its :class:`~openapi_client._request.Request` (its plan made once),
and the credential side of the call as a sans-I/O flow (:meth:`ClientCore.auth_flow`).
Decoding answers is :mod:`openapi_client._decoding`; each client adds its transport."""

from __future__ import annotations

import datetime
import platform
import threading
from typing import (
    Any,
    Callable,
    Dict,
    Generator,
    Mapping,
    NamedTuple,
    Optional,
    Protocol,
    Sequence,
    Set,
    Tuple,
    Union,
)

from pydantic import BaseModel

from openapi_client import __version__
from openapi_client._call import CallFactory, CallPlan
from openapi_client._decoding import AnswerDecoding, model_bases
from openapi_client._http_request import (
    build_url,
    check_header_value,
    check_headers,
    credentials_allowed,
    encode_json,
    refuse_clear_text,
)
from openapi_client._operation_types import Operation, RequestOptions, check_options
from openapi_client._redaction import Redactor, basic_secrets, proxy_secrets, secrets_in_use
from openapi_client._request import Request
from openapi_client.configuration import Configuration
from openapi_client.credentials import CredentialProvider, select_provider
from openapi_client.exceptions import ApiValueError

__all__ = ["CallFlow", "ClientCore", "Renew", "Send", "Transport", "WireTuple", "json_data"]

WireTuple = Tuple[str, str, Dict[str, str], Optional[bytes]]
"""A request as the generated-client surface passes it: method, URL, headers, body."""

# The distribution's name (what pip installs), so the service's logs tell this SDK apart.
USER_AGENT = f"confluent-cloud-keys-sdk/{__version__} python/{platform.python_version()}"


class Send(NamedTuple):
    """A step of :meth:`BaseApiClient.auth_flow`: send ``request``; the response comes back."""

    request: Request


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


class ClientCore(AnswerDecoding):
    """What the sync ``openapi_client.ApiClient`` and the async ``openapi_client.aio.ApiClient``
    share, with no I/O: checking arguments, building requests (auth included), decoding answers.

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
            "User-Agent": USER_AGENT,
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
        # (the secrets in use, their redactor, that redactor with each proxy's secrets added),
        # replaced whole, so a call never pairs one configuration's redactor with another's.
        self._redactors: Tuple[Tuple[str, ...], Redactor, Dict[str, Redactor]] = ((), Redactor(), {})
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
    ) -> WireTuple:
        """Check the arguments of ``operation`` and build its request; bad input raises here,
        before anything is sent."""
        plan = self.plan_for(operation, options)
        request = self.build(
            operation, options, path_params, query_params, body, self.credential_for(operation, options), plan
        )
        return request.method, request.url, dict(request.headers), request.body

    def plan_for(self, operation: Operation, options: RequestOptions) -> CallPlan:
        """The plan of one call, made when it starts (its deadline holds from now for a token
        exchange that falls due, every attempt and the resend after a 401 alike)."""
        if options:
            request_timeout, retries = options.get("_request_timeout"), options.get("_retries")
        else:
            request_timeout = retries = None
        return self.rest_client.calls.plan(
            operation.method, operation.path, retries=retries, request_timeout=request_timeout
        )

    def credential_for(self, operation: Operation, options: RequestOptions) -> Optional[CredentialProvider]:
        """The configured provider whose credential this call sends; ``None`` when the call
        brings its own (``_request_auth``) or needs none. An :class:`ApiValueError` names the
        schemes when no configured credential fits; nothing is sent then."""
        if not operation.auth or (options and options.get("_request_auth") is not None):
            return None
        return select_provider(self.configuration, operation.auth)

    def build(
        self,
        operation: Operation,
        options: RequestOptions,
        path_params: Optional[Mapping[str, Any]],
        query_params: Optional[Mapping[str, Any]],
        body: Any,
        provider: Optional[CredentialProvider],
        plan: CallPlan,
    ) -> Request:
        """Check the arguments of ``operation``, then build its request with ``provider``'s
        credential (as :meth:`credential_for` chose it), for the call ``plan`` drives."""
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
        method, url, headers_out, body_bytes = self._build_request(
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
        plan.aim(url, self._redactor_for(headers_out, url))
        return Request(method, url, headers_out, body_bytes, provider, plan)

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
    ) -> WireTuple:
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
            body_bytes = encode_json(json_data(body))
        return method, url, headers, body_bytes

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

    @staticmethod
    def auth_flow(provider: Optional[CredentialProvider], build: Callable[[], Request]) -> CallFlow:
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
        rejected = request.headers.get("Authorization") if provider is not None and response.status == 401 else None
        if rejected:
            assert provider is not None
            try:
                authorization = yield Renew(provider, rejected)
            except BaseException:
                response.release_conn()
                raise
            if authorization is not None and authorization != rejected:
                response.release_conn()
                response = yield Send(request.with_authorization(authorization))
        return response

    def _redactor_for(self, headers: Optional[Mapping[str, str]], url: str) -> Redactor:
        """The secrets to scrub from what a call to ``url`` shows: the configured credentials'
        (an OAuth provider's change as it renews its token), those of the proxy the call goes
        through (one from the environment too), and those of an ``Authorization`` value given
        for this call only."""
        secrets = secrets_in_use(self.configuration)
        redactors = self._redactors
        if secrets != redactors[0]:
            redactors = self._redactors = (secrets, Redactor(secrets), {})
        redactor = redactors[1]
        proxy = self.rest_client.calls.route(url)
        if proxy is not None and proxy != self.configuration.proxy:  # the configured one is in ``secrets``
            through = redactors[2].get(proxy)
            if through is None:
                through = redactors[2][proxy] = redactor.with_more(proxy_secrets(proxy))
            redactor = through
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


def json_data(obj: Any) -> Any:
    """Plain JSON data for ``obj``; models lose their read-only fields (request bodies)."""
    from pydantic import SecretStr

    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, model_bases()):
        return obj.to_request_dict()
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(obj, SecretStr):
        return obj.get_secret_value()
    if isinstance(obj, (datetime.datetime, datetime.date)):
        return obj.isoformat()
    if isinstance(obj, (list, tuple)):
        return [json_data(item) for item in obj]
    if isinstance(obj, dict):
        return {str(key): json_data(value) for key, value in obj.items()}
    raise ApiValueError(f"cannot serialize a {type(obj).__name__} to JSON")
