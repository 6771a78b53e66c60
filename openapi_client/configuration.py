"""Configuration: where the service is, how to authenticate, and how to connect."""

from __future__ import annotations

import copy
import logging
import math
import os
import sys
from typing import Any, Dict, Optional, Sequence, Tuple, Union

from urllib3 import Timeout

from openapi_client._call import socket_timeouts
from openapi_client._http_request import check_host
from openapi_client.credentials import (
    STS_PATH,
    BearerToken,
    ClientCredentialsGrant,
    CloudApiKey,
    ConfluentOAuth,
    CredentialProvider,
    SubjectTokenFile,
    SubjectTokenSource,
    as_providers,
)
from openapi_client.exceptions import ApiTypeError, ApiValueError
from openapi_client.retry import ApiRetry, RetrySetting

__all__ = [
    "Configuration",
    "TimeoutValue",
    "RetrySetting",
    "DEFAULT_HOST",
    "API_KEY_ENV",
    "API_SECRET_ENV",
    "HOST_ENV",
    "OAUTH_IDENTITY_POOL_ID_ENV",
    "OAUTH_TOKEN_URL_ENV",
    "OAUTH_CLIENT_ID_ENV",
    "OAUTH_CLIENT_SECRET_ENV",
    "OAUTH_SCOPE_ENV",
    "OAUTH_TOKEN_FILE_ENV",
    "OAUTH_ACCESS_TOKEN_ENV",
    "OAUTH_STS_URL_ENV",
]

DEFAULT_HOST = "https://api.confluent.cloud"
API_KEY_ENV = "CONFLUENT_CLOUD_API_KEY"
API_SECRET_ENV = "CONFLUENT_CLOUD_API_SECRET"
HOST_ENV = "CONFLUENT_CLOUD_HOST"
# OAuth through Confluent's token exchange, named after the Terraform provider's
# oauth_* inputs with the CONFLUENT_OAUTH_ prefix Confluent's own Python tools use.
OAUTH_IDENTITY_POOL_ID_ENV = "CONFLUENT_OAUTH_IDENTITY_POOL_ID"
OAUTH_TOKEN_URL_ENV = "CONFLUENT_OAUTH_EXTERNAL_TOKEN_URL"
OAUTH_CLIENT_ID_ENV = "CONFLUENT_OAUTH_EXTERNAL_CLIENT_ID"
OAUTH_CLIENT_SECRET_ENV = "CONFLUENT_OAUTH_EXTERNAL_CLIENT_SECRET"
OAUTH_SCOPE_ENV = "CONFLUENT_OAUTH_EXTERNAL_TOKEN_SCOPE"
OAUTH_TOKEN_FILE_ENV = "CONFLUENT_OAUTH_EXTERNAL_TOKEN_FILE"
OAUTH_ACCESS_TOKEN_ENV = "CONFLUENT_OAUTH_EXTERNAL_ACCESS_TOKEN"
OAUTH_STS_URL_ENV = "CONFLUENT_OAUTH_STS_URL"

CredentialsSetting = Union[CredentialProvider, Sequence[CredentialProvider], None]


# A timeout as Configuration(timeout=...) and _request_timeout take it: seconds for both the
# connect and each read, a (connect, read) pair, a urllib3.Timeout, or None for no limit.
TimeoutValue = Union[None, float, Tuple[float, float], Timeout]

_DEFAULT_CONNECT_TIMEOUT = 10.0
_DEFAULT_READ_TIMEOUT = 60.0


def _exchange_timeout(timeout: TimeoutValue) -> Union[float, Tuple[float, float]]:
    """The calls' timeout as the token exchange's own pool takes it: seconds or a pair."""
    if timeout is None:
        return _DEFAULT_CONNECT_TIMEOUT
    if isinstance(timeout, Timeout):
        connect, read = socket_timeouts(timeout)
        return (connect or _DEFAULT_CONNECT_TIMEOUT, read or _DEFAULT_READ_TIMEOUT)
    return timeout


class Configuration:
    """Settings of one :class:`ApiClient`.

    Authentication: ``credentials`` takes one credential provider or several
    (:class:`~openapi_client.credentials.CloudApiKey`, ``GlobalApiKey``, ``BearerToken``,
    ``ConfluentOAuth``); each call uses the first one its operation accepts. The older
    ``username``/``password`` (a Cloud API key and secret) and ``access_token`` (a fixed
    bearer token) still work and come after ``credentials``. When no credential is given
    at all, they are read from the environment: ``CONFLUENT_OAUTH_IDENTITY_POOL_ID`` and
    the other ``CONFLUENT_OAUTH_*`` variables configure ``ConfluentOAuth``, else
    ``CONFLUENT_CLOUD_API_KEY``/``CONFLUENT_CLOUD_API_SECRET`` a Cloud API key (see
    docs/Authentication.md). Credentials may be changed on a live configuration (e.g. after
    a rotation); the next call uses them. ``host`` defaults to ``CONFLUENT_CLOUD_HOST``,
    else Confluent Cloud.

    Connection: ``verify_ssl`` (on by default), ``ssl_ca_cert``, ``cert_file``/``key_file``
    for a client certificate, ``proxy`` and ``proxy_headers`` (without ``proxy``, and unless
    ``trust_env`` is ``False``, the ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` environment
    variables choose the proxy, read when the client is made), ``connection_pool_maxsize``
    and ``timeout`` (connect, read) in seconds, which every call uses unless it passes its
    own ``_request_timeout``.

    Resilience: ``retries`` is the :class:`~openapi_client.retry.ApiRetry` policy (or an
    int, or ``False`` for none); ``rate_limit_max_wait`` is the longest a request is held
    back once the service reports its rate-limit window spent (``0`` turns that pacing
    off, see :class:`~openapi_client.rate_limit.RateLimitGate`); ``max_response_bytes``
    caps what one response may hold once decoded.

    Credentials are only sent over ``https``, or over ``http`` to this machine without a
    proxy in between (or through a proxy on this machine); set ``allow_insecure_http`` to
    send them in clear text anyway. Empty or blank credentials, a key without a secret
    (or a secret without a key) and values that cannot be sent in a header are refused
    with :class:`ApiValueError` here, before any request (by the credential providers).

    Answers: an answer that breaks the API document (a required field missing, a value of
    another type) is decoded tolerantly, kept as sent, its deviations on
    ``ApiResponse.deviations`` and ``model_deviations`` and logged once per operation and
    field; ``strict_answers=True`` refuses it with :class:`ApiResponseError` instead.
    """

    def __init__(
        self,
        host: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        access_token: Optional[str] = None,
        *,
        credentials: CredentialsSetting = None,
        verify_ssl: bool = True,
        ssl_ca_cert: Optional[str] = None,
        cert_file: Optional[str] = None,
        key_file: Optional[str] = None,
        proxy: Optional[str] = None,
        proxy_headers: Optional[Dict[str, str]] = None,
        connection_pool_maxsize: Optional[int] = None,
        timeout: TimeoutValue = (_DEFAULT_CONNECT_TIMEOUT, _DEFAULT_READ_TIMEOUT),
        retries: RetrySetting = None,
        max_response_bytes: int = 64 * 1024 * 1024,
        rate_limit_max_wait: float = 60.0,
        allow_insecure_http: bool = False,
        trust_env: bool = True,
        debug: bool = False,
        strict_answers: bool = False,
    ) -> None:
        self.host = host or os.environ.get(HOST_ENV) or DEFAULT_HOST
        # The environment fills in credentials only when none were given at all, so an
        # explicit access token is never overridden by an API key from the environment.
        from_env = credentials is None and username is None and password is None and access_token is None
        oauth_from_env = from_env and os.environ.get(OAUTH_IDENTITY_POOL_ID_ENV) is not None
        use_env_key = from_env and not oauth_from_env
        self.username = os.environ.get(API_KEY_ENV) if use_env_key else username
        self.password = os.environ.get(API_SECRET_ENV) if use_env_key else password
        if use_env_key:  # refused now, naming the variables rather than the attributes
            _legacy_providers(self.username, self.password, None, names=(API_KEY_ENV, API_SECRET_ENV))
        self.access_token = access_token
        self._credentials: Tuple[CredentialProvider, ...] = as_providers(credentials)
        self._legacy_key: Tuple[Optional[str], ...] = (None, None, None)
        self._legacy: Tuple[CredentialProvider, ...] = ()
        self.verify_ssl = verify_ssl
        self.ssl_ca_cert = ssl_ca_cert
        self.cert_file = cert_file
        self.key_file = key_file
        self.assert_hostname: Optional[Union[str, bool]] = None
        self.tls_server_name: Optional[str] = None
        self.proxy = check_host(proxy, "proxy", allow_userinfo=True) if proxy else None
        self.proxy_headers = proxy_headers
        self.connection_pool_maxsize = (
            min(32, (os.cpu_count() or 1) * 5) if connection_pool_maxsize is None else connection_pool_maxsize
        )
        self.timeout = timeout
        self.retries = retries  # the setter normalizes
        self.max_response_bytes = max_response_bytes
        self.rate_limit_max_wait = rate_limit_max_wait
        self.allow_insecure_http = allow_insecure_http
        self.trust_env = trust_env
        self.strict_answers = strict_answers
        self.logger = logging.getLogger("openapi_client")
        self._debug = False
        if debug:
            self.debug = True
        if oauth_from_env:
            self._credentials = (self._oauth_from_environment(),)
        self.credentials  # noqa: B018 - checks the key and secret now, not at the first call

    @property
    def credentials(self) -> Tuple[CredentialProvider, ...]:
        """The credential providers calls choose from, in order: those given as
        ``credentials``, then a ``CloudApiKey`` for ``username``/``password`` and a
        ``BearerToken`` for ``access_token`` (both follow live changes)."""
        legacy_key = (self.username, self.password, self.access_token)
        if legacy_key != self._legacy_key:
            self._legacy = _legacy_providers(*legacy_key)
            self._legacy_key = legacy_key
        return self._credentials + self._legacy

    @credentials.setter
    def credentials(self, value: CredentialsSetting) -> None:
        self._credentials = as_providers(value)

    def _oauth_from_environment(self) -> ConfluentOAuth:
        try:
            return self._oauth_from_variables()
        except ApiValueError as exc:
            raise ApiValueError(f"OAuth from the environment ({OAUTH_IDENTITY_POOL_ID_ENV} is set): {exc}") from None

    def _oauth_from_variables(self) -> ConfluentOAuth:
        token_url = _env(OAUTH_TOKEN_URL_ENV)
        token_file = _env(OAUTH_TOKEN_FILE_ENV)
        access_token = _env(OAUTH_ACCESS_TOKEN_ENV)
        given = [
            name
            for name, value in (
                (OAUTH_TOKEN_URL_ENV, token_url),
                (OAUTH_TOKEN_FILE_ENV, token_file),
                (OAUTH_ACCESS_TOKEN_ENV, access_token),
            )
            if value
        ]
        if len(given) != 1:
            raise ApiValueError(
                f"{OAUTH_IDENTITY_POOL_ID_ENV} is set, so exactly one subject token source must be too: "
                f"{OAUTH_TOKEN_URL_ENV} (with {OAUTH_CLIENT_ID_ENV}/{OAUTH_CLIENT_SECRET_ENV}), "
                f"{OAUTH_TOKEN_FILE_ENV} or {OAUTH_ACCESS_TOKEN_ENV}; found " + (", ".join(given) or "none")
            )
        source: SubjectTokenSource
        if token_url:
            client_id, client_secret = _env(OAUTH_CLIENT_ID_ENV), _env(OAUTH_CLIENT_SECRET_ENV)
            if not client_id or not client_secret:
                raise ApiValueError(f"{OAUTH_TOKEN_URL_ENV} needs {OAUTH_CLIENT_ID_ENV} and {OAUTH_CLIENT_SECRET_ENV}")
            source = ClientCredentialsGrant(token_url, client_id, client_secret, _env(OAUTH_SCOPE_ENV) or None)
        elif token_file:
            source = SubjectTokenFile(token_file)
        else:
            fixed = access_token or ""
            source = lambda: fixed  # noqa: E731 - a fixed external token, exchanged as is
        return ConfluentOAuth(
            os.environ.get(OAUTH_IDENTITY_POOL_ID_ENV, ""),
            source,
            sts_url=_env(OAUTH_STS_URL_ENV) or self.host + STS_PATH,
            verify_ssl=self.verify_ssl,
            ssl_ca_cert=self.ssl_ca_cert,
            proxy=self.proxy,
            proxy_headers=self.proxy_headers,
            timeout=_exchange_timeout(self.timeout),
            allow_insecure_http=self.allow_insecure_http,
            trust_env=self.trust_env,
        )

    @property
    def host(self) -> str:
        """The service's base URL, ``https://api.confluent.cloud`` by default.

        Checked when set: ``http`` or ``https`` only, with a host name, and no user-info,
        query or fragment part (:class:`ApiValueError` otherwise).
        """
        return self._host

    @host.setter
    def host(self, value: str) -> None:
        self._host = check_host(value)

    @property
    def retries(self) -> ApiRetry:
        """The retry policy of every call (a call's ``_retries`` overrides it).

        Accepts an :class:`ApiRetry`, a number of retries, ``False`` for none, or
        ``None``/``True`` for the default policy. A urllib3 ``Retry`` is refused with
        :class:`ApiTypeError`: this client applies its own rules, not urllib3's.
        """
        return self._retries

    @retries.setter
    def retries(self, value: RetrySetting) -> None:
        self._retries = ApiRetry.from_setting(value)

    @property
    def debug(self) -> bool:
        """When on, the ``openapi_client`` logger writes DEBUG lines (never credentials)."""
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        # Only an explicit change touches the shared logger; a new Configuration leaves
        # the level the application chose alone.
        self._debug = value
        if value:
            self.logger.setLevel(logging.DEBUG)
            if not self.logger.handlers and not logging.getLogger().handlers:
                handler = logging.StreamHandler(sys.stderr)
                handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
                self.logger.addHandler(handler)
        else:
            self.logger.setLevel(logging.NOTSET)

    def get_basic_auth_token(self) -> Optional[str]:
        """The ``Authorization`` value for ``username``/``password``, or ``None`` if unset."""
        if self.username is None and self.password is None:
            return None
        return _legacy_providers(self.username, self.password, None)[0].authorization()

    def auth_settings(self) -> Dict[str, Dict[str, Any]]:
        """The API document's security schemes these settings satisfy (the first provider
        of each scheme); an OAuth provider fetches its token for this."""
        settings: Dict[str, Dict[str, Any]] = {}
        for provider in self.credentials:
            if provider.scheme in settings:
                continue
            kind = "oauth2" if provider.scheme == "confluent-sts-access-token" else "basic"
            value = provider.authorization()
            settings[provider.scheme] = {"type": kind, "in": "header", "key": "Authorization", "value": value}
        return settings

    def __deepcopy__(self, memo: Dict[int, Any]) -> Configuration:
        clone = copy.copy(self)
        clone.proxy_headers = copy.deepcopy(self.proxy_headers, memo)
        return clone

    def __repr__(self) -> str:
        secret = "<redacted>" if self.password else None
        token = "<redacted>" if self.access_token else None
        try:
            # Every provider a call may choose from, each showing no secret in its own repr.
            providers = repr(list(self.credentials))
        except ApiValueError:
            providers = f"{list(self._credentials)!r} (username/password incomplete)"
        return (
            f"Configuration(host={self.host!r}, username={self.username!r}, password={secret!r}, "
            f"access_token={token!r}, credentials={providers}, verify_ssl={self.verify_ssl!r}, "
            f"timeout={self.timeout!r})"
        )

    # -- the numeric settings, checked when set (nothing is sent with a setting that cannot work) --

    @property
    def timeout(self) -> TimeoutValue:
        """Socket timeouts in seconds: ``(connect, read)``, one number for both, a
        ``urllib3.Timeout``, or ``None`` for none. Each number must be finite and above 0."""
        return self._timeout

    @timeout.setter
    def timeout(self, value: TimeoutValue) -> None:
        if isinstance(value, tuple):
            if len(value) != 2:
                raise ApiValueError(f"Configuration timeout must be a (connect, read) pair, got {len(value)} values")
            for part, name in zip(value, ("connect", "read")):
                _seconds(part, f"Configuration timeout ({name})")
        elif value is not None and not isinstance(value, Timeout):
            _seconds(value, "Configuration timeout")
        self._timeout = value

    @property
    def max_response_bytes(self) -> int:
        """The most bytes one response body may hold once decoded (an int, 0 or more)."""
        return self._max_response_bytes

    @max_response_bytes.setter
    def max_response_bytes(self, value: int) -> None:
        self._max_response_bytes = _count(value, "Configuration max_response_bytes", minimum=0)

    @property
    def rate_limit_max_wait(self) -> float:
        """The longest, in seconds, a request is held back for a spent rate-limit window
        (finite, 0 or more; 0 turns the pacing off)."""
        return self._rate_limit_max_wait

    @rate_limit_max_wait.setter
    def rate_limit_max_wait(self, value: float) -> None:
        self._rate_limit_max_wait = _seconds(value, "Configuration rate_limit_max_wait", zero=True)

    @property
    def connection_pool_maxsize(self) -> int:
        """The most connections kept per host (1 or more; by default 5 per CPU, at most 32)."""
        return self._connection_pool_maxsize

    @connection_pool_maxsize.setter
    def connection_pool_maxsize(self, value: int) -> None:
        self._connection_pool_maxsize = _count(value, "Configuration connection_pool_maxsize", minimum=1)


def _seconds(value: Any, name: str, *, zero: bool = False) -> float:
    """``value`` as seconds if it is a finite number above 0 (or 0 itself with ``zero``);
    else an error naming the setting."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApiTypeError(f"{name} must be a number of seconds, not a {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        least = "0 or more" if zero else "above 0"
        raise ApiValueError(f"{name} must be a finite number of seconds, {least}; got {value!r}")
    return value


def _count(value: Any, name: str, *, minimum: int) -> int:
    """``value`` if it is an int of at least ``minimum``; else an error naming the setting."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiTypeError(f"{name} must be an int, not a {type(value).__name__}")
    if value < minimum:
        raise ApiValueError(f"{name} must be {minimum} or more, got {value!r}")
    return value


def _env(name: str) -> Optional[str]:
    # An optional OAuth variable left empty counts as unset; required values are checked
    # by the providers, which refuse blanks.
    value = os.environ.get(name)
    return value if value and value.strip() else None


def _legacy_providers(
    username: Optional[str],
    password: Optional[str],
    access_token: Optional[str],
    names: Tuple[str, str] = ("Configuration username", "Configuration password"),
) -> Tuple[CredentialProvider, ...]:
    providers: Tuple[CredentialProvider, ...] = ()
    if username is not None or password is not None:
        if username is None or password is None:
            missing = names[1] if password is None else names[0]
            raise ApiValueError(f"{missing} is missing: an API key needs both its key and its secret")
        providers += (CloudApiKey(username, password, _names=names),)
    if access_token is not None:
        providers += (BearerToken(access_token, _name="Configuration access_token"),)
    return providers
