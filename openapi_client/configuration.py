"""Configuration: where the service is, how to authenticate, and how to connect."""

from __future__ import annotations

import base64
import copy
import logging
import os
import sys
from typing import Any, Dict, Optional, Tuple, Union

from urllib3.util.retry import Retry

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
    for a client certificate, ``proxy`` and ``proxy_headers``, ``connection_pool_maxsize``
    and ``timeout`` (connect, read) in seconds, which every call uses unless it passes its
    own ``_request_timeout``.

    Resilience: ``retries`` is the :class:`~openapi_client.retry.ApiRetry` policy (or an
    int, or ``False`` for none); ``rate_limit_max_wait`` is the longest a request is held
    back once the service reports its rate-limit window spent (``0`` turns that pacing
    off, see :class:`~openapi_client.rate_limit.RateLimitGate`); ``max_response_bytes``
    caps what one response may hold.

    Credentials are only sent over ``https``, or over ``http`` to this machine; set
    ``allow_insecure_http`` to send them to another plain-http host.
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
        debug: bool = False,
    ) -> None:
        self.host = (host or os.environ.get(HOST_ENV) or DEFAULT_HOST).rstrip("/")
        # The environment fills in credentials only when none were given at all, so an
        # explicit access token is never overridden by an API key from the environment.
        from_env = username is None and password is None and access_token is None
        self.username = os.environ.get(API_KEY_ENV) if from_env else username
        self.password = os.environ.get(API_SECRET_ENV) if from_env else password
        self.access_token = access_token
        self.verify_ssl = verify_ssl
        self.ssl_ca_cert = ssl_ca_cert
        self.cert_file = cert_file
        self.key_file = key_file
        self.assert_hostname: Optional[Union[str, bool]] = None
        self.tls_server_name: Optional[str] = None
        self.proxy = proxy
        self.proxy_headers = proxy_headers
        self.connection_pool_maxsize = connection_pool_maxsize or min(32, (os.cpu_count() or 1) * 5)
        self.timeout = timeout
        self.retries = retries  # the setter normalizes
        self.max_response_bytes = max_response_bytes
        self.rate_limit_max_wait = rate_limit_max_wait
        self.allow_insecure_http = allow_insecure_http
        self.logger = logging.getLogger("openapi_client")
        self._debug = False
        if debug:
            self.debug = True

    @property
    def retries(self) -> Retry:
        """The retry policy of every call (a call's ``_retries`` overrides it).

        Accepts an :class:`ApiRetry` (or any urllib3 ``Retry``), a number of retries,
        ``False`` for none, or ``None``/``True`` for the default policy.
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
