"""The OAuth token requests as values, with no I/O: what a client's transport sends for the
identity provider and the STS, how their answers are read, and the errors they end in.

The requests go out through the same transports as API calls (``rest.py``, ``aio/rest.py``):
the call's deadline, the bounded body decoder and the redaction apply to them alike.
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Dict, Generator, Mapping, NamedTuple, Optional, Tuple, Union
from urllib.parse import quote_plus, urlencode

from openapi_client._http_request import credentials_allowed
from openapi_client._redaction import Redactor
from openapi_client.credentials._base import origin, without_query
from openapi_client.exceptions import (
    ApiConnectionError,
    ApiResponseError,
    ApiTimeoutError,
    InsecureTransportError,
    OpenApiException,
)
from openapi_client.retry import ApiRetry

MAX_TOKEN_RESPONSE_BYTES = 64 * 1024
ERROR_ANSWER_BYTES = 8 * 1024
"""What is read of a token endpoint's error answer: enough for its reason, which is all it is used for."""
IDP = "identity provider"
STS = "Confluent STS"
_FORM_HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Accept": "application/json",
    "Accept-Encoding": "gzip, deflate",
}


class TokenExchangeError(OpenApiException):
    """Getting a Confluent access token failed.

    ``step`` says where: ``"identity provider"`` (the external OAuth 2 token endpoint),
    ``"Confluent STS"`` (the token exchange), ``"subject token file"`` or ``"subject token
    callable"``. ``status`` is the HTTP status when there was an answer (else 0) and
    ``request_id`` the ``X-Request-Id`` Confluent support asks for. The message never
    holds a secret or a token.
    """

    def __init__(self, step: str, message: str, *, status: int = 0, request_id: Optional[str] = None) -> None:
        self.step = step
        self.status = status
        self.request_id = request_id
        text = f"{step}: {message}"
        if status:
            text = f"{step} answered {status}: {message}"
        if request_id:
            text += f" [request id {request_id}]"
        super().__init__(text)


class _TokenRetry(ApiRetry):
    """Token endpoints are safe to ask again, POST included, after a dropped connection or
    an overload answer: a retry only costs a token that is never used."""

    IDEMPOTENT_METHODS = ApiRetry.IDEMPOTENT_METHODS | {"POST"}
    RETRY_IDEMPOTENT_STATUSES = frozenset({500, 502, 503, 504})


TOKEN_RETRY = _TokenRetry(2, backoff_factor=0.2, backoff_jitter=0.0, retry_after_max=2.0, total_timeout=None)
"""The retry policy of every token request: two more tries, 0 then 0.4 s apart."""


class TokenConnection(NamedTuple):
    """How a provider's token requests connect: the settings of the transport that sends
    them (each means what it means on :class:`~openapi_client.Configuration`)."""

    verify_ssl: bool
    ssl_ca_cert: Optional[str]
    proxy: Optional[str]
    proxy_headers: Optional[Mapping[str, str]]
    timeout: Union[float, Tuple[float, float]]
    allow_insecure_http: bool
    trust_env: bool = True

    @property
    def budget(self) -> float:
        """The longest one token request may take when no call's deadline is nearer."""
        timeout = self.timeout
        return float(timeout[0]) + float(timeout[1]) if isinstance(timeout, tuple) else float(timeout)


class TokenAnswer(NamedTuple):
    """What the transport got back for a :class:`TokenRequest` (the body decoded, capped)."""

    status: int
    reason: Optional[str]
    headers: Mapping[str, str]
    body: bytes


class LocalStep(NamedTuple):
    """A step of an exchange done on this machine (reading a token file, calling the user's
    function): the blocking client calls ``run``, the asyncio one calls it in a worker
    thread (it may block), and either sends back the string it returns."""

    step: str
    run: Callable[[], str]


class TokenRequest:
    """One form POST to a token endpoint, and how to read its answer or its failure."""

    __slots__ = ("_budget", "_own_deadline", "body", "headers", "redactor", "step", "url")

    def __init__(self, step: str, url: str, form: Mapping[str, str], secrets: Tuple[str, ...]) -> None:
        self.step = step
        self.url = url
        self.body = urlencode(form).encode("ascii")
        self.headers: Mapping[str, str] = _FORM_HEADERS
        # What the server may echo back: each secret as given and as the form encodes it.
        self.redactor = Redactor((*secrets, *(quote_plus(secret) for secret in secrets)))
        self._own_deadline: Optional[float] = None
        self._budget = 0.0

    def check_route(self, connection: TokenConnection, proxy: Optional[str]) -> None:
        """Refuse to send the form in clear text (:class:`InsecureTransportError`); ``proxy``
        is the one the transport routes the request through (given, or from the environment)."""
        if not credentials_allowed(self.url, proxy, connection.allow_insecure_http):
            via = " through a proxy off this machine" if proxy else ""
            raise InsecureTransportError(
                f"refusing to send credentials for the {self.step} in clear text to {origin(self.url)}{via}; use "
                "https, or pass allow_insecure_http=True if you really mean it"
            )

    def deadline(self, connection: TokenConnection, call_deadline: Optional[float]) -> float:
        """When this request ends (``time.monotonic()``): the call's deadline, or the
        connection's own budget from now if that comes first."""
        self._budget = connection.budget
        own = self._own_deadline = time.monotonic() + connection.budget
        return own if call_deadline is None else min(own, call_deadline)

    def failure(self, exc: OpenApiException, call_deadline: Optional[float]) -> OpenApiException:
        """The error for a request that got no usable answer (the transport's error, told
        as this step's): a timeout names the budget that ran out."""
        where = f"{self.step} token request"
        url = without_query(self.url)
        if isinstance(exc, ApiTimeoutError):
            now = time.monotonic() + _SLACK
            if call_deadline is not None and now >= call_deadline:
                detail = "the call's time budget (total_timeout) ran out"
            elif self._own_deadline is not None and now >= self._own_deadline:
                detail = f"the answer took longer than {self._budget:g} s"
            else:
                detail = _detail(exc)
            return ApiTimeoutError(f"{where}: {detail}", method="POST", url=url)
        if isinstance(exc, ApiConnectionError):
            return ApiConnectionError(f"{where}: {_detail(exc)}", method="POST", url=url)
        if isinstance(exc, ApiResponseError):
            # The cap is the token requests' own, not the configuration's max_response_bytes.
            detail = _detail(exc).replace(" (max_response_bytes)", "")
            return TokenExchangeError(self.step, f"the answer could not be read: {detail}", status=exc.status)
        return exc

    def read(self, answer: TokenAnswer) -> Dict[str, Any]:
        """The answer's JSON object; :class:`TokenExchangeError` for an error status or a
        body that is not one (its words scrubbed of every secret sent)."""
        redactor = self.redactor
        request_id = redactor.optional_text(answer.headers.get("X-Request-Id"))
        text = answer.body.decode("utf-8", errors="replace")
        if answer.status != 200:
            # Scrubbed before it is cut short, so no secret's first half survives the cut.
            reason = redactor.text(_error_words(text) or answer.reason or "")[:200] or "no reason given"
            raise TokenExchangeError(self.step, reason, status=answer.status, request_id=request_id)
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            document = None
        if not isinstance(document, dict):
            raise TokenExchangeError(self.step, "the answer is not a JSON object", status=200, request_id=request_id)
        return document


# A timeout this close to a deadline is that deadline's doing (socket timeouts are cut to it).
_SLACK = 0.05


TokenFlow = Generator[Union[TokenRequest, LocalStep], Union[TokenAnswer, str], str]
"""A renewal as a sans-I/O generator: it yields each token request (sent the transport's
:class:`TokenAnswer`) and each :class:`LocalStep` (sent its string); it returns the new
``Authorization`` value. A client's transport drives it (``rest.run_token_flow``,
``aio.rest.run_token_flow``)."""


def _detail(exc: OpenApiException) -> str:
    """An SDK error's message without the ``METHOD url: `` it starts with."""
    text = str(exc.args[0]) if exc.args else str(exc)
    method, url = getattr(exc, "method", ""), getattr(exc, "url", "")
    prefix = f"{method} {url}: "
    if method and text.startswith(prefix):
        return text[len(prefix) :]
    return text


def _error_words(text: str) -> str:
    """The server's own short reason (OAuth ``error``/``error_description`` or a Failure
    detail); the caller scrubs out anything sent."""
    words = ""
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        body = None
    if isinstance(body, dict):
        if isinstance(body.get("error"), str):
            words = body["error"]
            if isinstance(body.get("error_description"), str):
                words += f": {body['error_description']}"
        elif isinstance(body.get("errors"), list) and body["errors"] and isinstance(body["errors"][0], dict):
            first = body["errors"][0]
            words = str(first.get("detail") or first.get("title") or first.get("code") or "")
        elif isinstance(body.get("error"), dict):
            words = str(body["error"].get("message") or "")
    return " ".join(words.split())
