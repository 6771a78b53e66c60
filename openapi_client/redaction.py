"""Redactor: scrub the secrets in use out of anything the SDK shows (messages, bodies, headers, logs)."""

from __future__ import annotations

import base64
import json
import re
from typing import TYPE_CHECKING, Dict, Iterable, Mapping, Optional, Pattern, Tuple

if TYPE_CHECKING:
    from openapi_client.configuration import Configuration

__all__ = ["MASK", "Redactor", "secrets_in_use", "SENSITIVE_HEADERS"]

MASK = "**********"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})

# Shorter strings would mask ordinary words; no real secret or token is this short.
_MIN_SECRET_LENGTH = 4


class Redactor:
    """Replaces each given secret, wherever it appears, by ``**********``.

    Header values of ``Authorization``, ``Proxy-Authorization``, ``Cookie`` and
    ``Set-Cookie`` are masked whole, whatever they hold.
    """

    __slots__ = ("_pattern", "secrets")

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets: Tuple[str, ...] = tuple(
            sorted({s for s in secrets if s and len(s) >= _MIN_SECRET_LENGTH}, key=len, reverse=True)
        )
        # A JSON body echoes a secret as a JSON string (a quote or backslash escaped, maybe "/"
        # as "\/" and non-ASCII as "\u...."): those spellings are masked too, so both the body
        # and the details decoded from it come out clean.
        spellings = {spelling for secret in self.secrets for spelling in _json_spellings(secret)}
        found = sorted(spellings, key=len, reverse=True)
        self._pattern: Optional[Pattern[str]] = re.compile("|".join(map(re.escape, found))) if found else None

    def text(self, value: str) -> str:
        """``value`` with every secret masked."""
        if self._pattern is None or not value:
            return value
        return self._pattern.sub(MASK, value)

    def optional_text(self, value: Optional[str]) -> Optional[str]:
        """:meth:`text`, passing ``None`` through."""
        return None if value is None else self.text(value)

    def headers(self, headers: Optional[Mapping[str, str]]) -> Dict[str, str]:
        """A copy of ``headers`` safe to show: credential headers masked whole, secrets masked
        in every other value."""
        if not headers:
            return {}
        return {
            key: (MASK if key.lower() in SENSITIVE_HEADERS else self.text(value)) for key, value in headers.items()
        }

    def with_more(self, secrets: Iterable[str]) -> Redactor:
        """A redactor for these secrets as well (a create answer's new secret, say)."""
        return Redactor((*self.secrets, *secrets))


def _json_spellings(secret: str) -> Tuple[str, ...]:
    """``secret`` as it is, and as JSON encoders write it inside a string."""
    escaped = json.dumps(secret)[1:-1]
    unescaped_unicode = json.dumps(secret, ensure_ascii=False)[1:-1]
    return (secret, escaped, unescaped_unicode, escaped.replace("/", "\\/"), unescaped_unicode.replace("/", "\\/"))


def secrets_in_use(configuration: Configuration) -> Tuple[str, ...]:
    """Every sensitive string the configuration's credentials put on the wire or may see
    echoed (secrets, tokens, the header values built from them), as each credential
    provider reports it (``secrets()``)."""
    providers = configuration.credentials
    if len(providers) == 1:
        secrets = providers[0].secrets()
        # The usual case, taken as it is; a provider of one's own may hand over a list it
        # later extends in place, which the caller's cache would not see change: copy that.
        return secrets if type(secrets) is tuple else tuple(secrets)
    return tuple(secret for provider in providers for secret in provider.secrets())


def basic_secrets(value: str) -> Tuple[str, ...]:
    """The secrets inside an ``Authorization`` value passed per call: the value, its
    credentials part, and for Basic the decoded password."""
    found = [value]
    scheme, _, credentials = value.partition(" ")
    if credentials:
        found.append(credentials)
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                decoded = ""
            found.append(decoded.partition(":")[2])
    return tuple(found)
