"""Every error the SDK raises.

``OpenApiException`` is the root. Refused input raises ``ApiValueError``/``ApiTypeError``
before anything is sent. A response with an error status raises the ``ApiException``
subclass for that status, carrying the parsed ``Failure`` body and the request id. Network
trouble raises ``ApiConnectionError`` (``ApiTimeoutError`` for timeouts), and a response
that cannot be read raises ``ApiResponseError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Sequence, Tuple, Type, Union

from openapi_client._redaction import Redactor
from openapi_client._retry_headers import relative_seconds

if TYPE_CHECKING:
    from openapi_client.error_bodies import ErrorBody, Problem
    from openapi_client.models.failure import Failure
    from openapi_client.models.responses import ByokV1KeyRead

__all__ = [
    "OpenApiException",
    "ApiTypeError",
    "ApiValueError",
    "ApiConnectionError",
    "ApiTimeoutError",
    "ClientClosedError",
    "ApiResponseError",
    "InsecureTransportError",
    "ApiException",
    "BadRequestException",
    "UnauthorizedException",
    "PaymentRequiredException",
    "ForbiddenException",
    "NotFoundException",
    "ConflictException",
    "UnprocessableEntityException",
    "TooManyRequestsException",
    "ServiceException",
    "WaiterError",
    "WaiterTimeoutError",
    "KeyValidationFailedError",
]

REQUEST_ID_HEADER = "X-Request-Id"
_NO_SECRETS = Redactor()
# Most characters of the reason phrase and the request id shown in an exception's message.
_REASON_LIMIT = 100


def _render_path(path: Optional[Sequence[Union[str, int]]]) -> str:
    if not path:
        return ""
    rendered = ""
    for part in path:
        rendered += f"[{part}]" if isinstance(part, int) else f"['{part}']"
    return rendered


class OpenApiException(Exception):
    """The base of every error this SDK raises.

    Every one pickles (for ``multiprocessing`` and ``concurrent.futures``) and comes back
    with the same message and attributes, already masked.
    """

    def __reduce__(self) -> Tuple[Any, ...]:
        # Rebuilt from what it holds, not through __init__ again: the constructors format and
        # mask their message, and their arguments are not what ``args`` keeps.
        return (_restore_exception, (type(self), self.args, self.__dict__))


def _restore_exception(cls: Type[OpenApiException], args: Tuple[Any, ...], state: Dict[str, Any]) -> OpenApiException:
    exc = cls.__new__(cls, *args)
    exc.args = args  # OSError's __new__ (TimeoutError's) leaves args to __init__ in a subclass that has its own
    exc.__dict__.update(state)
    return exc


class ApiTypeError(OpenApiException, TypeError):
    """An argument has the wrong type; nothing was sent."""

    def __init__(
        self,
        msg: str,
        path_to_item: Optional[Sequence[Union[str, int]]] = None,
        valid_classes: Optional[tuple[type, ...]] = None,
        key_type: Optional[bool] = None,
    ) -> None:
        self.path_to_item = path_to_item
        self.valid_classes = valid_classes
        self.key_type = key_type
        super().__init__(f"{msg} at {_render_path(path_to_item)}" if path_to_item else msg)


class ApiValueError(OpenApiException, ValueError):
    """An argument has a value the API refuses; nothing was sent."""

    def __init__(self, msg: str, path_to_item: Optional[Sequence[Union[str, int]]] = None) -> None:
        self.path_to_item = path_to_item
        super().__init__(f"{msg} at {_render_path(path_to_item)}" if path_to_item else msg)


class InsecureTransportError(OpenApiException):
    """Credentials would be sent in clear text to a host that is not this machine."""


class ApiConnectionError(OpenApiException):
    """The service could not be reached, or the connection broke before a full answer."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        self.method = method
        self.url = url
        super().__init__(f"{method} {url}: {message}" if method else message)


class ApiTimeoutError(ApiConnectionError):
    """The service did not answer within the configured timeout."""


class ClientClosedError(OpenApiException, RuntimeError):
    """The client was closed, or (``openapi_client.aio``) is used from another event loop
    than the one it first ran in; nothing was sent. Make a new client."""


def redact_headers(headers: Optional[Mapping[str, str]], redactor: Optional[Redactor] = None) -> Dict[str, str]:
    """A copy of ``headers`` safe to log or show: credential headers masked, and the
    secrets ``redactor`` knows masked in every other value."""
    return (redactor or _NO_SECRETS).headers(headers)


class ApiException(OpenApiException):
    """The service answered with an error status.

    ``status``, ``reason``, ``headers`` (credentials redacted), ``body`` (the raw text),
    ``failure`` (the parsed :class:`Failure`, or ``None`` when the body is not one),
    ``problem`` (the parsed body whatever its shape: a ``Failure``, a
    :class:`~openapi_client.error_bodies.ConfluentError` or a
    :class:`~openapi_client.error_bodies.ProblemDetails`; ``None`` for text and HTML),
    ``doc_url`` (a page explaining the error, when the body names one) and ``request_id``
    (the ``X-Request-Id`` to quote to Confluent support) are all set. ``str(exc)`` is one
    bounded line: the status, the service's own words whatever the body's shape (see
    :func:`~openapi_client.error_bodies.read_error_body`) and the request id. Every secret
    of the call that the service echoed back is masked as ``**********`` in all of them.
    """

    def __init__(
        self,
        status: Optional[int] = None,
        reason: Optional[str] = None,
        http_resp: Any = None,
        *,
        body: Optional[str] = None,
        data: Any = None,
        headers: Optional[Mapping[str, str]] = None,
        redactor: Optional[Redactor] = None,
    ) -> None:
        if http_resp is not None:
            redactor = redactor if redactor is not None else getattr(http_resp, "redactor", None)
            status = status if status is not None else http_resp.status
            reason = reason if reason is not None else http_resp.reason
            if body is None and http_resp.data is not None:
                body = http_resp.data.decode("utf-8", errors="replace")
            headers = headers if headers is not None else http_resp.headers
        redactor = redactor or _NO_SECRETS
        self.status = status or 0
        self.reason = redactor.text(reason or "")
        self.body = redactor.optional_text(body)
        self.headers: Dict[str, str] = redactor.headers(headers)
        read = _read_body(self.body, data, _header(self.headers, "Content-Type"))
        self.request_id: Optional[str] = _header(self.headers, REQUEST_ID_HEADER) or read.request_id
        self.problem: Optional[Problem] = read.problem
        self.failure: Optional[Failure] = _failure_of(read.problem)
        self.data = self.failure
        self.doc_url: Optional[str] = read.doc_url
        self._message = read.message
        super().__init__(self._one_line())

    @property
    def errors(self) -> list[Any]:
        """The errors of the ``Failure`` body (empty when there is none)."""
        return list(self.failure.errors) if self.failure is not None else []

    def _one_line(self) -> str:
        from openapi_client.error_bodies import one_line

        text = f"({self.status})"
        reason = one_line(self.reason, _REASON_LIMIT)
        if reason:
            text += f" {reason}"
        if self._message:
            text += f": {self._message}"
        request_id = one_line(self.request_id or "", _REASON_LIMIT)
        if request_id:
            text += f" [request id {request_id}]"
        return text

    @classmethod
    def from_response(
        cls,
        *,
        http_resp: Any,
        body: Optional[str],
        data: Any = None,
    ) -> ApiException:
        """The exception of the right class for an error response."""
        return exception_for_status(http_resp.status)(http_resp=http_resp, body=body, data=data)


class BadRequestException(ApiException):
    """400: the request is malformed (a bad filter, parameter or body)."""


class UnauthorizedException(ApiException):
    """401: the credentials are missing or wrong."""

    @property
    def www_authenticate(self) -> Optional[str]:
        """The service's ``WWW-Authenticate`` challenge, which says what was wrong."""
        return _header(self.headers, "WWW-Authenticate")


class PaymentRequiredException(ApiException):
    """402: the request would exceed a quota of the organization."""


class ForbiddenException(ApiException):
    """403: the credentials are valid but lack the permission."""


class NotFoundException(ApiException):
    """404: no such object (or not visible to these credentials)."""


class ConflictException(ApiException):
    """409: the request conflicts with the current state, e.g. the key already exists."""

    @property
    def location(self) -> Optional[str]:
        """The URL of the existing, conflicting object, when the service names it."""
        return _header(self.headers, "Location")


class UnprocessableEntityException(ApiException):
    """422: the body is well formed but its content is invalid."""


class TooManyRequestsException(ApiException):
    """429: the rate limit was reached and retries (if any) did not get through."""

    @property
    def retry_after(self) -> Optional[float]:
        """Seconds the service asked to wait, from ``Retry-After`` or ``X-RateLimit-Reset``."""
        for name in ("Retry-After", "X-RateLimit-Reset"):
            value = _header(self.headers, name)
            seconds = relative_seconds(value) if value is not None else None
            if seconds is not None:
                return seconds
        return None


class ServiceException(ApiException):
    """5xx: the service failed; the request id helps Confluent support find out why."""


class ApiResponseError(OpenApiException):
    """A response arrived but cannot be used: not JSON, truncated, too large or malformed."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        headers: Optional[Mapping[str, str]] = None,
        body: Optional[str] = None,
        redactor: Optional[Redactor] = None,
    ) -> None:
        redactor = redactor or _NO_SECRETS
        self.status = status
        self.headers = redactor.headers(headers)
        self.body = redactor.optional_text(body)
        self.request_id = _header(self.headers, REQUEST_ID_HEADER)
        suffix = f" [request id {self.request_id}]" if self.request_id else ""
        super().__init__(redactor.text(f"{message}{suffix}"))


class WaiterError(OpenApiException):
    """A waiter stopped before the object reached the state it waited for."""


class WaiterTimeoutError(WaiterError, TimeoutError):
    """A waiter's time ran out before the object reached the state it waited for."""


class KeyValidationFailedError(WaiterError):
    """Confluent Cloud validated a BYOK key and found it INVALID; ``key`` is that key."""

    def __init__(self, key: ByokV1KeyRead, *, redactor: Optional[Redactor] = None) -> None:
        from openapi_client.error_bodies import MESSAGE_LIMIT, one_line
        from openapi_client.models._key_variant import KeyVariantModel

        self.key = key
        message = one_line(key.validation.message or "", MESSAGE_LIMIT)
        variant = key.key.actual_instance
        # The variant knows its cloud and which field names the key there.
        named = f" ({variant.PROVIDER} key {variant.identifier})" if isinstance(variant, KeyVariantModel) else ""
        # The service's words may echo a credential of the call (redactor: the client's secrets).
        text = f"BYOK key {key.id}{named} is INVALID: {message or 'no reason given'}"
        super().__init__((redactor or _NO_SECRETS).text(text))


_BY_STATUS: Dict[int, Type[ApiException]] = {
    400: BadRequestException,
    401: UnauthorizedException,
    402: PaymentRequiredException,
    403: ForbiddenException,
    404: NotFoundException,
    409: ConflictException,
    422: UnprocessableEntityException,
    429: TooManyRequestsException,
}


def exception_for_status(status: int) -> Type[ApiException]:
    """The :class:`ApiException` subclass raised for an error ``status``."""
    exc_class = _BY_STATUS.get(status)
    if exc_class is None:
        exc_class = ServiceException if 500 <= status <= 599 else ApiException
    return exc_class


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def _read_body(body: Optional[str], data: Any, content_type: Optional[str]) -> ErrorBody:
    """The error body read by :mod:`openapi_client.error_bodies`; ``data``, a ``Failure`` the
    caller already parsed, stands in for the body's own parse."""
    from openapi_client.error_bodies import ErrorBody, read_error_body

    if data is None:
        return read_error_body(body, content_type)
    read = read_error_body(body if body else data.to_json(), content_type or "application/json")
    return ErrorBody(message=read.message, problem=data, doc_url=read.doc_url, request_id=read.request_id)


def _failure_of(problem: Any) -> Optional[Failure]:
    from openapi_client.models.failure import Failure

    return problem if isinstance(problem, Failure) else None
