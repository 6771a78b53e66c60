"""The emulated API itself: routing, rate limits, authentication, validation and rendering.

This module knows nothing about sockets: :meth:`Application.handle` turns a parsed
:class:`Request` into a :class:`Response`. It reads and writes plain JSON: request bodies
are read against the document's schemas in :mod:`._wire` and answers are built as dicts,
never through the SDK's models, so the emulator is an independent reading of the contract.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import unquote, urlencode

from openapi_client.testing._auth import Authority, OAuthError
from openapi_client.testing._errors import EmulatorError
from openapi_client.testing._records import ByokFilter, JsonDict
from openapi_client.testing._store import Store
from openapi_client.testing._wire import (
    API_KEY_FILTERS,
    BYOK_FILTERS,
    DEFAULT_PAGE_SIZE,
    KEY_IDENTIFIER_FIELD,
    MAX_PAGE_SIZE,
    MAX_PAGE_TOKEN_LENGTH,
    OPERATIONS,
    Schema,
    parse_json,
    read_body,
)

__all__ = ["Application", "Request", "Response", "RateLimiter", "API_KEYS_PATH", "BYOK_KEYS_PATH"]

API_KEYS_PATH = "/iam/v2/api-keys"
BYOK_KEYS_PATH = "/byok/v1/keys"
OPENAPI_PATH = "/openapi.json"
IDP_TOKEN_PATH = "/oauth2/token"
STS_TOKEN_PATH = "/sts/v1/oauth2/token"

# The rate-limited API groups and the path each serves (the STS document declares 429 too).
API_GROUPS = {API_KEYS_PATH: "iam/v2", BYOK_KEYS_PATH: "byok/v1", STS_TOKEN_PATH: "sts/v1"}
# The budget reported when no rate limit is set: more than any test can spend in a window.
UNLIMITED_BUDGET = 1_000_000

_TOKEN_PATTERN = re.compile(r"after:(\d{1,18})")


@dataclass(frozen=True)
class Request:
    """A request as the HTTP layer parsed it (path without query, query decoded), and the peer's address."""

    method: str
    path: str
    query: Mapping[str, List[str]]
    headers: Mapping[str, str]
    body: bytes
    peer: str = ""


@dataclass
class Response:
    """What to answer: status, extra headers and body (JSON unless ``content_type`` says)."""

    status: int
    body: bytes = b""
    headers: List[Tuple[str, str]] = field(default_factory=list)
    content_type: str = "application/json"


class RateLimiter:
    """Requests allowed per fixed window, counted separately for each API group.

    Every answer on a group carries ``X-RateLimit-Limit``/``Remaining``/``Reset`` (Reset in
    seconds from now, as Confluent sends it). With ``limit=None`` nothing is refused and a
    large budget is reported; otherwise a request over the budget is answered 429 with
    those headers and ``Retry-After``, without being acted on.
    """

    def __init__(self, limit: Optional[int] = None, window: float = 60.0) -> None:
        if limit is not None and limit < 1:
            raise ValueError(f"rate_limit must be at least 1, got {limit}")
        if not (math.isfinite(window) and window > 0):
            raise ValueError(f"rate_limit_window must be a positive number of seconds, got {window}")
        self.limit = limit
        self.window = window
        self._lock = threading.Lock()
        self._windows: Dict[str, Tuple[float, int]] = {}

    def reset(self) -> None:
        """Start every group's window afresh."""
        with self._lock:
            self._windows.clear()

    @property
    def budget(self) -> int:
        """The X-RateLimit-Limit reported: the limit, or a budget no test spends."""
        return self.limit if self.limit is not None else UNLIMITED_BUDGET

    def admit(self, group: str) -> List[Tuple[str, str]]:
        """Count one request of ``group``: its rate-limit headers, or a 429 carrying them."""
        budget = self.budget
        with self._lock:
            now = time.monotonic()
            window_end, used = self._windows.get(group, (0.0, 0))
            if now >= window_end:
                window_end, used = now + self.window, 0
            refused = self.limit is not None and used >= self.limit
            if not refused:
                used += 1
            self._windows[group] = (window_end, used)
        reset = str(reset_seconds(window_end - now, self.window))
        headers = [
            ("X-RateLimit-Limit", str(budget)),
            ("X-RateLimit-Remaining", str(max(0, budget - used))),
            ("X-RateLimit-Reset", reset),
        ]
        if refused:
            raise EmulatorError(
                429,
                "too_many_requests",
                f"Too many requests to {group}: at most {budget} per {self.window:g} seconds.",
                title="Too Many Requests",
                headers=[*headers, ("Retry-After", reset)],
            )
        return headers


def reset_seconds(left: float, window: float) -> int:
    """X-RateLimit-Reset for a window with ``left`` seconds to run: whole seconds, at least 1,
    never more than the window (``(now + window) - now`` can exceed ``window`` by a rounding
    error, which rounding up would turn into a whole extra second)."""
    return max(1, math.ceil(min(left, window)))


Handler = Callable[[Request, Optional[str]], Response]


class Application:
    """The iam/v2 API keys and byok/v1 keys endpoints, and the OAuth token endpoints."""

    def __init__(self, store: Store, authority: Authority, limiter: RateLimiter) -> None:
        self.store = store
        self.authority = authority
        self.limiter = limiter
        self._routes: Dict[Tuple[str, bool], Dict[str, Handler]] = {
            (API_KEYS_PATH, False): {"GET": self._list_api_keys, "POST": self._create_api_key},
            (API_KEYS_PATH, True): {
                "GET": self._get_api_key,
                "PATCH": self._update_api_key,
                "DELETE": self._delete_api_key,
            },
            (BYOK_KEYS_PATH, False): {"GET": self._list_byok_keys, "POST": self._create_byok_key},
            (BYOK_KEYS_PATH, True): {
                "GET": self._get_byok_key,
                "PATCH": self._update_byok_key,
                "DELETE": self._delete_byok_key,
            },
        }

    def handle(self, request: Request, request_id: str) -> Response:
        """Answer one request; refusals become ``Failure`` responses."""
        rate_headers: List[Tuple[str, str]] = []
        try:
            group = _api_group(request.path)
            if group is not None:
                rate_headers = self.limiter.admit(group)
            response = self._dispatch(request)
        except EmulatorError as exc:
            response = Response(exc.status, exc.to_json(request_id), exc.headers)
        response.headers.extend(rate_headers)
        return response

    def _dispatch(self, request: Request) -> Response:
        if request.path == OPENAPI_PATH:
            _allow(request, ("GET",))
            return _openapi_document()
        if request.path == IDP_TOKEN_PATH:
            _allow(request, ("POST",))
            try:
                reply = self.authority.idp_token(request.headers, request.body)
            except OAuthError as exc:
                return _token_response(exc.status, exc.body)
            return _token_response(200, reply)
        if request.path == STS_TOKEN_PATH:
            _allow(request, ("POST",))
            return _token_response(200, self.authority.sts_token(request.headers, request.body))
        for collection in (API_KEYS_PATH, BYOK_KEYS_PATH):
            target = _match(request.path, collection)
            if target is None:
                continue
            is_item, key_id = target
            handlers = self._routes[(collection, is_item)]
            _allow(request, tuple(handlers))
            template = f"{collection}/{{id}}" if is_item else collection
            self.authority.authenticate(request.headers, OPERATIONS[(request.method, template)].security)
            return handlers[request.method](request, key_id)
        raise EmulatorError(404, "not_found", f"There is no resource at {request.path}.")

    # -- API keys -------------------------------------------------------------------------

    def _list_api_keys(self, request: Request, _: Optional[str]) -> Response:
        after, size = _paging(request, API_KEY_FILTERS)
        owner = _filter_value(request, "spec.owner")
        resource = _filter_value(request, "spec.resource")
        items, next_after = self.store.list_api_keys(owner, resource, after, size)
        page = {
            "api_version": "iam/v2",
            "kind": "ApiKeyList",
            "metadata": self._links(request, API_KEY_FILTERS, size, next_after),
            "data": items,
        }
        return _json(200, page)

    def _create_api_key(self, request: Request, _: Optional[str]) -> Response:
        spec = _body(request)["spec"]
        resource = spec.get("resource")
        rendered = self.store.create_api_key(
            {"id": spec["owner"]["id"]},
            _reference_as_given(resource) if resource is not None else None,
            spec.get("display_name", ""),
            spec.get("description", ""),
        )
        return _json(202, rendered, [("Location", rendered["metadata"]["self"])])

    def _get_api_key(self, request: Request, key_id: Optional[str]) -> Response:
        return _json(200, self.store.get_api_key(_required(key_id)))

    def _update_api_key(self, request: Request, key_id: Optional[str]) -> Response:
        # The document's PATCH body is a whole ApiKey; only these two fields can change.
        spec = _body(request, allow_empty=True).get("spec", {})
        changes = {name: spec[name] for name in ("display_name", "description") if name in spec}
        return _json(200, self.store.update_api_key(_required(key_id), changes))

    def _delete_api_key(self, request: Request, key_id: Optional[str]) -> Response:
        self.store.delete_api_key(_required(key_id))
        return Response(204)

    # -- BYOK keys ------------------------------------------------------------------------

    def _list_byok_keys(self, request: Request, _: Optional[str]) -> Response:
        after, size = _paging(request, BYOK_FILTERS)
        filters = ByokFilter(**{name: _filter_value(request, name) for name in BYOK_FILTERS})
        items, next_after = self.store.list_byok_keys(filters, after, size)
        page = {
            "api_version": "byok/v1",
            "kind": "KeyList",
            "metadata": self._links(request, BYOK_FILTERS, size, next_after),
            "data": items,
        }
        return _json(200, page)

    def _create_byok_key(self, request: Request, _: Optional[str]) -> Response:
        document = _body(request)
        key = document["key"]
        identifier_field = KEY_IDENTIFIER_FIELD[key["kind"]]
        if not key[identifier_field].strip():
            raise _invalid(f"/key/{identifier_field}", f"The {identifier_field} of the key must not be empty.")
        rendered = self.store.create_byok_key(key, document.get("display_name"))
        return _json(201, rendered, [("Location", rendered["metadata"]["self"])])

    def _get_byok_key(self, request: Request, key_id: Optional[str]) -> Response:
        return _json(200, self.store.get_byok_key(_required(key_id)))

    def _update_byok_key(self, request: Request, key_id: Optional[str]) -> Response:
        # The document's PATCH body is a whole Key; only display_name can change.
        update = _body(request, allow_empty=True)
        return _json(200, self.store.update_byok_key(_required(key_id), update.get("display_name")))

    def _delete_byok_key(self, request: Request, key_id: Optional[str]) -> Response:
        self.store.delete_byok_key(_required(key_id))
        return Response(204)

    # -- paging links ---------------------------------------------------------------------

    def _links(self, request: Request, filter_names: Sequence[str], size: int, next_after: Optional[int]) -> JsonDict:
        """``first`` and (when more follow) ``next``: absolute links keeping the filters and page size."""
        base = f"{self.store.base_url}{request.path}"
        pairs = [(name, value) for name in filter_names if (value := _filter_value(request, name)) is not None]
        pairs.append(("page_size", str(size)))
        query = urlencode(pairs)
        links: JsonDict = {"first": f"{base}?{query}"}
        if next_after is not None:
            # As the service writes it: page_token first, then the filters (some clients cut
            # the token out of the link after "?page_token=").
            links["next"] = f"{base}?page_token={encode_page_token(next_after)}&{query}"
        return links


def encode_page_token(after: int) -> str:
    """The opaque token of the page that starts after creation sequence ``after``."""
    return base64.urlsafe_b64encode(f"after:{after}".encode()).decode("ascii").rstrip("=")


def decode_page_token(token: str) -> int:
    """The creation sequence a page token resumes after; 400 for a token not issued here."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        raw = ""
    match = _TOKEN_PATTERN.fullmatch(raw)
    if match is None:
        raise EmulatorError(
            400,
            "invalid_page_token",
            "The page_token is not one this service issued; follow metadata.next as given.",
            parameter="page_token",
        )
    return int(match.group(1))


def _paging(request: Request, filter_names: Sequence[str]) -> Tuple[int, int]:
    """The keyset cursor and page size of a list request (checking every query parameter)."""
    known = {*filter_names, "page_size", "page_token"}
    for name in request.query:
        if name not in known:
            raise EmulatorError(
                400,
                "invalid_filter",
                f"The list can't be filtered by '{name}'.",
                title="Invalid Filter",
                parameter=name,
            )
    size = DEFAULT_PAGE_SIZE
    raw_size = _filter_value(request, "page_size")
    if raw_size is not None:
        if not re.fullmatch(r"[+-]?\d+", raw_size.strip()):
            raise _bad_page_size(f"page_size must be an integer, got {raw_size!r}.")
        digits = raw_size.strip().lstrip("+-").lstrip("0")
        size = int(raw_size) if len(digits) <= 9 else MAX_PAGE_SIZE + 1
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise _bad_page_size(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {raw_size.strip()}.")
    after = 0
    token = _filter_value(request, "page_token")
    if token:
        if len(token) > MAX_PAGE_TOKEN_LENGTH:
            raise EmulatorError(
                400,
                "invalid_page_token",
                f"page_token must be at most {MAX_PAGE_TOKEN_LENGTH} characters long.",
                parameter="page_token",
            )
        after = decode_page_token(token)
    return after, size


def _filter_value(request: Request, name: str) -> Optional[str]:
    values = request.query.get(name)
    return values[0] if values else None


def _bad_page_size(detail: str) -> EmulatorError:
    return EmulatorError(400, "invalid_page_size", detail, parameter="page_size")


def _match(path: str, collection: str) -> Optional[Tuple[bool, Optional[str]]]:
    """(is_item, id) when ``path`` is ``collection`` or one of its items, else ``None``."""
    if path == collection:
        return False, None
    prefix = collection + "/"
    if path.startswith(prefix):
        raw_id = path[len(prefix) :]
        if raw_id and "/" not in raw_id:
            return True, unquote(raw_id)
    return None


def _allow(request: Request, methods: Sequence[str]) -> None:
    if request.method not in methods:
        raise EmulatorError(
            405,
            "method_not_allowed",
            f"{request.method} is not supported on {request.path}.",
            headers=[("Allow", ", ".join(methods))],
        )


def _required(key_id: Optional[str]) -> str:
    if key_id is None:
        raise EmulatorError(404, "not_found", "No id was given.")
    return key_id


def _invalid(pointer: str, detail: str) -> EmulatorError:
    return EmulatorError(422, "invalid_configuration", detail, pointer=pointer)


def _body(request: Request, *, allow_empty: bool = False) -> JsonDict:
    """The request body read against its operation's schema: 400 when it is not JSON, 422 when invalid."""
    template = _template(request.path)
    schema: Optional[Schema] = OPERATIONS[(request.method, template)].body
    assert schema is not None
    if not request.body.strip() and allow_empty:
        return {}
    return read_body(parse_json(request.body), schema)


def _template(path: str) -> str:
    for collection in (API_KEYS_PATH, BYOK_KEYS_PATH):
        if path != collection and path.startswith(collection + "/"):
            return f"{collection}/{{id}}"
    return path


def _api_group(path: str) -> Optional[str]:
    for collection, group in API_GROUPS.items():
        if path == collection or path.startswith(collection + "/"):
            return group
    return None


def _reference_as_given(reference: JsonDict) -> JsonDict:
    """What the emulator keeps of a resource reference the client sent: its id and environment."""
    kept: JsonDict = {"id": reference["id"]}
    if "environment" in reference:
        kept["environment"] = reference["environment"]
    return kept


def _json(status: int, document: Any, headers: Optional[List[Tuple[str, str]]] = None) -> Response:
    return Response(status, json.dumps(document, separators=(",", ":")).encode(), list(headers or ()))


def _token_response(status: int, document: Mapping[str, Any]) -> Response:
    # OAuth token answers must not be cached (RFC 6749 §5.1).
    return _json(status, document, [("Cache-Control", "no-store"), ("Pragma", "no-cache")])


def _openapi_document() -> Response:
    document = resources.files("openapi_client").joinpath("openapi.json")
    if not document.is_file():
        raise EmulatorError(404, "not_found", "This build of the SDK carries no OpenAPI document.")
    return Response(200, document.read_bytes())
