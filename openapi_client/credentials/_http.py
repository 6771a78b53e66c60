"""The token requests' own small, synchronous HTTP client and their errors."""

from __future__ import annotations

import json
import ssl
import time
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple, Union
from urllib.parse import quote_plus, urlencode, urlsplit

import urllib3
from urllib3.exceptions import (
    HTTPError,
    MaxRetryError,
    NewConnectionError,
    ProxyError,
    SSLError,
    TimeoutError as Urllib3TimeoutError,
)

from openapi_client.credentials._base import logger, origin, without_query
from openapi_client.exceptions import ApiConnectionError, ApiTimeoutError, InsecureTransportError, OpenApiException
from openapi_client.http_request import credentials_allowed
from openapi_client.redaction import Redactor
from openapi_client.response_body import BodyDecoder, BodyTooLarge, UnsupportedEncoding

MAX_TOKEN_RESPONSE_BYTES = 64 * 1024
_RETRIES = 2
_BACKOFF = 0.2
_OVERLOADED = frozenset({429, 500, 502, 503, 504})
IDP = "identity provider"
STS = "Confluent STS"


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


class Http:
    """The exchange's own small, synchronous HTTP client (one urllib3 pool manager)."""

    def __init__(
        self,
        *,
        verify_ssl: bool,
        ssl_ca_cert: Optional[str],
        proxy: Optional[str],
        proxy_headers: Optional[Mapping[str, str]],
        timeout: Union[float, Tuple[float, float]],
        allow_insecure_http: bool,
    ) -> None:
        pool_args: Dict[str, Any] = {
            "maxsize": 2,
            "cert_reqs": ssl.CERT_REQUIRED if verify_ssl else ssl.CERT_NONE,
            "ca_certs": ssl_ca_cert,
        }
        self._pool: urllib3.PoolManager
        if proxy:
            self._pool = urllib3.ProxyManager(proxy, proxy_headers=dict(proxy_headers or {}), **pool_args)
        else:
            self._pool = urllib3.PoolManager(**pool_args)
        if isinstance(timeout, tuple):
            self._timeout = urllib3.Timeout(connect=timeout[0], read=timeout[1])
            self._connect_read: Tuple[Optional[float], Optional[float]] = (float(timeout[0]), float(timeout[1]))
            self._budget = float(timeout[0]) + float(timeout[1])
        else:
            self._timeout = urllib3.Timeout(total=timeout)
            self._connect_read = (None, None)
            self._budget = float(timeout)
        self._allow_insecure_http = allow_insecure_http
        self._proxy = proxy
        # Token endpoints are safe to ask again after a dropped connection or an overload
        # answer: a retry only costs a token that is never used. urllib3 retries the
        # connection failures; overload answers are retried by post_form, which closes them
        # unread (urllib3 would read a retried answer's whole body, however long or slow).
        self._retries = urllib3.Retry(
            total=_RETRIES,
            backoff_factor=_BACKOFF,
            status_forcelist=(),
            allowed_methods=frozenset({"POST"}),
            raise_on_status=False,
            respect_retry_after_header=False,
        )

    def post_form(
        self,
        step: str,
        url: str,
        form: Mapping[str, str],
        *,
        secrets: Iterable[str],
        deadline: Optional[float] = None,
    ) -> Dict[str, Any]:
        """POST ``form`` and return the JSON answer. ``deadline`` (``time.monotonic()``) is
        the API call's own, when the exchange happens inside one: every socket wait, retry
        and back-off then ends by it, whatever the exchange's own ``timeout``."""
        if not credentials_allowed(url, self._proxy, self._allow_insecure_http):
            via = " through a proxy off this machine" if self._proxy else ""
            raise InsecureTransportError(
                f"refusing to send credentials for the {step} in clear text to {origin(url)}{via}; use https, "
                "or pass allow_insecure_http=True if you really mean it"
            )
        # What the server may echo back: each secret as given and as the form encodes it.
        sent = tuple(secrets)
        redactor = Redactor((*sent, *(quote_plus(secret) for secret in sent)))
        started = time.monotonic()
        limit = started + self._budget if deadline is None else min(started + self._budget, deadline)
        try:
            for attempt in range(_RETRIES + 1):
                timeout, retries = self._attempt_limits(step, url, deadline)
                try:
                    resp = self._pool.urlopen(
                        "POST",
                        url,
                        body=urlencode(form),
                        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                        timeout=timeout,
                        retries=retries,
                        redirect=False,
                        preload_content=False,
                        decode_content=False,
                    )
                except HTTPError:
                    # Within a deadline this loop retries a failed connection (urllib3 cannot
                    # see the deadline), while a back-off still ends before it.
                    if deadline is None or not _may_retry(attempt, deadline):
                        raise
                    time.sleep(_BACKOFF * 2**attempt)
                    continue
                if resp.status not in _OVERLOADED or not _may_retry(attempt, deadline):
                    break
                resp.close()
                time.sleep(_BACKOFF * 2**attempt)
            request_id = redactor.optional_text(resp.headers.get("X-Request-Id"))
            raw = _read_bounded(resp, limit)
        except (MaxRetryError, HTTPError) as exc:
            if deadline is not None and time.monotonic() >= deadline:
                raise _out_of_budget(step, url) from None
            raise _connection_error(step, exc, url) from None
        except UnsupportedEncoding as exc:
            raise TokenExchangeError(
                step,
                f"the answer uses the content coding {str(exc)!r}, which this client does not decode",
                status=resp.status,
                request_id=request_id,
            ) from None
        except BodyTooLarge:
            raise TokenExchangeError(
                step, "the answer is too large for a token", status=resp.status, request_id=request_id
            ) from None
        except ValueError:
            raise TokenExchangeError(
                step, "the compressed answer is broken", status=resp.status, request_id=request_id
            ) from None
        if raw is None:
            if limit != started + self._budget:
                raise _out_of_budget(step, url)
            raise ApiTimeoutError(
                f"{step} token request: the answer took longer than {self._budget:g} s",
                method="POST",
                url=without_query(url),
            )
        logger.debug(
            "%s token request POST %s -> %d in %.1f ms",
            step,
            urlsplit(url).path or "/",
            resp.status,
            (time.monotonic() - started) * 1000.0,
        )
        text = raw.decode("utf-8", errors="replace")
        if resp.status != 200:
            # Scrubbed before it is cut short, so no secret's first half survives the cut.
            reason = redactor.text(_error_words(text) or resp.reason or "")[:200] or "no reason given"
            raise TokenExchangeError(step, reason, status=resp.status, request_id=request_id)
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise TokenExchangeError(step, "the answer is not a JSON object", status=200, request_id=request_id)
        return answer

    def clear(self) -> None:
        self._pool.clear()

    def _attempt_limits(self, step: str, url: str, deadline: Optional[float]) -> Tuple[urllib3.Timeout, Any]:
        """The socket timeouts and urllib3 retries of one attempt: the exchange's own, or
        within a deadline its timeouts cut to the time left and no retries of urllib3's."""
        if deadline is None:
            return self._timeout, self._retries
        left = deadline - time.monotonic()
        if left <= 0:
            raise _out_of_budget(step, url)
        connect, read = self._connect_read
        total = left if connect is not None else min(left, self._budget)
        return urllib3.Timeout(connect=connect, read=read, total=total), False


def _read_bounded(resp: urllib3.BaseHTTPResponse, deadline: float) -> Optional[bytes]:
    """The decoded body (:class:`BodyTooLarge` past the cap); ``None`` when the server
    dribbles it out past ``deadline``. Socket timeouts bound each read, this
    the whole answer; the shared decoder bounds what a compressed answer may inflate to
    (urllib3 before 2.6 inflates a whole read at once)."""
    try:
        decoder = BodyDecoder(resp.headers.get("Content-Encoding"), MAX_TOKEN_RESPONSE_BYTES)
    except UnsupportedEncoding:
        resp.close()
        raise
    try:
        # read1 returns what has arrived, so a server sending a byte at a time meets the deadline.
        while chunk := resp.read1(8192):
            decoder.feed(chunk)
            if time.monotonic() > deadline:
                resp.close()  # the rest is not wanted; the connection is not reused
                return None
        body = decoder.finish()
    except BaseException:
        resp.close()
        raise
    resp.release_conn()
    return body


def _may_retry(attempt: int, deadline: Optional[float]) -> bool:
    """Whether another attempt may follow ``attempt`` (0-based) after its back-off."""
    if attempt >= _RETRIES:
        return False
    return deadline is None or time.monotonic() + _BACKOFF * 2**attempt < deadline


def _out_of_budget(step: str, url: str) -> ApiTimeoutError:
    return ApiTimeoutError(
        f"{step} token request: the call's time budget (total_timeout) ran out", method="POST", url=without_query(url)
    )


def _error_words(text: str) -> str:
    """The server's own short reason (OAuth ``error``/``error_description`` or a Failure
    detail); the caller scrubs out anything sent."""
    words = ""
    try:
        body = json.loads(text)
    except ValueError:
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


def _connection_error(step: str, exc: Exception, url: str) -> ApiConnectionError:
    reason: Any = exc.reason if isinstance(exc, MaxRetryError) and exc.reason is not None else exc
    if isinstance(reason, ProxyError) and reason.original_error is not None:
        reason = reason.original_error
    where = f"{step} token request"
    # NewConnectionError derives from the timeout class, but a refused connection is not slow.
    if isinstance(reason, Urllib3TimeoutError) and not isinstance(reason, NewConnectionError):
        return ApiTimeoutError(f"{where} timed out", method="POST", url=without_query(url))
    if isinstance(reason, SSLError):
        return ApiConnectionError(f"{where}: TLS failure: {reason}", method="POST", url=without_query(url))
    return ApiConnectionError(
        f"{where}: connection failed: {type(reason).__name__}", method="POST", url=without_query(url)
    )
