"""Providers of a fixed credential: API keys (HTTP Basic) and a bearer token."""

from __future__ import annotations

import base64
from typing import Optional, Tuple

from openapi_client.credentials._base import (
    CLOUD_API_KEY,
    CONFLUENT_STS_ACCESS_TOKEN,
    GLOBAL_API_KEY,
    check_text,
    check_token,
)
from openapi_client.exceptions import ApiValueError


class _FixedHeader:
    """What every fixed credential does: the same header every time, never renewed."""

    _header: str

    def authorization(self) -> str:
        return self._header

    def on_unauthorized(self, rejected: str) -> bool:
        return False

    def needs_refresh(self) -> bool:
        return False


class _ApiKey(_FixedHeader):
    """HTTP Basic with an API key id and its secret."""

    scheme = CLOUD_API_KEY
    _kind = "API key"

    def __init__(self, key: str, secret: str, *, _names: Optional[Tuple[str, str]] = None) -> None:
        # _names: how the values were given, for error messages (e.g. Configuration username).
        what = type(self).__name__
        key_name, secret_name = _names or (f"{what} key", f"{what} secret")
        check_text(key, key_name)
        check_text(secret, secret_name)
        for value, name in ((key, key_name), (secret, secret_name)):
            if not value.isascii():
                raise ApiValueError(f"{name} must be ASCII (API keys and secrets are)")
        if ":" in key:
            raise ApiValueError(f"{key_name} must not contain ':' (HTTP Basic cannot carry it)")
        self.key: str = key
        self._header = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")
        self._secrets = (secret, self._header, self._header.split(" ", 1)[1])

    def secrets(self) -> Tuple[str, ...]:
        return self._secrets

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


class BearerToken(_FixedHeader):
    """A fixed Confluent access token sent as ``Authorization: Bearer <token>``.

    It is not refreshed: when it expires calls answer 401. Use :class:`ConfluentOAuth`
    to have tokens fetched and renewed.
    """

    scheme = CONFLUENT_STS_ACCESS_TOKEN

    def __init__(self, token: str, *, _name: str = "BearerToken token") -> None:
        check_token(token, _name)
        self._header = f"Bearer {token}"
        self._secrets = (token, self._header)

    def secrets(self) -> Tuple[str, ...]:
        return self._secrets

    def __repr__(self) -> str:
        return "BearerToken(token=<redacted>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BearerToken) and other._header == self._header

    def __hash__(self) -> int:
        return hash((BearerToken, self._header))
