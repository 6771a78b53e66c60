"""ConfluentOAuth: Confluent access tokens from the token exchange, and where its subject
token comes from."""

from __future__ import annotations

import base64
import binascii
import json
import math
import os
import threading
import time
from concurrent.futures import Future, TimeoutError as FutureTimeout
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Generator, Mapping, Optional, Tuple, Union

from typing_extensions import Protocol

from openapi_client.credentials._base import (
    CONFLUENT_STS_ACCESS_TOKEN,
    check_text,
    check_url,
    is_token,
    logger,
    without_query,
)
from openapi_client.credentials._http import (
    IDP,
    MAX_TOKEN_RESPONSE_BYTES,
    STS,
    LocalStep,
    TokenAnswer,
    TokenConnection,
    TokenExchangeError,
    TokenFlow,
    TokenRequest,
)
from openapi_client.exceptions import ApiTimeoutError, ApiValueError

if TYPE_CHECKING:
    from openapi_client.rest import RESTClientObject

_Steps = Generator[Union[TokenRequest, LocalStep], Union[TokenAnswer, str], Any]

STS_PATH = "/sts/v1/oauth2/token"
DEFAULT_STS_URL = "https://api.confluent.cloud" + STS_PATH

_TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
_JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"
_ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
_MAX_EXPIRES_IN = 900
_MAX_MARGIN = 60.0


class ClientCredentialsGrant:
    """The external identity provider's OAuth 2 client-credentials grant.

    ``token_url``, ``client_id``, ``client_secret`` and an optional ``scope`` (some
    providers, e.g. Microsoft Entra ID, need one) are the values Confluent's Terraform
    provider takes as ``oauth_external_*``. The client authenticates with its id and
    secret in the form body. A fresh token is fetched for every exchange.
    """

    _step = IDP

    def __init__(self, token_url: str, client_id: str, client_secret: str, scope: Optional[str] = None) -> None:
        check_url(token_url, "ClientCredentialsGrant token_url")
        check_text(client_id, "ClientCredentialsGrant client_id")
        check_text(client_secret, "ClientCredentialsGrant client_secret")
        if scope is not None and (not isinstance(scope, str) or not scope.strip()):
            raise ApiValueError("ClientCredentialsGrant scope must be a non-empty string when given")
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.scope = scope

    def _subject(self) -> _Steps:
        form = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self._client_secret}
        if self.scope is not None:
            form["scope"] = self.scope
        request = TokenRequest(IDP, self.token_url, form, (self._client_secret,))
        answer = request.read(_answer((yield request)))
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise TokenExchangeError(IDP, "the identity provider's answer has no access_token", status=200)
        return token

    def _secrets(self) -> Tuple[str, ...]:
        return (self._client_secret,)

    def __repr__(self) -> str:
        return (
            f"ClientCredentialsGrant(token_url={without_query(self.token_url)!r}, client_id={self.client_id!r}, "
            f"client_secret=<redacted>, scope={self.scope!r})"
        )


class SubjectTokenFile:
    """A JWT read from a file on every exchange: Kubernetes projected service-account
    tokens, CI OIDC tokens and other workload identities that a sidecar keeps fresh."""

    _step = "subject token file"

    def __init__(self, path: Union[str, os.PathLike[str]]) -> None:
        if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
            raise ApiValueError("SubjectTokenFile path must be a non-empty path")
        self.path = Path(path)

    def _subject(self) -> _Steps:
        return _text((yield LocalStep(self._step, self._read)))

    def _read(self) -> str:
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read(MAX_TOKEN_RESPONSE_BYTES + 1)
        except OSError as exc:
            raise TokenExchangeError(
                self._step, f"cannot read {self.path}: {exc.strerror or type(exc).__name__}"
            ) from None
        if len(raw) > MAX_TOKEN_RESPONSE_BYTES:
            raise TokenExchangeError(self._step, f"{self.path} is larger than a token can be")
        return raw.decode("utf-8", errors="replace").strip()

    def _secrets(self) -> Tuple[str, ...]:
        return ()

    def __repr__(self) -> str:
        return f"SubjectTokenFile({str(self.path)!r})"


class _CallableSource:
    _step = "subject token callable"

    def __init__(self, function: Callable[[], str]) -> None:
        self._function = function

    def _subject(self) -> _Steps:
        return _text((yield LocalStep(self._step, self._call)))

    def _call(self) -> str:
        token = self._function()
        if not isinstance(token, str):
            raise TokenExchangeError(self._step, f"returned a {type(token).__name__}, not a str")
        return token.strip()

    def _secrets(self) -> Tuple[str, ...]:
        return ()

    def __repr__(self) -> str:
        return f"<subject token from {getattr(self._function, '__qualname__', type(self._function).__name__)}>"


class _Source(Protocol):
    _step: str

    def _subject(self) -> _Steps: ...

    def _secrets(self) -> Tuple[str, ...]: ...


SubjectTokenSource = Union[ClientCredentialsGrant, SubjectTokenFile, Callable[[], str]]


class ConfluentOAuth:
    """Confluent access tokens from the Security Token Service, renewed automatically.

    ``identity_pool_id`` is the Confluent identity pool to act as (``pool-…``);
    ``subject_token`` is where the external identity provider's JWT comes from: a
    :class:`ClientCredentialsGrant`, a :class:`SubjectTokenFile`, or any callable returning
    the JWT. ``sts_url`` is the token endpoint; without it, the token endpoint of the host
    the client calls (``<host>/sts/v1/oauth2/token``: Confluent Cloud's by default, the
    emulator's when a configuration points there). ``expires_in`` asks for a token life in
    seconds (at most 900, the service's default).

    The token requests go through the same transport machinery as API calls (inside a call,
    within its deadline), over connections of their own: ``verify_ssl``, ``ssl_ca_cert``,
    ``proxy``, ``proxy_headers``, ``timeout`` (seconds, or a (connect, read) pair; one
    request lasts at most their sum), ``allow_insecure_http`` and ``trust_env`` (without a
    ``proxy``, the ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` environment variables route
    the token requests, as they route API calls) mean what they mean on
    :class:`Configuration`; credentials only travel over https or to this machine. See the
    module for the refresh rules. ``clock`` is what a token's life is counted on (monotonic
    seconds, ``time.monotonic`` by default; tests pass a fake one); the call's ``deadline``
    stays a ``time.monotonic()`` value.
    """

    scheme = CONFLUENT_STS_ACCESS_TOKEN

    def __init__(
        self,
        identity_pool_id: str,
        subject_token: SubjectTokenSource,
        *,
        sts_url: Optional[str] = None,
        expires_in: Optional[int] = None,
        verify_ssl: bool = True,
        ssl_ca_cert: Optional[str] = None,
        proxy: Optional[str] = None,
        proxy_headers: Optional[Mapping[str, str]] = None,
        timeout: Union[float, Tuple[float, float]] = (10.0, 30.0),
        allow_insecure_http: bool = False,
        trust_env: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        check_text(identity_pool_id, "ConfluentOAuth identity_pool_id")
        if sts_url is not None:
            check_url(sts_url, "ConfluentOAuth sts_url")
        if expires_in is not None and (
            isinstance(expires_in, bool) or not isinstance(expires_in, int) or not 0 < expires_in <= _MAX_EXPIRES_IN
        ):
            raise ApiValueError(f"ConfluentOAuth expires_in must be whole seconds in 1..{_MAX_EXPIRES_IN}")
        self.identity_pool_id = identity_pool_id
        self._sts_url = sts_url
        self._host: Optional[str] = None  # the host of the last client that renewed through this provider
        self.expires_in = expires_in
        self._source = _as_source(subject_token)
        self.connection = TokenConnection(
            verify_ssl,
            ssl_ca_cert,
            proxy,
            dict(proxy_headers) if proxy_headers else None,
            timeout,
            allow_insecure_http,
            bool(trust_env),
        )
        self._transport: Optional[RESTClientObject] = None  # the sync one, made on first use
        self._lock = threading.Lock()
        self._clock = clock
        # (header, clock() after which it is renewed), replaced as one value so a reader
        # never pairs a new header with an old deadline or the other way round.
        self._state: Tuple[Optional[str], float] = (None, 0.0)
        self._flight: Optional[Future[str]] = None
        self._retired: Tuple[str, ...] = ()  # the previous header: in-flight requests still carry it
        self._subject: Tuple[str, ...] = ()  # the last subject token exchanged, masked like the rest
        self._exchanges = 0

    @property
    def sts_url(self) -> str:
        """The token endpoint: ``sts_url`` as given, else that of the host the last client
        using this provider calls, else Confluent Cloud's."""
        if self._sts_url is not None:
            return self._sts_url
        return DEFAULT_STS_URL if self._host is None else self._host.rstrip("/") + STS_PATH

    @sts_url.setter
    def sts_url(self, value: str) -> None:
        check_url(value, "ConfluentOAuth sts_url")
        self._sts_url = value

    @property
    def exchanges(self) -> int:
        """How many token exchanges this provider has made (for monitoring and tests)."""
        return self._exchanges

    def needs_refresh(self) -> bool:
        header, refresh_at = self._state
        return header is None or self._clock() >= refresh_at

    def authorization(self, *, deadline: Optional[float] = None) -> str:
        """The ``Authorization`` value, exchanging a new token first when due. ``deadline``
        (``time.monotonic()``): the API call's, which the exchange then ends by
        (:class:`~openapi_client.exceptions.ApiTimeoutError` past it)."""
        header, refresh_at = self._state
        if header is not None and self._clock() < refresh_at:
            return header
        return self.renew(header, deadline=deadline)

    def on_unauthorized(self, rejected: str, *, deadline: Optional[float] = None) -> bool:
        return self.renew(rejected, deadline=deadline) != rejected

    def secrets(self) -> Tuple[str, ...]:
        header = self._state[0]
        current = (header, header.split(" ", 1)[1]) if header else ()
        return current + self._retired + self._subject + self._source._secrets()

    def close(self) -> None:
        """Close the connections of the token requests sent from blocking code."""
        transport = self._transport
        if transport is not None:
            transport.clear()

    def __repr__(self) -> str:
        return (
            f"ConfluentOAuth(identity_pool_id={self.identity_pool_id!r}, subject_token={self._source!r}, "
            f"sts_url={without_query(self.sts_url)!r})"
        )

    __str__ = __repr__

    # -- renewal: decided here, sent by a transport ------------------------------------------

    def current(self, stale: Optional[str]) -> Optional[str]:
        """A usable ``Authorization`` value other than ``stale`` (``None`` for a refresh that
        fell due), if another caller has renewed meanwhile; else ``None``: an exchange is needed."""
        header, refresh_at = self._state
        if header is not None and header != stale and self._clock() < refresh_at:
            return header
        return None

    def renew(self, stale: Optional[str], *, deadline: Optional[float] = None, host: Optional[str] = None) -> str:
        """A fresh ``Authorization`` value in place of ``stale``, exchanged over the blocking
        transport (``rest.py``) unless another thread did it meanwhile: one thread exchanges
        while the others wait for its result (single flight), each no longer than its own
        ``deadline``. ``host``: the API host of the calling client (for the default ``sts_url``)."""
        with self._lock:
            fresh = self.current(stale)
            if fresh is not None:
                return fresh
            flight = self._flight
            leader = flight is None
            if flight is None:
                flight = self._flight = Future()
        if not leader:
            try:
                return flight.result(None if deadline is None else max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                raise ApiTimeoutError(
                    "waiting for another call's token exchange: the call's time budget (total_timeout) ran out"
                ) from None
        try:
            from openapi_client import rest  # the blocking transport, as for API calls (not at import: a cycle)

            if self._transport is None:
                self._transport = rest.token_transport(self.connection)
            header = rest.run_token_flow(self._transport, self.connection, self.exchange(host), deadline)
        except BaseException as exc:
            with self._lock:
                self._flight = None
            flight.set_exception(exc)
            raise
        with self._lock:
            self._flight = None
        flight.set_result(header)
        return header

    def exchange(self, host: Optional[str] = None) -> TokenFlow:
        """One renewal as a sans-I/O flow (:data:`TokenFlow`): the subject token (from the
        identity provider, when it is one), then the exchange at the STS; a token already
        past its expiry on arrival gets one more exchange, not a loop. The provider takes
        the new token when the flow returns it. ``host``: the calling client's API host."""
        if host is not None:
            self._host = host
        for attempt in (1, 2):
            token, lifetime = yield from self._exchange_once()
            if lifetime > 0:
                header = f"Bearer {token}"
                margin = min(_MAX_MARGIN, lifetime / 10.0)
                with self._lock:
                    previous = self._state[0]
                    if previous is not None:
                        self._retired = (previous, previous.split(" ", 1)[1])
                    self._state = (header, self._clock() + lifetime - margin)
                logger.debug("Confluent STS issued an access token valid for %.0f s", lifetime)
                return header
            logger.debug("Confluent STS issued an access token that had already expired (attempt %d)", attempt)
        raise TokenExchangeError(
            STS,
            "the access token had already expired when it arrived, twice; this machine's clock is "
            "probably ahead of Confluent's (check NTP)",
        )

    def _exchange_once(self) -> _Steps:
        self._exchanges += 1
        subject = yield from self._source._subject()
        if not subject:
            raise TokenExchangeError(self._source._step, "the subject token is empty")
        self._subject = (subject,)
        form = {
            "grant_type": _TOKEN_EXCHANGE_GRANT,
            "subject_token": subject,
            "identity_pool_id": self.identity_pool_id,
            "subject_token_type": _JWT_TOKEN_TYPE,
            "requested_token_type": _ACCESS_TOKEN_TYPE,
        }
        if self.expires_in is not None:
            form["expires_in"] = str(self.expires_in)
        received = time.time()
        request = TokenRequest(STS, self.sts_url, form, (subject, *self._source._secrets()))
        answer = request.read(_answer((yield request)))
        token = answer.get("access_token")
        if not isinstance(token, str) or not is_token(token):
            raise TokenExchangeError(STS, "the answer has no usable access_token", status=200)
        token_type = answer.get("token_type")
        if isinstance(token_type, str) and token_type.lower() != "bearer":
            raise TokenExchangeError(STS, f"the token type is {token_type[:20]!r}, not Bearer", status=200)
        return token, _lifetime(answer.get("expires_in"), token, received)


def _answer(sent: Union[TokenAnswer, str]) -> TokenAnswer:
    assert isinstance(sent, TokenAnswer), "a driver sends a TokenAnswer for a TokenRequest"
    return sent


def _text(sent: Union[TokenAnswer, str]) -> str:
    assert isinstance(sent, str), "a driver sends a str for a LocalStep"
    return sent


def _as_source(source: Any) -> _Source:
    if isinstance(source, (ClientCredentialsGrant, SubjectTokenFile)):
        return source
    if isinstance(source, str):
        raise ApiValueError(
            "ConfluentOAuth subject_token must be a source (ClientCredentialsGrant, SubjectTokenFile or a "
            "callable), not a token string: a fixed token cannot be renewed; pass lambda: token if you must"
        )
    if callable(source):
        return _CallableSource(source)
    raise ApiValueError(
        f"ConfluentOAuth subject_token must be a ClientCredentialsGrant, a SubjectTokenFile or a callable, "
        f"got {type(source).__name__}"
    )


def _lifetime(expires_in: Any, token: str, received: float) -> float:
    """Seconds the token stays valid: ``expires_in`` (the service's default when it is not a
    finite number), cut short by the JWT's ``exp`` when that comes earlier by this machine's clock."""
    seconds = _finite(expires_in)
    lifetime = float(_MAX_EXPIRES_IN) if seconds is None else seconds  # absent, or NaN, Infinity, 1e400: the default
    exp = _jwt_claim(token, "exp")
    if exp is not None:
        lifetime = min(lifetime, exp - received)
    return lifetime


def _finite(value: Any) -> Optional[float]:
    """``value`` as a finite float, or ``None`` when it is no number or none a float can hold
    (an integer of 400 digits is as meaningless a lifetime as ``Infinity``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        seconds = float(value)
    except OverflowError:
        return None
    return seconds if math.isfinite(seconds) else None


def _jwt_claim(token: str, name: str) -> Optional[float]:
    # Read without verifying: only to schedule the refresh, never to trust the token.
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeEncodeError, RecursionError):
        return None
    return _finite(claims.get(name) if isinstance(claims, dict) else None)
