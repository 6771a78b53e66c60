"""ApiClient: the one path every call takes (serialize, send, deserialize)."""

from __future__ import annotations

import datetime
import ipaddress
import json
from types import TracebackType
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type, TypeVar
from urllib.parse import quote, urlsplit

from pydantic import BaseModel

from openapi_client import __version__
from openapi_client.api_response import ApiResponse
from openapi_client.configuration import Configuration
from openapi_client.exceptions import (
    ApiException,
    ApiResponseError,
    ApiValueError,
    InsecureTransportError,
)
from openapi_client.operation import Operation, RequestOptions, check_options, is_json_media_type
from openapi_client.rest import RESTClientObject, RESTResponse

__all__ = ["ApiClient", "RequestSerialized"]

T = TypeVar("T")

RequestSerialized = Tuple[str, str, Dict[str, str], Optional[bytes]]


class ApiClient:
    """Serializes requests, sends them through :mod:`openapi_client.rest`, decodes answers.

    One client holds one connection pool; share it between API objects and threads, and
    close it when done (``with ApiClient(config) as client: ...``).
    """

    def __init__(
        self,
        configuration: Optional[Configuration] = None,
        header_name: Optional[str] = None,
        header_value: Optional[str] = None,
        cookie: Optional[str] = None,
    ) -> None:
        self.configuration = configuration if configuration is not None else Configuration()
        self.rest_client = RESTClientObject(self.configuration)
        self.default_headers: Dict[str, str] = {
            "User-Agent": f"openapi_client/{__version__}",
            "Accept": "application/json",
        }
        if header_name is not None and header_value is not None:
            self.default_headers[header_name] = header_value
        self.cookie = cookie
        # Both follow the live configuration; the caches only save recomputing them per call.
        self._auth_key: Tuple[Optional[str], ...] = ()
        self._auth: Dict[str, Dict[str, Any]] = {}
        self._hosts_allowing_credentials: Dict[Tuple[str, bool], bool] = {}

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

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` sent with every request (``name/version``)."""
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    def set_default_header(self, header_name: str, header_value: str) -> None:
        """Send ``header_name: header_value`` with every request of this client."""
        self.default_headers[header_name] = header_value

    # -- the shared path ---------------------------------------------------------------

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
        check_options(options)
        headers = options.get("_headers")
        content_type = options.get("_content_type")
        if content_type is not None:
            headers = {**(headers or {}), "Content-Type": content_type}
        request = self.param_serialize(
            operation.method,
            operation.path,
            path_params=operation.check_path(path_params or {}),
            query_params=operation.check_query(query_params or {}),
            header_params=headers,
            body=operation.check_body(body),
            auth_settings=operation.auth,
            _request_auth=options.get("_request_auth"),
        )
        return self.call_api(
            *request,
            _request_timeout=options.get("_request_timeout"),
            retries=options.get("_retries"),
            preload_content=preload_content,
        )

    # -- the generated-client surface ----------------------------------------------------

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
    ) -> RequestSerialized:
        """Build ``(method, url, headers, body)`` for a request.

        Path parameters are percent-encoded as one segment each (``/`` and ``?`` included,
        and ``.``/``..`` too), so no value can change the path.
        """
        if post_params or files:
            raise ApiValueError("form and file parameters are not used by this API")
        headers = dict(self.default_headers)
        if header_params:
            headers.update(header_params)
        if self.cookie:
            headers["Cookie"] = self.cookie

        path = resource_path
        if path_params:
            for name, value in path_params.items():
                path = path.replace("{" + name + "}", _path_segment(str(value)))
        host = self.configuration.host if _host is None else _host.rstrip("/")
        url = host + path
        if query_params:
            url += "?" + "&".join(
                f"{quote(str(k), safe='.')}={quote(_query_value(v), safe='')}" for k, v in query_params
            )

        self._apply_auth(headers, auth_settings or (), _request_auth, host)

        body_bytes: Optional[bytes] = None
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
            body_bytes = json.dumps(
                self.sanitize_for_serialization(body), separators=(",", ":"), ensure_ascii=False
            ).encode("utf-8")
        return method, url, headers, body_bytes

    def call_api(
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
        return self.rest_client.request(
            method,
            url,
            headers=header_params,
            body=body,
            post_params=post_params,
            _request_timeout=_request_timeout,
            retries=retries,
            preload_content=preload_content,
        )

    def response_deserialize(
        self,
        response_data: RESTResponse,
        response_types_map: Optional[Mapping[str, Optional[Type[Any]]]] = None,
        operation: Optional[Operation] = None,
    ) -> ApiResponse[Any]:
        """Decode a response; an error status raises the matching :class:`ApiException`.

        ``operation`` only serves messages: a body lacking a field its schema requires is
        an :class:`ApiResponseError` naming the field and the operation.
        """
        raw = response_data.read()
        status = response_data.status
        if not 200 <= status <= 299:
            raise ApiException.from_response(
                http_resp=response_data, body=raw.decode("utf-8", errors="replace") if raw else None
            )
        response_type = _response_type(response_types_map or {}, status)
        data = None
        if response_type is not None:
            data = self._decode(response_data, raw, response_type, operation)
        return ApiResponse(status_code=status, headers=response_data.headers, data=data, raw_data=raw)

    def deserialize(self, response_text: str | bytes, response_type: Any, content_type: Optional[str] = None) -> Any:
        """Decode a JSON document into ``response_type`` (a model class, or a plain type)."""
        if content_type is not None and not is_json_media_type(content_type):
            raise ApiResponseError(f"cannot decode content type {content_type!r}")
        # Imported here, not at the top: defining the first model costs ~30 ms of pydantic
        # set-up, which a program pays only once it decodes something (benchmarks/imports.py).
        from openapi_client.models._base import ApiModel, ApiRootModel

        if isinstance(response_type, type) and issubclass(response_type, (ApiModel, ApiRootModel)):
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

        from openapi_client.models._base import ApiModel, ApiRootModel

        if obj is None or isinstance(obj, (str, int, float, bool)):
            return obj
        if isinstance(obj, (ApiModel, ApiRootModel)):
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
        self, response: RESTResponse, raw: bytes, response_type: Type[Any], operation: Optional[Operation] = None
    ) -> Any:
        content_type = response.headers.get("Content-Type", "")
        if not raw:
            raise ApiResponseError(
                f"the {response.status} response has no body, expected {response_type.__name__}",
                status=response.status,
                headers=response.headers,
            )
        if content_type and not is_json_media_type(content_type):
            raise ApiResponseError(
                f"the response is {content_type!r}, not JSON",
                status=response.status,
                headers=response.headers,
                body=raw[:200].decode("utf-8", errors="replace"),
            )
        try:
            return self.deserialize(raw, response_type)
        except ValueError as exc:  # pydantic's ValidationError is one
            missing = _missing_fields(exc)
            if missing:
                what = operation.describe() if operation is not None else response_type.__name__
                raise ApiResponseError(
                    f"the {response.status} answer to {what} lacks {', '.join(repr(m) for m in missing)}, "
                    "which the API document requires",
                    status=response.status,
                    headers=response.headers,
                ) from exc
            raise ApiResponseError(
                f"the response is not a valid {response_type.__name__}: {_first_line(exc)}",
                status=response.status,
                headers=response.headers,
                body=raw[:200].decode("utf-8", errors="replace"),
            ) from exc

    def _apply_auth(
        self,
        headers: Dict[str, str],
        schemes: Sequence[str],
        request_auth: Optional[Mapping[str, Any]],
        host: str,
    ) -> None:
        setting = request_auth
        if setting is None:
            auth = self._current_auth()
            setting = next((auth[s] for s in schemes if s in auth), None)
        if setting is None:
            return
        if not self._credentials_allowed(host):
            raise InsecureTransportError(
                f"refusing to send credentials in clear text to {host}; use https, or set "
                "Configuration.allow_insecure_http = True if you really mean it"
            )
        location = setting.get("in", "header")
        if location != "header":
            raise ApiValueError(f"auth location {location!r} is not supported", ["_request_auth"])
        headers[setting["key"]] = setting["value"]

    def _current_auth(self) -> Dict[str, Dict[str, Any]]:
        config = self.configuration
        key = (config.username, config.password, config.access_token)
        if key != self._auth_key:
            self._auth, self._auth_key = config.auth_settings(), key
        return self._auth

    def _credentials_allowed(self, host: str) -> bool:
        key = (host, self.configuration.allow_insecure_http)
        allowed = self._hosts_allowing_credentials.get(key)
        if allowed is None:
            allowed = self._hosts_allowing_credentials[key] = _may_carry_credentials(*key)
        return allowed



def _response_type(types: Mapping[str, Optional[Type[Any]]], status: int) -> Optional[Type[Any]]:
    """The model for a success status; another 2xx than the documented one (say 200 for
    202) still decodes into the operation's one success model."""
    if str(status) in types:
        return types[str(status)]
    successes = {t for code, t in types.items() if code.startswith("2")}
    return successes.pop() if len(successes) == 1 else None


def _may_carry_credentials(host: str, allow_insecure_http: bool) -> bool:
    parts = urlsplit(host)
    if parts.scheme == "https" or allow_insecure_http:
        return True
    hostname = parts.hostname or ""
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def _path_segment(value: str) -> str:
    encoded = quote(value, safe="")
    if encoded in (".", ".."):
        encoded = encoded.replace(".", "%2E")
    return encoded


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _missing_fields(exc: ValueError) -> List[str]:
    """The dotted JSON paths (``data[2].spec.owner``) of the required fields a document lacks,
    when that is all that is wrong with it."""
    errors = getattr(exc, "errors", None)  # a pydantic ValidationError's
    if not callable(errors):
        return []
    found = []
    for error in errors(include_url=False, include_input=False):
        if error["type"] != "missing":
            return []  # other problems too: the general message tells them
        path = ""
        for part in error["loc"]:
            path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
        found.append(path)
    return found


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return " ".join(line.strip() for line in text[:3]) if text else type(exc).__name__
