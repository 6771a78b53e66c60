"""Building one request, and the checks it must pass before anything is sent (no I/O).

Shared by the sync and async clients: the URL with its encoded path and query, the
headers (every value checked), the JSON body, the host check, the proxy a URL goes
through, and the refusal to send credentials in clear text.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import urllib.request
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote, unquote

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from openapi_client.exceptions import ApiTypeError, ApiValueError, InsecureTransportError

__all__ = [
    "build_url",
    "check_header_value",
    "check_headers",
    "check_host",
    "check_text",
    "credentials_allowed",
    "encode_json",
    "env_proxies",
    "proxy_for",
    "refuse_clear_text",
]

# CR, LF and NUL end or corrupt a header line; other C0 controls and DEL are refused too.
_UNSENDABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def check_host(host: str, what: str = "host", *, allow_userinfo: bool = False) -> str:
    """``host`` without a trailing slash, if it is a plain ``http(s)://name[:port][/path]``
    URL; else :class:`ApiValueError` naming ``what``.

    Parsed by urllib3's ``parse_url``, the parser the connection itself uses, so the
    host judged here is the host connected to. ``allow_userinfo`` admits ``user:password@``
    (a proxy's own credentials).
    """
    if not isinstance(host, str):
        raise ApiTypeError(f"{what} must be a URL string, got {type(host).__name__}")
    try:
        parsed = parse_url(host)
    except LocationParseError:
        # urllib3's message quotes the URL, password and all: name it with the password masked.
        raise ApiValueError(
            f"{what} is not a valid URL (host or port unreadable){_shown(host, allow_userinfo)}"
        ) from None
    if parsed.scheme not in ("http", "https") or "://" not in host:
        scheme = parsed.scheme if "://" in host else None
        wanted = "http:// or https://" if allow_userinfo else "https:// (or http:// for this machine)"
        raise ApiValueError(f"{what} must start with {wanted}, got {scheme!r}{_shown(host, allow_userinfo)}")
    if not parsed.host:
        raise ApiValueError(f"{what} has no host name")
    userinfo = None if allow_userinfo else parsed.auth
    if parsed.auth is not None and not _latin1(unquote(parsed.auth)):
        # Sent as HTTP Basic to the proxy, which carries latin-1 only (aiohttp would fail on it).
        raise ApiValueError(
            f"{what}: its user name or password has characters outside latin-1, which HTTP cannot carry"
        )
    for part, present in (("user-info", userinfo), ("query", parsed.query), ("fragment", parsed.fragment)):
        if present is not None:
            raise ApiValueError(f"{what} must not have a {part} part; give a plain scheme://host[:port] URL")
    if _UNSENDABLE.search(host) or any(c.isspace() for c in host):
        raise ApiValueError(f"{what} contains white space or control characters")
    if "\\" in host:
        # Parsers disagree on what a backslash ends (WHATWG: the host; RFC 3986: nothing).
        raise ApiValueError(f"{what} contains a backslash, which URL parsers read in different ways")
    if "%" in host.partition("://")[2].partition("/")[0].rpartition("@")[2]:
        # urllib3 decodes a percent-encoded host name, yarl (the async client's) does not.
        raise ApiValueError(f"{what} has a percent-encoded host name, which URL parsers read in different ways")
    return host.rstrip("/")


def check_text(value: str, name: str) -> None:
    """Refuse text that cannot be encoded as UTF-8 (lone surrogates), naming the parameter
    and never quoting the value."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiValueError(f"parameter '{name}' contains a lone surrogate character, which cannot be sent") from None


def check_header_value(name: str, value: Any, what: str) -> str:
    """``value`` if it can be sent as an HTTP header value; else :class:`ApiValueError`
    naming ``what`` (the value itself is never quoted: it may be a credential)."""
    if not isinstance(value, str):
        raise ApiTypeError(f"{what}: the value of header {name!r} must be a str, got {type(value).__name__}")
    if _UNSENDABLE.search(value):
        raise ApiValueError(f"{what}: the value of header {name!r} contains a line break or control character")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise ApiValueError(
            f"{what}: the value of header {name!r} contains characters outside latin-1, which HTTP cannot carry"
        ) from None
    return value


def check_headers(headers: Mapping[str, Any], what: str) -> None:
    """Check every name and value of ``headers`` (see :func:`check_header_value`)."""
    if not isinstance(headers, Mapping):
        raise ApiTypeError(f"{what} must be a dict of header names to values, got {type(headers).__name__}")
    for name, value in headers.items():
        if not isinstance(name, str) or not _TOKEN.match(name):
            raise ApiValueError(f"{what}: a header name is not a valid HTTP token")
        check_header_value(name, value, what)


def build_url(
    host: str,
    path_template: str,
    path_params: Optional[Mapping[str, Any]],
    query_params: Optional[Sequence[Tuple[str, Any]]],
) -> str:
    """``host`` + the path with each parameter percent-encoded as one segment (``/``, ``?``,
    ``.`` and ``..`` included, so no value can change the path) + the encoded query."""
    path = path_template
    if path_params:
        for name, value in path_params.items():
            path = path.replace("{" + name + "}", _path_segment(str(value), name))
    url = host + path
    if query_params:
        pairs = []
        for key, value in query_params:
            name = str(key)
            wire_name = name if _UNRESERVED.fullmatch(name) else quote(name, safe=".")
            pairs.append(f"{wire_name}={_encoded(_query_value(value), name)}")
        url += "?" + "&".join(pairs)
    return url


def encode_json(data: Any) -> bytes:
    """The JSON request body for plain data (``NaN`` and infinities refused)."""
    try:
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    except ValueError as exc:
        raise ApiValueError(f"the request body cannot be sent as JSON: {exc}") from None
    except UnicodeEncodeError:
        raise ApiValueError("the request body contains a lone surrogate character, which cannot be sent") from None


# -- proxies and clear text ----------------------------------------------------------------


def env_proxies() -> Dict[str, str]:
    """The proxies the environment names (``HTTPS_PROXY``, ``HTTP_PROXY``, ``NO_PROXY``, any
    case), read once when a client is made."""
    return urllib.request.getproxies_environment()


def proxy_for(url_host: str, explicit: Optional[str], environment: Optional[Mapping[str, str]]) -> Optional[str]:
    """The proxy a request to ``url_host`` (``scheme://host[:port]``) goes through, if any.

    ``Configuration.proxy`` wins; otherwise the environment's proxy for the scheme, unless
    ``NO_PROXY`` lists the host.
    """
    if explicit:
        return explicit
    if not environment:
        return None
    parsed = parse_url(url_host)
    scheme = parsed.scheme or "https"
    proxy = environment.get(scheme)
    if not proxy:
        return None
    if _bypassed(parsed.host or "", parsed.port, environment.get("no", "")):
        return None
    # Checked as Configuration.proxy is, so that a value urllib3 or aiohttp cannot use is
    # refused here, naming its variable, rather than failing inside them (with the password
    # in their message) or going out somewhere unintended.
    return check_host(proxy, _proxy_variable(scheme, proxy), allow_userinfo=True)


def _proxy_variable(scheme: str, value: str) -> str:
    """The environment variable ``value`` came from (``HTTPS_PROXY``, ``https_proxy``...)."""
    wanted = f"{scheme}_proxy"
    names = sorted(
        (name for name, found in os.environ.items() if name.lower() == wanted and found == value), reverse=True
    )
    return f"the environment variable {names[0] if names else wanted.upper()}"


def _bypassed(host: str, port: Optional[int], no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` lists ``host``: ``*``, the host itself (optionally with its port),
    or a domain it belongs to (``example.com`` and ``.example.com`` both cover
    ``api.example.com``)."""
    host = host.strip("[]").lower()
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
        if entry_port and (not entry_port.isdigit() or int(entry_port) != port):
            continue
        name = name.strip("[]").lstrip(".")
        if host == name or host.endswith("." + name):
            return True
    return False


def credentials_allowed(url_host: str, proxy: Optional[str], allow_insecure_http: bool) -> bool:
    """Whether credentials may be sent to ``url_host`` through ``proxy``.

    ``https`` always may: through a proxy it is tunnelled (CONNECT), so the proxy sees
    only encrypted bytes. Plain ``http`` may only when every hop is this machine: the host
    is loopback and so is the proxy, if any (a plain-http request through a proxy hands
    the proxy the credentials in clear text). ``allow_insecure_http`` lifts the rule.
    """
    if allow_insecure_http:
        return True
    target = parse_url(url_host)
    if target.scheme == "https":
        return True
    if not _is_loopback(target.host):
        return False
    return proxy is None or _is_loopback(parse_url(proxy).host)


def refuse_clear_text(url_host: str, proxy: Optional[str]) -> InsecureTransportError:
    """The error for a request :func:`credentials_allowed` refused."""
    via = f" through the proxy {_without_userinfo(proxy)}" if proxy else ""
    return InsecureTransportError(
        f"refusing to send credentials in clear text to {url_host}{via}; use https, or set "
        "Configuration.allow_insecure_http = True if you really mean it"
    )


def _shown(url: str, credentials: bool) -> str:
    """``url`` as a message may quote it (``": 'url'"``): not at all when it may hold credentials
    (a proxy's), whose password a malformed value would not let us find and mask."""
    if credentials:
        return ""
    return f": {url!r}" if len(url) <= 200 else f": {url[:200]!r}..."


def _without_userinfo(url: str) -> str:
    try:
        parsed = parse_url(url)
    except LocationParseError:
        return "(unparsable URL)"
    return f"{parsed.scheme or 'http'}://{parsed.netloc}"


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _is_loopback(host: Optional[str]) -> bool:
    if not host:
        return False
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


# Characters a URL carries as they are; ids and page tokens are usually made of them only.
_UNRESERVED = re.compile(r"[A-Za-z0-9_~-]+")


def _encoded(value: str, name: str) -> str:
    """``value`` percent-encoded for a path segment or a query value (every reserved
    character escaped); refused, naming ``name``, when it cannot be encoded as UTF-8."""
    if _UNRESERVED.fullmatch(value):
        return value
    check_text(value, name)
    return quote(value, safe="")


def _path_segment(value: str, name: str) -> str:
    encoded = _encoded(value, name)
    if encoded in (".", ".."):
        encoded = encoded.replace(".", "%2E")
    return encoded


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
