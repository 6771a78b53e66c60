"""What the providers share: scheme names, argument checks, where credentials may go."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from openapi_client.exceptions import ApiValueError

CLOUD_API_KEY = "cloud-api-key"
GLOBAL_API_KEY = "global-api-key"
CONFLUENT_STS_ACCESS_TOKEN = "confluent-sts-access-token"

logger = logging.getLogger("openapi_client")


def check_text(value: Any, name: str) -> None:
    if not isinstance(value, str):
        raise ApiValueError(f"{name} must be a str, got {type(value).__name__}")
    if not value.strip():
        raise ApiValueError(f"{name} must not be empty or whitespace")
    if value != value.strip() or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ApiValueError(f"{name} must not have surrounding whitespace or control characters")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise ApiValueError(f"{name} must not contain lone surrogates")


def is_token(value: str) -> bool:
    return bool(value) and all(0x21 <= ord(c) <= 0x7E for c in value)


def check_token(value: Any, name: str) -> None:
    check_text(value, name)
    if not is_token(value):
        raise ApiValueError(f"{name} must be printable ASCII without spaces")


def check_url(value: Any, name: str) -> None:
    check_text(value, name)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApiValueError(f"{name} must be an http(s) URL")


def without_query(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0]


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
