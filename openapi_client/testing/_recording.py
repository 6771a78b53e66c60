"""The log of the most recent requests the emulator received, bounded in size, without credentials.

Nothing that authenticates anyone is kept, in any field: credentials are found by where
they travel (the ``Authorization`` header, headers, query parameters and JSON members whose
names say secret, token, password or key, every value of a token request's form but the
few that are not secret) and by their shape (the JWTs the emulator issues, the API key
secrets it makes); each one found, and every secret the emulator knows (its own API secret
and access token, OAuth client secrets, API key secrets), is then masked wherever it
appears in the request, in its plain, percent-encoded, JSON-escaped and base64 spellings.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Deque, Dict, Iterable, List, Mapping, Optional, Set, Tuple
from urllib.parse import parse_qsl, quote, quote_plus, unquote, unquote_plus, urlencode

from openapi_client.testing._auth import FORM

__all__ = ["RecordedRequest", "RequestLog"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it reached the emulator, and the status it was answered with.

    ``path`` is the path as sent (still percent-encoded), ``raw_path`` the whole request
    target (path and query string) as sent, ``query`` maps each query parameter to its
    decoded values; ``status`` is ``None`` when the connection was dropped unanswered.
    The ``Authorization`` header keeps only its scheme (``"Basic ***"``) and every other
    credential is replaced by ``***`` wherever it appears; ``body`` is cut to the log's body
    limit (after masking), and ``body_size`` is the size that was received.
    """

    method: str
    path: str
    query: Dict[str, List[str]]
    headers: Dict[str, str]
    body: bytes
    status: Optional[int]
    raw_path: str = ""
    body_size: int = 0


MASK = "***"

# Scheme names kept in the log so tests can tell how a client authenticated; any other
# first word might be part of a credential.
_SCHEMES = frozenset({"basic", "bearer", "digest", "negotiate", "token"})

# Names of headers, query parameters, JSON members and form fields that carry credentials.
_SECRET_NAME = re.compile(
    r"secret|passw|pwd|token|credential|authoriz|api[-_]?key|private[-_]?key|cookie|assertion|session|signature",
    re.IGNORECASE,
)
# ...except these, which name no credential (a page token is an opaque cursor).
_NOT_SECRET = frozenset(
    {"page_token", "subject_token_type", "requested_token_type", "actor_token_type", "issued_token_type"}
)
# The form fields of a token request that are not secret; every other value is masked.
_PUBLIC_FORM_FIELDS = frozenset(
    {
        "grant_type",
        "client_id",
        "identity_pool_id",
        "subject_token_type",
        "requested_token_type",
        "actor_token_type",
        "expires_in",
        "scope",
        "audience",
        "resource",
    }
)

# Credentials recognised by shape: the JWTs the emulator (or anyone) issues, and the
# 64-character base64 API key secrets it makes.
_JWT = rb"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"
_API_SECRET = rb"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{64}(?![A-Za-z0-9+/])"
# Shorter values are not searched for elsewhere in a request: they would mask ordinary text.
MIN_SEARCHED = 4


@functools.lru_cache(maxsize=1024)
def secret_name(name: str) -> bool:
    """Whether a header, parameter or member of this name carries a credential."""
    return name.lower() not in _NOT_SECRET and _SECRET_NAME.search(name) is not None


class Redactor:
    """Masks the credentials of one request (see the module's description).

    ``known`` gives the secrets the emulator holds at the moment of recording.
    """

    def __init__(self, known: Callable[[], Iterable[str]] = tuple) -> None:
        self._known = known

    def request(
        self,
        path: str,
        raw_path: str,
        query: Mapping[str, List[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Tuple[str, str, Dict[str, List[str]], Dict[str, str], bytes]:
        """(path, raw_path, query, headers, body) with every credential masked."""
        found: Set[str] = set(self._known())
        kept_headers: Dict[str, str] = {}
        for name, value in headers.items():
            lowered = name.lower()
            if lowered in ("authorization", "proxy-authorization"):
                found.update(_authorization_secrets(value))
                kept_headers[name] = _scheme_only(value)
            elif secret_name(name):
                found.add(value.strip())
                kept_headers[name] = MASK
            else:
                kept_headers[name] = value
        kept_query: Dict[str, List[str]] = {}
        for name, values in query.items():
            if secret_name(name):
                found.update(values)
                kept_query[name] = [MASK for _ in values]
            else:
                kept_query[name] = list(values)
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        body, from_body = _masked_body(body, content_type, path.endswith("/oauth2/token"))
        found.update(from_body)
        searched = sorted((secret for secret in found if len(secret) >= MIN_SEARCHED), key=lambda s: (-len(s), s))
        spellings = _masking_pattern(tuple(searched))
        kept_query = {
            _mask_text(name, spellings): [_mask_text(v, spellings) for v in values]
            for name, values in kept_query.items()
        }
        path = _mask_text(path, spellings)
        raw_path = _mask_text(raw_path, spellings)
        # A secret percent-encoded some other way is still found once decoded: then the
        # target is written again from its masked, decoded parts.
        if _holds(unquote(path), searched):
            path = quote(_mask_plain(unquote(path), searched), safe="/*")
        if _holds(unquote(raw_path), searched) or _holds(unquote_plus(raw_path), searched):
            raw_path = path + (f"?{urlencode(kept_query, doseq=True, safe='*')}" if kept_query else "")
        return (
            path,
            raw_path,
            kept_query,
            {_mask_text(name, spellings): _mask_text(v, spellings) for name, v in kept_headers.items()},
            _decoded_masked(_mask_bytes(body, spellings), searched, content_type, path.endswith("/oauth2/token")),
        )


def _holds(text: str, secrets: List[str]) -> bool:
    return any(secret in text for secret in secrets)


def _mask_plain(text: str, secrets: List[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def _decoded_masked(body: bytes, secrets: List[str], content_type: str, token_request: bool) -> bytes:
    """The body written again from its decoded parts when a secret is still there once
    decoded (a JSON string with ``\\u`` escapes, a form value encoded some other way)."""
    if not secrets or not body:
        return body
    media = content_type.split(";")[0].strip().lower()
    if media == FORM or (token_request and media != "application/json"):
        try:
            fields = parse_qsl(body.decode("ascii"), keep_blank_values=True)
        except UnicodeError:
            return body
        if any(_holds(name, secrets) or _holds(value, secrets) for name, value in fields):
            masked = [(_mask_plain(name, secrets), _mask_plain(value, secrets)) for name, value in fields]
            return urlencode(masked, safe="*").encode("ascii")
        return body
    if body.strip()[:1] not in (b"{", b"[", b'"'):
        return body
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return body
    if not any(_holds(text, secrets) for text in _strings(document, names=True)):
        return body
    return json.dumps(_mask_strings(document, secrets), separators=(",", ":")).encode("utf-8", "surrogatepass")


def _mask_strings(value: Any, secrets: List[str]) -> Any:
    if isinstance(value, str):
        return _mask_plain(value, secrets)
    if isinstance(value, dict):
        return {_mask_plain(str(name), secrets): _mask_strings(member, secrets) for name, member in value.items()}
    if isinstance(value, list):
        return [_mask_strings(member, secrets) for member in value]
    return value


def _scheme_only(value: str) -> str:
    scheme, space, _ = value.strip().partition(" ")
    return f"{scheme} {MASK}" if space and scheme.lower() in _SCHEMES else MASK


def _authorization_secrets(value: str) -> List[str]:
    """Every piece of an Authorization value that is a credential, in the spellings a client sends."""
    stripped = value.strip()
    scheme, _, credential = stripped.partition(" ")
    pieces = [stripped, credential.strip()]
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credential.strip(), validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            decoded = ""
        password = decoded.partition(":")[2]
        pieces += [decoded, password]
    return [piece for piece in pieces if piece]


def _masked_body(body: bytes, content_type: str, token_request: bool) -> Tuple[bytes, List[str]]:
    """The body with credential members masked (JSON) or every secret field masked (a form, or
    anything sent to a token endpoint), and the values masked."""
    media = content_type.split(";")[0].strip().lower()
    if media == FORM or (token_request and media != "application/json"):
        return _masked_form(body)
    if body.strip()[:1] not in (b"{", b"["):
        return body, []
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return body, []
    found: List[str] = []
    masked = _mask_members(document, found)
    if not found:
        return body, []
    return json.dumps(masked, separators=(",", ":")).encode("utf-8", "surrogatepass"), found


def _masked_form(body: bytes) -> Tuple[bytes, List[str]]:
    try:
        fields = parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=bool(body.strip()))
    except (UnicodeError, ValueError):
        # Not a form we can read: nothing of it is kept.
        return (f"{MASK} (an unreadable form body of {len(body)} bytes)".encode(), [])
    found = [value for name, value in fields if name not in _PUBLIC_FORM_FIELDS and value]
    if not found:
        return body, []
    kept = [(name, value if name in _PUBLIC_FORM_FIELDS else MASK) for name, value in fields]
    return urlencode(kept, safe="*").encode("ascii"), found


def _mask_members(value: Any, found: List[str]) -> Any:
    """``value`` with the values of credential-named members replaced (their text added to ``found``)."""
    if isinstance(value, dict):
        masked: Dict[str, Any] = {}
        for name, member in value.items():
            if isinstance(name, str) and secret_name(name) and member is not None:
                found.extend(_strings(member))
                masked[name] = MASK
            else:
                masked[name] = _mask_members(member, found)
        return masked
    if isinstance(value, list):
        return [_mask_members(member, found) for member in value]
    return value


def _strings(value: Any, *, names: bool = False) -> List[str]:
    """Every string inside a JSON value (numbers and the like as JSON text), with member names if asked."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        found = [str(name) for name in value] if names else []
        return found + [text for member in value.values() for text in _strings(member, names=names)]
    if isinstance(value, list):
        return [text for member in value for text in _strings(member, names=names)]
    return [json.dumps(value)]


@functools.lru_cache(maxsize=256)
def _masking_pattern(secrets: Tuple[str, ...]) -> re.Pattern[bytes]:
    """One pattern finding every usual spelling of these secrets and the credential shapes.

    Spellings: as sent, percent-encoded (three ways), JSON-escaped (two ways), base64 (three
    ways); the longest first, so no part of one is left. The same few secrets come back
    request after request, so the pattern is made once for them.
    """
    spelled: Set[bytes] = set()
    for secret in secrets:
        encoded = secret.encode("utf-8", "surrogatepass")
        spelled.update(
            {
                encoded,
                quote(encoded, safe="").encode("ascii"),
                quote(encoded, safe="/").encode("ascii"),
                quote_plus(encoded, safe="").encode("ascii"),
                json.dumps(secret)[1:-1].encode("ascii"),
                json.dumps(secret, ensure_ascii=False)[1:-1].encode("utf-8", "surrogatepass"),
                base64.b64encode(encoded),
                base64.b64encode(encoded).rstrip(b"="),
                base64.urlsafe_b64encode(encoded).rstrip(b"="),
            }
        )
    ordered = sorted((spelling for spelling in spelled if len(spelling) >= MIN_SEARCHED), key=len, reverse=True)
    return re.compile(b"|".join([*(re.escape(spelling) for spelling in ordered), _JWT, _API_SECRET]))


def _mask_bytes(data: bytes, pattern: re.Pattern[bytes]) -> bytes:
    return pattern.sub(MASK.encode(), data) if data else data


def _mask_text(text: str, pattern: re.Pattern[bytes]) -> str:
    if not text:
        return text
    return _mask_bytes(text.encode("utf-8", "surrogatepass"), pattern).decode("utf-8", "surrogatepass")


class RequestLog:
    """A thread-safe log keeping the ``capacity`` most recent requests, credentials masked."""

    def __init__(self, capacity: int = 1000, body_bytes: int = 8192, redactor: Optional[Redactor] = None) -> None:
        if capacity < 1:
            raise ValueError(f"request_log_size must be at least 1, got {capacity}")
        if body_bytes < 0:
            raise ValueError(f"request_log_body_bytes must not be negative, got {body_bytes}")
        self._lock = threading.Lock()
        self._requests: Deque[RecordedRequest] = deque(maxlen=capacity)
        self._body_bytes = body_bytes
        self._redactor = redactor or Redactor()

    def record(
        self,
        method: str,
        path: str,
        query: Mapping[str, List[str]],
        headers: Mapping[str, str],
        body: bytes,
        status: Optional[int],
        raw_path: str,
    ) -> None:
        """Keep one request (what is safe and small enough of it)."""
        path, raw_path, kept_query, kept_headers, kept_body = self._redactor.request(
            path, raw_path, query, headers, body
        )
        kept = RecordedRequest(
            method,
            path,
            kept_query,
            kept_headers,
            kept_body[: self._body_bytes],
            status,
            raw_path,
            len(body),
        )
        with self._lock:
            self._requests.append(kept)

    def snapshot(self) -> List[RecordedRequest]:
        """A copy of the log, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        """Forget every recorded request."""
        with self._lock:
            self._requests.clear()
