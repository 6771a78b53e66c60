"""Redactor: scrub the secrets in use out of anything the SDK shows (messages, bodies, headers, logs)."""

from __future__ import annotations

import base64
import functools
import re
from typing import TYPE_CHECKING, Dict, Iterable, Mapping, Match, Optional, Pattern, Tuple
from urllib.parse import unquote

if TYPE_CHECKING:
    from openapi_client.configuration import Configuration

__all__ = ["MASK", "Redactor", "secrets_in_use", "SENSITIVE_HEADERS", "link_for_message"]

MASK = "**********"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})

# Shorter strings would mask ordinary words; no real secret or token is this short.
_MIN_SECRET_LENGTH = 4


class Redactor:
    """Replaces each given secret, wherever and however it is spelled, by ``**********``.

    A secret is found as it is and in every spelling an echo may give it, each character on
    its own: a JSON escape (``\\u0026``, as Go writes ``&``, ``<`` and ``>``; ``\\"``; ``\\/``;
    ``\\u00e9``), percent-encoding (a secret in a link's query) and an HTML character reference.
    Letters, digits and ``_.~-``, which no encoder escapes, are matched as written. Two
    things are masked without being known: the value of any JSON ``"secret"`` member (a new
    API key's secret, in an answer that could not be used), even when the text ends inside
    it, and the password of any ``scheme://user:password@`` URL (a proxy's).
    Header values of ``Authorization``, ``Proxy-Authorization``, ``Cookie`` and
    ``Set-Cookie`` are masked whole, whatever they hold, and header names like values.
    """

    __slots__ = ("secrets",)

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets: Tuple[str, ...] = tuple(
            sorted({s for s in secrets if s and len(s) >= _MIN_SECRET_LENGTH}, key=len, reverse=True)
        )

    def text(self, value: str) -> str:
        """``value`` with every secret masked."""
        if not value:
            return value
        # The rules that find secrets unknown to us go first: a known secret that is part of
        # what they look for ("secret", "cret", "http") would otherwise be masked away first.
        if '"' in value:
            value = _SECRET_FIELD.sub(_masked_field, value)
        if "@" in value:
            value = _URL_USERINFO.sub(_masked_userinfo, value)
        if self.secrets:
            value = _spellings_pattern(self.secrets).sub(MASK, value)
        return value

    def optional_text(self, value: Optional[str]) -> Optional[str]:
        """:meth:`text`, passing ``None`` through."""
        return None if value is None else self.text(value)

    def headers(self, headers: Optional[Mapping[str, str]]) -> Dict[str, str]:
        """A copy of ``headers`` safe to show: credential headers masked whole, secrets masked
        in every other value and in every name (a server may echo one as a header name)."""
        if not headers:
            return {}
        return {
            self.text(key): (MASK if key.lower() in SENSITIVE_HEADERS else self.text(value))
            for key, value in headers.items()
        }

    def with_more(self, secrets: Iterable[str]) -> Redactor:
        """A redactor for these secrets as well (a create answer's new secret, say)."""
        return Redactor((*self.secrets, *secrets))


# -- spellings of a secret -------------------------------------------------------------------

_JSON_SHORT = {'"': '"', "\\": "\\", "/": "/", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t"}
_HTML_NAMED = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos"}


def _hex(number: int, width: int) -> str:
    """``number`` in hex as a pattern matching either case of its letters."""
    return "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in f"{number:0{width}x}")


# No JSON or HTML encoder escapes these, and percent-encoding leaves them as they are: they
# are matched as written, which keeps the pattern of a long token as cheap as a plain search.
_AS_WRITTEN = re.compile(r"[A-Za-z0-9_.~-]")


def _character(ch: str) -> str:
    """A pattern for ``ch`` in any spelling an echo of it may have."""
    if _AS_WRITTEN.match(ch):
        return ch
    point = ord(ch)
    spellings = [re.escape(ch)]
    if point < 0x10000:
        spellings.append(r"\\u" + _hex(point, 4))
    else:  # JSON writes it as a surrogate pair
        offset = point - 0x10000
        spellings.append(r"\\u" + _hex(0xD800 + (offset >> 10), 4) + r"\\u" + _hex(0xDC00 + (offset & 0x3FF), 4))
    if ch in _JSON_SHORT:
        spellings.append(r"\\" + re.escape(_JSON_SHORT[ch]))
    spellings.append("".join("%" + _hex(byte, 2) for byte in ch.encode("utf-8", "surrogatepass")))
    if ch == " ":
        spellings.append(r"\+")
    # HTML references (a parser also reads them without the final semicolon).
    spellings.append(f"&#(?:0*{point}|[xX]0*{_hex(point, 1)});?")
    if ch in _HTML_NAMED:
        spellings.append(f"&{_HTML_NAMED[ch]};?")
    return "(?:" + "|".join(spellings) + ")"


@functools.lru_cache(maxsize=64)
def _spellings_pattern(secrets: Tuple[str, ...]) -> Pattern[str]:
    """One pattern for every spelling of ``secrets`` (longest first). Made on first use, since
    most redactors never mask anything, and kept: compiling one costs milliseconds."""
    alternatives = "|".join("".join(map(_character, secret)) for secret in secrets)
    if all(_AS_WRITTEN.match(secret[0]) for secret in secrets):
        return re.compile(alternatives)  # the engine skips to the possible first letters itself
    # A secret starting with a character of several spellings: the look-ahead lets the engine
    # skip, at C speed, every position no spelling starts at.
    first = {re.escape(secret[0]) for secret in secrets} | {r"\\", "%", "&"}
    return re.compile(f"(?=[{''.join(sorted(first))}])(?:{alternatives})")


# A JSON "secret" member (its name maybe \u-escaped), up to its closing quote or the end of
# the text (a body cut off inside the secret).
_SECRET_FIELD = re.compile(
    '(?P<name>"' + "".join(f"(?:{c}|\\\\u{_hex(ord(c), 4)})" for c in "secret") + r'"\s*:\s*")(?:[^"\\]|\\.?)*'
)


def _masked_field(found: Match[str]) -> str:
    return found.group("name") + MASK


# scheme://user:password@ (or scheme://token@): everything after the user name is masked.
# The scheme is matched by its last 32 characters at most: unbounded, it was tried from every
# letter of a long token or base64 run and scanned to the run's end each time (quadratic).
_URL_USERINFO = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,31}://)(?P<user>[^\s/?#@:'\"<>\[\]]*)(?P<password>:[^\s/?#'\"<>]*)?@"
)


def _masked_userinfo(found: Match[str]) -> str:
    if found.group("password") is None:
        return f"{found.group('scheme')}{MASK}@"
    return f"{found.group('scheme')}{found.group('user')}:{MASK}@"


def link_for_message(url: str, redactor: Optional[Redactor] = None) -> str:
    """A link from an answer (a ``next`` link, say) as a message may quote it: every query
    value masked (the names kept), since a query is where an echoed credential would be,
    the fragment left out, and the rest as :meth:`Redactor.text` leaves it."""
    base, _, query = url.partition("#")[0].partition("?")
    if query:
        names = (pair.partition("=")[0] for pair in query.split("&"))
        base += "?" + "&".join(f"{name}={MASK}" for name in names)
    return (redactor or Redactor()).text(base)


def secrets_in_use(configuration: Configuration) -> Tuple[str, ...]:
    """Every sensitive string the configuration's credentials put on the wire or may see
    echoed (secrets, tokens, the header values built from them), as each credential
    provider reports it (``secrets()``), and those of its proxy (the password of
    ``proxy`` and the ``Proxy-Authorization`` it makes, the values of ``proxy_headers``)."""
    providers = configuration.credentials
    if len(providers) == 1:
        secrets = providers[0].secrets()
        # The usual case, taken as it is; a provider of one's own may hand over a list it
        # later extends in place, which the caller's cache would not see change: copy that.
        secrets = secrets if type(secrets) is tuple else tuple(secrets)
    else:
        secrets = tuple(secret for provider in providers for secret in provider.secrets())
    if configuration.proxy is None and not configuration.proxy_headers:
        return secrets
    if configuration.proxy is not None:
        secrets += proxy_secrets(configuration.proxy)
    for value in (configuration.proxy_headers or {}).values():
        if isinstance(value, str):
            secrets += basic_secrets(value)
    return secrets


@functools.lru_cache(maxsize=16)
def proxy_secrets(proxy: str) -> Tuple[str, ...]:
    """The secrets of a proxy URL's ``user:password@`` part: the password as written and
    decoded, and the ``Proxy-Authorization`` values urllib3 (from the written form) and
    aiohttp (from the decoded one) send for it."""
    userinfo = proxy.partition("://")[2].split("/", 1)[0].rpartition("@")[0]
    if not userinfo:
        return ()
    found = [userinfo, unquote(userinfo), userinfo.partition(":")[2], unquote(userinfo.partition(":")[2])]
    # A user name alone is sent as ``user:`` (an empty password): a token given as the user.
    pairs = {userinfo, unquote(userinfo)} if ":" in userinfo else {userinfo, unquote(userinfo) + ":"}
    for pair in pairs:
        try:
            found.extend(basic_secrets("Basic " + base64.b64encode(pair.encode("latin-1")).decode("ascii")))
        except UnicodeEncodeError:
            continue  # refused by Configuration.proxy anyway
    return tuple(found)


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
