"""Credential providers: what goes into the ``Authorization`` header, and when it changes.

Every provider satisfies :class:`CredentialProvider`. :class:`CloudApiKey`,
:class:`GlobalApiKey` and :class:`BearerToken` hold a fixed credential;
:class:`ConfluentOAuth` exchanges an external identity provider's JWT for a short-lived
Confluent access token at the Security Token Service (``POST /sts/v1/oauth2/token``),
caches it and refreshes it before it expires.

Refresh rules of :class:`ConfluentOAuth`:

- a token is refreshed once less than its *margin* is left: 60 seconds, or a tenth of the
  token's life, whichever is smaller (a 900 s token is refreshed after 840 s, a 300 s one
  after 270 s);
- one thread exchanges while the others wait for its result (single flight), however many
  ask at once; when the exchange fails they all get its error;
- after a 401 from the API the token is refreshed once and the request retried once;
- a token that has already expired when it arrives (its ``exp`` is past by this machine's
  clock, or ``expires_in`` is not positive) is exchanged once more, then
  :class:`TokenExchangeError` is raised, naming clock skew as the likely cause.

No provider shows a secret or a token in ``repr``, ``str``, logs or exception messages.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import os
import ssl
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)
from urllib.parse import urlencode, urlsplit

import urllib3
from typing_extensions import Protocol, runtime_checkable
from urllib3.exceptions import HTTPError, MaxRetryError, NewConnectionError, ProxyError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError

from openapi_client.exceptions import (
    ApiConnectionError,
    ApiTimeoutError,
    ApiValueError,
    InsecureTransportError,
    OpenApiException,
)

if TYPE_CHECKING:
    from openapi_client.configuration import Configuration

__all__ = [
    "CredentialProvider",
    "CloudApiKey",
    "GlobalApiKey",
    "BearerToken",
    "ConfluentOAuth",
    "ClientCredentialsGrant",
    "SubjectTokenFile",
    "SubjectTokenSource",
    "TokenExchangeError",
    "select_provider",
    "credentials_allowed",
    "CLOUD_API_KEY",
    "GLOBAL_API_KEY",
    "CONFLUENT_STS_ACCESS_TOKEN",
    "DEFAULT_STS_URL",
    "STS_PATH",
]

CLOUD_API_KEY = "cloud-api-key"
GLOBAL_API_KEY = "global-api-key"
CONFLUENT_STS_ACCESS_TOKEN = "confluent-sts-access-token"

# The older API document called the Cloud API key scheme "api-key".
_SCHEME_ALIASES = {"api-key": CLOUD_API_KEY}

STS_PATH = "/sts/v1/oauth2/token"
DEFAULT_STS_URL = "https://api.confluent.cloud" + STS_PATH

_TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
_JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"
_ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
_MAX_EXPIRES_IN = 900
_MAX_MARGIN = 60.0
_MAX_TOKEN_RESPONSE_BYTES = 64 * 1024
_IDP = "identity provider"
_STS = "Confluent STS"

logger = logging.getLogger("openapi_client")


class CredentialProvider(Protocol):
    """What :class:`~openapi_client.configuration.Configuration` takes as ``credentials``.

    ``scheme`` is the security scheme of the API document this provider satisfies.
    """

    scheme: str

    def authorization(self) -> str:
        """The full ``Authorization`` header value, refreshed first when due."""
        ...

    def on_unauthorized(self, rejected: str) -> bool:
        """The service answered 401 to ``rejected``; True when a different, fresh value is
        now available (the caller then retries that request once, never more)."""
        ...

    def needs_refresh(self) -> bool:
        """True when :meth:`authorization` would do network I/O first (async callers then
        call it in a worker thread)."""
        ...

    def secrets(self) -> Tuple[str, ...]:
        """Every sensitive string in use (secret, token, header value), to scrub from output."""
        ...


@runtime_checkable
class _HasAuthorization(Protocol):
    scheme: str

    def authorization(self) -> str: ...


# -- static providers -------------------------------------------------------------------


class _ApiKey:
    """HTTP Basic with an API key id and its secret."""

    scheme = CLOUD_API_KEY
    _kind = "API key"

    def __init__(self, key: str, secret: str, *, _names: Optional[Tuple[str, str]] = None) -> None:
        # _names: how the values were given, for error messages (e.g. Configuration username).
        what = type(self).__name__
        key_name, secret_name = _names or (f"{what} key", f"{what} secret")
        _check_text(key, key_name)
        _check_text(secret, secret_name)
        if ":" in key:
            raise ApiValueError(f"{key_name} must not contain ':' (HTTP Basic cannot carry it)")
        self.key: str = key
        self._secret = secret
        self._header = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")

    def authorization(self) -> str:
        return self._header

    def on_unauthorized(self, rejected: str) -> bool:
        return False

    def needs_refresh(self) -> bool:
        return False

    def secrets(self) -> Tuple[str, ...]:
        return (self._secret, self._header, self._header.split(" ", 1)[1])

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={self.key!r}, secret=<redacted>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ApiKey) and type(other) is type(self) and other._header == self._header

    def __hash__(self) -> int:
        return hash((type(self), self._header))


class CloudApiKey(_ApiKey):
    """A Cloud API key and its secret (HTTP Basic): every iam/v2 and byok/v1 operation.

    ``key`` is shown in ``repr``; the secret never is.
    """

    scheme = CLOUD_API_KEY


class GlobalApiKey(_ApiKey):
    """A Global API key and its secret (HTTP Basic): byok/v1 operations only."""

    scheme = GLOBAL_API_KEY


class BearerToken:
    """A fixed Confluent access token sent as ``Authorization: Bearer <token>``.

    It is not refreshed: when it expires calls answer 401. Use :class:`ConfluentOAuth`
    to have tokens fetched and renewed.
    """

    scheme = CONFLUENT_STS_ACCESS_TOKEN

    def __init__(self, token: str, *, _name: str = "BearerToken token") -> None:
        _check_token(token, _name)
        self._token = token
        self._header = f"Bearer {token}"

    def authorization(self) -> str:
        return self._header

    def on_unauthorized(self, rejected: str) -> bool:
        return False

    def needs_refresh(self) -> bool:
        return False

    def secrets(self) -> Tuple[str, ...]:
        return (self._token, self._header)

    def __repr__(self) -> str:
        return "BearerToken(token=<redacted>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BearerToken) and other._header == self._header

    def __hash__(self) -> int:
        return hash((BearerToken, self._header))


# -- subject token sources for the exchange ----------------------------------------------


class ClientCredentialsGrant:
    """The external identity provider's OAuth 2 client-credentials grant.

    ``token_url``, ``client_id``, ``client_secret`` and an optional ``scope`` (some
    providers, e.g. Microsoft Entra ID, need one) are the values Confluent's Terraform
    provider takes as ``oauth_external_*``. The client authenticates with its id and
    secret in the form body. A fresh token is fetched for every exchange.
    """

    _step = _IDP

    def __init__(self, token_url: str, client_id: str, client_secret: str, scope: Optional[str] = None) -> None:
        _check_url(token_url, "ClientCredentialsGrant token_url")
        _check_text(client_id, "ClientCredentialsGrant client_id")
        _check_text(client_secret, "ClientCredentialsGrant client_secret")
        if scope is not None and (not isinstance(scope, str) or not scope.strip()):
            raise ApiValueError("ClientCredentialsGrant scope must be a non-empty string when given")
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.scope = scope

    def _fetch(self, http: _Http) -> str:
        form = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self._client_secret}
        if self.scope is not None:
            form["scope"] = self.scope
        answer = http.post_form(_IDP, self.token_url, form, secrets=(self._client_secret,))
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise TokenExchangeError(_IDP, "the identity provider's answer has no access_token", status=200)
        return token

    def _secrets(self) -> Tuple[str, ...]:
        return (self._client_secret,)

    def __repr__(self) -> str:
        return (
            f"ClientCredentialsGrant(token_url={_without_query(self.token_url)!r}, client_id={self.client_id!r}, "
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

    def _fetch(self, http: _Http) -> str:
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read(_MAX_TOKEN_RESPONSE_BYTES + 1)
        except OSError as exc:
            raise TokenExchangeError(
                self._step, f"cannot read {self.path}: {exc.strerror or type(exc).__name__}"
            ) from None
        if len(raw) > _MAX_TOKEN_RESPONSE_BYTES:
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

    def _fetch(self, http: _Http) -> str:
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

    def _fetch(self, http: _Http) -> str: ...

    def _secrets(self) -> Tuple[str, ...]: ...


SubjectTokenSource = Union[ClientCredentialsGrant, SubjectTokenFile, Callable[[], str]]


# -- the exchange -------------------------------------------------------------------------


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


class _Http:
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
        else:
            self._timeout = urllib3.Timeout(total=timeout)
        self._allow_insecure_http = allow_insecure_http
        # Token endpoints are safe to ask again after a dropped connection or an overload
        # answer: a retry only costs a token that is never used.
        self._retries = urllib3.Retry(
            total=2,
            backoff_factor=0.2,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"POST"}),
            raise_on_status=False,
            respect_retry_after_header=False,
        )

    def post_form(self, step: str, url: str, form: Mapping[str, str], *, secrets: Iterable[str]) -> Dict[str, Any]:
        if not credentials_allowed(url, self._allow_insecure_http):
            raise InsecureTransportError(
                f"refusing to send credentials for the {step} in clear text to {_origin(url)}; use https, "
                "or pass allow_insecure_http=True if you really mean it"
            )
        started = time.monotonic()
        try:
            resp = self._pool.urlopen(
                "POST",
                url,
                body=urlencode(form),
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                timeout=self._timeout,
                retries=self._retries,
                redirect=False,
                preload_content=False,
            )
            raw = resp.read(_MAX_TOKEN_RESPONSE_BYTES + 1)
            resp.release_conn()
        except (MaxRetryError, HTTPError) as exc:
            raise _connection_error(step, exc, url) from None
        request_id = resp.headers.get("X-Request-Id")
        logger.debug(
            "%s token request POST %s -> %d in %.1f ms",
            step,
            urlsplit(url).path or "/",
            resp.status,
            (time.monotonic() - started) * 1000.0,
        )
        if len(raw) > _MAX_TOKEN_RESPONSE_BYTES:
            raise TokenExchangeError(
                step, "the answer is too large for a token", status=resp.status, request_id=request_id
            )
        text = raw.decode("utf-8", errors="replace")
        if resp.status != 200:
            reason = _error_words(text, secrets)
            raise TokenExchangeError(
                step, reason or resp.reason or "no reason given", status=resp.status, request_id=request_id
            )
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise TokenExchangeError(step, "the answer is not a JSON object", status=200, request_id=request_id)
        return answer

    def clear(self) -> None:
        self._pool.clear()


class ConfluentOAuth:
    """Confluent access tokens from the Security Token Service, renewed automatically.

    ``identity_pool_id`` is the Confluent identity pool to act as (``pool-…``);
    ``subject_token`` is where the external identity provider's JWT comes from: a
    :class:`ClientCredentialsGrant`, a :class:`SubjectTokenFile`, or any callable returning
    the JWT. ``sts_url`` is the token endpoint (Confluent Cloud's by default);
    ``expires_in`` asks for a token life in seconds (at most 900, the service's default).

    The exchange uses its own connection pool: ``verify_ssl``, ``ssl_ca_cert``, ``proxy``,
    ``proxy_headers``, ``timeout`` (seconds, or a (connect, read) pair) and
    ``allow_insecure_http`` mean what they mean on :class:`Configuration`; credentials only
    travel over https or to this machine. See the module for the refresh rules.
    """

    scheme = CONFLUENT_STS_ACCESS_TOKEN

    def __init__(
        self,
        identity_pool_id: str,
        subject_token: SubjectTokenSource,
        *,
        sts_url: str = DEFAULT_STS_URL,
        expires_in: Optional[int] = None,
        verify_ssl: bool = True,
        ssl_ca_cert: Optional[str] = None,
        proxy: Optional[str] = None,
        proxy_headers: Optional[Mapping[str, str]] = None,
        timeout: Union[float, Tuple[float, float]] = (10.0, 30.0),
        allow_insecure_http: bool = False,
    ) -> None:
        _check_text(identity_pool_id, "ConfluentOAuth identity_pool_id")
        _check_url(sts_url, "ConfluentOAuth sts_url")
        if expires_in is not None and (
            isinstance(expires_in, bool) or not isinstance(expires_in, int) or not 0 < expires_in <= _MAX_EXPIRES_IN
        ):
            raise ApiValueError(f"ConfluentOAuth expires_in must be whole seconds in 1..{_MAX_EXPIRES_IN}")
        self.identity_pool_id = identity_pool_id
        self.sts_url = sts_url
        self.expires_in = expires_in
        self._source = _as_source(subject_token)
        self._http = _Http(
            verify_ssl=verify_ssl,
            ssl_ca_cert=ssl_ca_cert,
            proxy=proxy,
            proxy_headers=proxy_headers,
            timeout=timeout,
            allow_insecure_http=allow_insecure_http,
        )
        self._lock = threading.Lock()
        # (header, time.monotonic() after which it is renewed), replaced as one value so a
        # reader never pairs a new header with an old deadline or the other way round.
        self._state: Tuple[Optional[str], float] = (None, 0.0)
        self._flight: Optional[Future[str]] = None
        self._retired: Tuple[str, ...] = ()  # the previous header: in-flight requests still carry it
        self._exchanges = 0

    @property
    def exchanges(self) -> int:
        """How many token exchanges this provider has made (for monitoring and tests)."""
        return self._exchanges

    def needs_refresh(self) -> bool:
        header, refresh_at = self._state
        return header is None or time.monotonic() >= refresh_at

    def authorization(self) -> str:
        header, refresh_at = self._state
        if header is not None and time.monotonic() < refresh_at:
            return header
        return self._refresh(stale=header)

    def on_unauthorized(self, rejected: str) -> bool:
        current = self._state[0]
        if current is not None and current != rejected:
            return True  # another thread already renewed it
        return self._refresh(stale=rejected) != rejected

    def secrets(self) -> Tuple[str, ...]:
        header = self._state[0]
        current = (header, header.split(" ", 1)[1]) if header else ()
        return current + self._retired + self._source._secrets()

    def close(self) -> None:
        """Close the exchange's pooled connections."""
        self._http.clear()

    def __repr__(self) -> str:
        return (
            f"ConfluentOAuth(identity_pool_id={self.identity_pool_id!r}, subject_token={self._source!r}, "
            f"sts_url={_without_query(self.sts_url)!r})"
        )

    __str__ = __repr__

    # -- single flight ---------------------------------------------------------------------

    def _refresh(self, *, stale: Optional[str]) -> str:
        with self._lock:
            header, refresh_at = self._state
            if header is not None and header != stale and time.monotonic() < refresh_at:
                return header  # another thread renewed it meanwhile
            flight = self._flight
            leader = flight is None
            if flight is None:
                flight = self._flight = Future()
        if not leader:
            return flight.result()
        try:
            header = self._exchange_until_valid()
        except BaseException as exc:
            with self._lock:
                self._flight = None
            flight.set_exception(exc)
            raise
        with self._lock:
            self._flight = None
        flight.set_result(header)
        return header

    def _exchange_until_valid(self) -> str:
        # A token already past its expiry on arrival gets one more exchange, not a loop.
        for attempt in (1, 2):
            token, lifetime = self._exchange()
            if lifetime > 0:
                header = f"Bearer {token}"
                margin = min(_MAX_MARGIN, lifetime / 10.0)
                with self._lock:
                    previous = self._state[0]
                    if previous is not None:
                        self._retired = (previous, previous.split(" ", 1)[1])
                    self._state = (header, time.monotonic() + lifetime - margin)
                logger.debug("Confluent STS issued an access token valid for %.0f s", lifetime)
                return header
            logger.debug("Confluent STS issued an access token that had already expired (attempt %d)", attempt)
        raise TokenExchangeError(
            _STS,
            "the access token had already expired when it arrived, twice; this machine's clock is "
            "probably ahead of Confluent's (check NTP)",
        )

    def _exchange(self) -> Tuple[str, float]:
        self._exchanges += 1
        subject = self._source._fetch(self._http)
        if not subject:
            raise TokenExchangeError(self._source._step, "the subject token is empty")
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
        answer = self._http.post_form(_STS, self.sts_url, form, secrets=(subject, *self._source._secrets()))
        token = answer.get("access_token")
        if not isinstance(token, str) or not _is_token(token):
            raise TokenExchangeError(_STS, "the answer has no usable access_token", status=200)
        token_type = answer.get("token_type")
        if isinstance(token_type, str) and token_type.lower() != "bearer":
            raise TokenExchangeError(_STS, f"the token type is {token_type[:20]!r}, not Bearer", status=200)
        return token, _lifetime(answer.get("expires_in"), token, received)


# -- choosing a provider per operation ----------------------------------------------------


def select_provider(configuration: Configuration, schemes: Sequence[str]) -> CredentialProvider:
    """The first of ``configuration.credentials`` whose scheme the operation accepts.

    Raises :class:`ApiValueError` naming the accepted schemes when none fits (nothing is
    sent then), e.g. an iam/v2 call given only a :class:`GlobalApiKey`.
    """
    accepted = {_SCHEME_ALIASES.get(scheme, scheme) for scheme in schemes}
    providers = configuration.credentials
    for provider in providers:
        if provider.scheme in accepted:
            return provider
    wanted = ", ".join(sorted(accepted)) or "none"
    if not providers:
        raise ApiValueError(
            f"no credentials configured; this operation accepts {wanted}. Pass credentials= to "
            "Configuration, or set CONFLUENT_CLOUD_API_KEY/CONFLUENT_CLOUD_API_SECRET or the "
            "CONFLUENT_OAUTH_* variables (see docs/Authentication.md)"
        )
    have = ", ".join(sorted({p.scheme for p in providers}))
    raise ApiValueError(f"this operation accepts {wanted}, but the configured credentials are {have}")


def credentials_allowed(url: str, allow_insecure_http: bool = False) -> bool:
    """Whether credentials may go to ``url``: https, loopback over http, or an explicit opt-in."""
    parts = urlsplit(url)
    if parts.scheme == "https" or allow_insecure_http:
        return True
    hostname = parts.hostname or ""
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def as_providers(credentials: Any) -> Tuple[CredentialProvider, ...]:
    """``credentials`` (one provider, a sequence of them, or None) as a checked tuple."""
    if credentials is None:
        return ()
    items = (credentials,) if isinstance(credentials, _HasAuthorization) else credentials
    try:
        providers = tuple(items)
    except TypeError:
        raise ApiValueError(
            f"credentials must be a credential provider or a sequence of them, got {type(credentials).__name__}"
        ) from None
    for provider in providers:
        if not isinstance(provider, _HasAuthorization):
            raise ApiValueError(f"credentials: {type(provider).__name__} is not a credential provider")
    return providers


# -- helpers ------------------------------------------------------------------------------


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


def _check_text(value: Any, name: str) -> None:
    if not isinstance(value, str):
        raise ApiValueError(f"{name} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise ApiValueError(f"{name} must not be empty or whitespace")
    if value != value.strip() or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ApiValueError(f"{name} must not have surrounding whitespace or control characters")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise ApiValueError(f"{name} must not contain lone surrogates")


def _is_token(value: str) -> bool:
    return bool(value) and all(0x21 <= ord(c) <= 0x7E for c in value)


def _check_token(value: Any, name: str) -> None:
    _check_text(value, name)
    if not _is_token(value):
        raise ApiValueError(f"{name} must be printable ASCII without spaces")


def _check_url(value: Any, name: str) -> None:
    _check_text(value, name)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApiValueError(f"{name} must be an http(s) URL")


def _lifetime(expires_in: Any, token: str, received: float) -> float:
    """Seconds the token stays valid: ``expires_in``, cut short by the JWT's ``exp``
    when that comes earlier by this machine's clock."""
    if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)):
        lifetime = float(_MAX_EXPIRES_IN)
    else:
        lifetime = float(expires_in)
    exp = _jwt_claim(token, "exp")
    if exp is not None:
        lifetime = min(lifetime, exp - received)
    return lifetime


def _jwt_claim(token: str, name: str) -> Optional[float]:
    # Read without verifying: only to schedule the refresh, never to trust the token.
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeEncodeError):
        return None
    value = claims.get(name) if isinstance(claims, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _error_words(text: str, secrets: Iterable[str]) -> str:
    """The server's own short reason (OAuth ``error``/``error_description`` or a Failure
    detail), with anything sent scrubbed out."""
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
    words = " ".join(words.split())[:200]
    for secret in secrets:
        if secret and len(secret) >= 4:
            words = words.replace(secret, "<redacted>")
    return words


def _connection_error(step: str, exc: Exception, url: str) -> ApiConnectionError:
    reason: Any = exc.reason if isinstance(exc, MaxRetryError) and exc.reason is not None else exc
    if isinstance(reason, ProxyError) and reason.original_error is not None:
        reason = reason.original_error
    where = f"{step} token request"
    # NewConnectionError derives from the timeout class, but a refused connection is not slow.
    if isinstance(reason, Urllib3TimeoutError) and not isinstance(reason, NewConnectionError):
        return ApiTimeoutError(f"{where} timed out", method="POST", url=_without_query(url))
    if isinstance(reason, SSLError):
        return ApiConnectionError(f"{where}: TLS failure: {reason}", method="POST", url=_without_query(url))
    return ApiConnectionError(
        f"{where}: connection failed: {type(reason).__name__}", method="POST", url=_without_query(url)
    )


def _without_query(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
