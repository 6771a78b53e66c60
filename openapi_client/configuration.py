"""Configuration: where the service is, how to authenticate, and how to connect."""

from __future__ import annotations

import base64
import copy
import logging
import os
import sys
from typing import Any, Dict, Optional, Tuple, Union

from openapi_client.exceptions import ApiValueError
from openapi_client.http_request import check_header_value, check_host
from openapi_client.retry import ApiRetry, RetrySetting

__all__ = ["Configuration", "DEFAULT_HOST", "API_KEY_ENV", "API_SECRET_ENV", "HOST_ENV"]

DEFAULT_HOST = "https://api.confluent.cloud"
API_KEY_ENV = "CONFLUENT_CLOUD_API_KEY"
API_SECRET_ENV = "CONFLUENT_CLOUD_API_SECRET"
HOST_ENV = "CONFLUENT_CLOUD_HOST"

TimeoutValue = Union[None, float, Tuple[float, float]]

_DEFAULT_CONNECT_TIMEOUT = 10.0
_DEFAULT_READ_TIMEOUT = 60.0


class Configuration:
    """Settings of one :class:`ApiClient`.

    Authentication: a Cloud API key and secret (HTTP Basic ``username``/``password``), or
    an OAuth ``access_token`` sent as a bearer token. When no credential is given at all,
    the key and secret are read from ``CONFLUENT_CLOUD_API_KEY``/``CONFLUENT_CLOUD_API_SECRET``.
    Credentials may be changed on a live configuration (e.g. after a rotation); the next
    call uses them. ``host`` defaults to ``CONFLUENT_CLOUD_HOST``, else Confluent Cloud.

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
    with :class:`ApiValueError` here, before any request.
    """

    def __init__(
        self,
        host: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        access_token: Optional[str] = None,
        *,
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
    ) -> None:
        self.host = host or os.environ.get(HOST_ENV) or DEFAULT_HOST
        # The environment fills in credentials only when none were given at all, so an
        # explicit access token is never overridden by an API key from the environment.
        from_env = username is None and password is None and access_token is None
        self.username = os.environ.get(API_KEY_ENV) if from_env else username
        self.password = os.environ.get(API_SECRET_ENV) if from_env else password
        self.access_token = access_token
        check_credentials(self.username, self.password, self.access_token, from_env=from_env)
        self.verify_ssl = verify_ssl
        self.ssl_ca_cert = ssl_ca_cert
        self.cert_file = cert_file
        self.key_file = key_file
        self.assert_hostname: Optional[Union[str, bool]] = None
        self.tls_server_name: Optional[str] = None
        self.proxy = check_host(proxy, "proxy", allow_userinfo=True) if proxy else None
        self.proxy_headers = proxy_headers
        self.connection_pool_maxsize = connection_pool_maxsize or min(32, (os.cpu_count() or 1) * 5)
        self.timeout = timeout
        self.retries = retries  # the setter normalizes
        self.max_response_bytes = max_response_bytes
        self.rate_limit_max_wait = rate_limit_max_wait
        self.allow_insecure_http = allow_insecure_http
        self.trust_env = trust_env
        self.logger = logging.getLogger("openapi_client")
        self._debug = False
        if debug:
            self.debug = True

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
        """The ``Authorization`` value for the API key and secret, or ``None`` if unset."""
        if self.username is None and self.password is None:
            return None
        check_credentials(self.username, self.password, None, from_env=False)
        raw = f"{self.username or ''}:{self.password or ''}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    def auth_settings(self) -> Dict[str, Dict[str, Any]]:
        """The spec's security schemes that these settings can satisfy."""
        settings: Dict[str, Dict[str, Any]] = {}
        basic = self.get_basic_auth_token()
        if basic is not None:
            for scheme in ("cloud-api-key", "global-api-key"):
                settings[scheme] = {"type": "basic", "in": "header", "key": "Authorization", "value": basic}
        if self.access_token is not None:
            check_credentials(None, None, self.access_token, from_env=False)
            settings["confluent-sts-access-token"] = {
                "type": "oauth2",
                "in": "header",
                "key": "Authorization",
                "value": f"Bearer {self.access_token}",
            }
        return settings

    def get_host_settings(self) -> list[Dict[str, str]]:
        """The servers the spec names."""
        return [{"url": DEFAULT_HOST, "description": "Confluent Cloud production"}]

    def __deepcopy__(self, memo: Dict[int, Any]) -> Configuration:
        clone = copy.copy(self)
        clone.proxy_headers = copy.deepcopy(self.proxy_headers, memo)
        return clone

    def __repr__(self) -> str:
        secret = "<redacted>" if self.password else None
        token = "<redacted>" if self.access_token else None
        return (
            f"Configuration(host={self.host!r}, username={self.username!r}, password={secret!r}, "
            f"access_token={token!r}, verify_ssl={self.verify_ssl!r}, timeout={self.timeout!r})"
        )


def check_credentials(
    username: Optional[str], password: Optional[str], access_token: Optional[str], *, from_env: bool
) -> None:
    """Refuse credentials that cannot work: blank values, a key without a secret or a
    secret without a key, values that cannot be sent in a header. Never quotes a value."""
    source = f" (from {API_KEY_ENV}/{API_SECRET_ENV})" if from_env else ""
    if username is not None or password is not None:
        for name, value in (("username", username), ("password", password)):
            if value is None or not str(value).strip():
                raise ApiValueError(
                    f"{name}{source} is {'missing' if value is None else 'blank'}: an API key needs both "
                    "its key (username) and its secret (password)"
                )
            check_header_value("Authorization", value, name)
            if name == "username" and ":" in value:
                raise ApiValueError("username must not contain ':' (it separates key and secret)")
    if access_token is not None:
        if not str(access_token).strip():
            raise ApiValueError("access_token is blank")
        check_header_value("Authorization", access_token, "access_token")
