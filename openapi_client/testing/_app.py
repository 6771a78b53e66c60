"""The emulated API itself: routing, authentication, validation and rendering.

This module knows nothing about sockets: :meth:`Application.handle` turns a parsed
:class:`Request` into a :class:`Response`. Request bodies are validated with the SDK's
own models, and every answer is rendered through them, so what the emulator sends is
exactly what the client's models read.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple, Type, TypeVar
from urllib.parse import unquote, urlencode

from pydantic import ValidationError

from openapi_client.models._base import ApiModel
from openapi_client.models.byok_v1_key import ByokV1Key
from openapi_client.models.byok_v1_key_key import ByokV1UnknownKey
from openapi_client.models.byok_v1_key_list import ByokV1KeyList
from openapi_client.models.byok_v1_key_update import ByokV1KeyUpdate
from openapi_client.models.global_object_reference import GlobalObjectReference
from openapi_client.models.iam_v2_api_key import IamV2ApiKey
from openapi_client.models.iam_v2_api_key_list import IamV2ApiKeyList
from openapi_client.models.iam_v2_api_key_update import IamV2ApiKeyUpdate
from openapi_client.models.object_reference import ObjectReference
from openapi_client.testing._errors import EmulatorError, pointer_segment, validation_error
from openapi_client.testing._store import ByokFilter, JsonDict, Store

__all__ = ["Application", "Credentials", "Request", "Response", "RateWindow", "API_KEYS_PATH", "BYOK_KEYS_PATH"]

API_KEYS_PATH = "/iam/v2/api-keys"
BYOK_KEYS_PATH = "/byok/v1/keys"
OPENAPI_PATH = "/openapi.json"

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
MAX_PAGE_TOKEN_LENGTH = 255

_REALM = 'realm="Confluent Cloud"'
_TOKEN_PATTERN = re.compile(r"after:(\d{1,18})")
_API_KEY_FILTERS = ("spec.owner", "spec.resource")
_BYOK_FILTERS = ("provider", "state", "display_name", "validation_phase", "validation_region", "key")

ModelT = TypeVar("ModelT", bound=ApiModel)


@dataclass(frozen=True)
class Request:
    """A request as the HTTP layer parsed it (path without query, query decoded)."""

    method: str
    path: str
    query: Mapping[str, List[str]]
    headers: Mapping[str, str]
    body: bytes


@dataclass
class Response:
    """What to answer: status, extra headers and body (JSON unless ``content_type`` says)."""

    status: int
    body: bytes = b""
    headers: List[Tuple[str, str]] = field(default_factory=list)
    content_type: str = "application/json"


@dataclass(frozen=True)
class Credentials:
    """The credentials the emulator accepts besides the API keys created through it."""

    api_key: str
    api_secret: str
    access_token: str


class RateWindow:
    """The numbers for the X-RateLimit-* headers: requests counted per fixed window.

    The emulator never refuses a request for going over; it only reports the budget.
    """

    def __init__(self, limit: int = 1000, window_seconds: float = 60.0) -> None:
        self.limit = limit
        self._window = window_seconds
        self._lock = threading.Lock()
        self._window_end = 0.0
        self._used = 0

    def headers(self) -> List[Tuple[str, str]]:
        """Count one request and describe the budget left."""
        with self._lock:
            now = time.monotonic()
            if now >= self._window_end:
                self._window_end = now + self._window
                self._used = 0
            self._used += 1
            remaining = max(0, self.limit - self._used)
            reset = math.ceil(self._window_end - now)
        return [
            ("X-RateLimit-Limit", str(self.limit)),
            ("X-RateLimit-Remaining", str(remaining)),
            ("X-RateLimit-Reset", str(reset)),
        ]


Handler = Callable[[Request, Optional[str]], Response]


class Application:
    """The iam/v2 API keys and byok/v1 keys endpoints over a :class:`Store`."""

    def __init__(self, store: Store, credentials: Credentials, rate_window: RateWindow) -> None:
        self.store = store
        self.credentials = credentials
        self.rate_window = rate_window
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
        rate_headers = self.rate_window.headers() if request.path.startswith(BYOK_KEYS_PATH) else []
        try:
            response = self._dispatch(request)
        except EmulatorError as exc:
            response = Response(exc.status, exc.to_json(request_id), exc.headers)
        response.headers.extend(rate_headers)
        return response

    def _dispatch(self, request: Request) -> Response:
        if request.path == OPENAPI_PATH:
            _allow(request, ("GET",))
            return _openapi_document()
        for collection in (API_KEYS_PATH, BYOK_KEYS_PATH):
            target = _match(request.path, collection)
            if target is None:
                continue
            is_item, key_id = target
            handlers = self._routes[(collection, is_item)]
            _allow(request, tuple(handlers))
            self._authenticate(request, allow_bearer=collection == BYOK_KEYS_PATH)
            return handlers[request.method](request, key_id)
        raise EmulatorError(404, "not_found", f"There is no resource at {request.path}.")

    # -- authentication -----------------------------------------------------------------

    def _authenticate(self, request: Request, *, allow_bearer: bool) -> None:
        challenge = f"Basic {_REALM}" + (f", Bearer {_REALM}" if allow_bearer else "")
        header = next((value for name, value in request.headers.items() if name.lower() == "authorization"), None)
        if not header:
            raise _unauthenticated("This request needs credentials: a Cloud API key and secret.", challenge)
        scheme, _, value = header.strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "basic":
            key, secret = _basic_credentials(value)
            if key is not None and secret is not None and self._valid_basic(key, secret):
                return
            raise _unauthenticated(
                "The API key or secret is not valid.",
                f'Basic {_REALM}, error="invalid_key", error_description="The API key or secret is not valid"',
            )
        if scheme.lower() == "bearer" and allow_bearer:
            if hmac.compare_digest(value.encode(), self.credentials.access_token.encode()):
                return
            raise _unauthenticated(
                "The access token is not valid.",
                f'Bearer {_REALM}, error="invalid_token", error_description="The access token is not valid"',
            )
        raise _unauthenticated(f"The '{scheme}' authentication scheme is not accepted here.", challenge)

    def _valid_basic(self, key: str, secret: str) -> bool:
        configured = hmac.compare_digest(key.encode(), self.credentials.api_key.encode()) and hmac.compare_digest(
            secret.encode(), self.credentials.api_secret.encode()
        )
        return configured or self.store.has_api_key_credentials(key, secret)

    # -- API keys -------------------------------------------------------------------------

    def _list_api_keys(self, request: Request, _: Optional[str]) -> Response:
        after, size = _paging(request, _API_KEY_FILTERS)
        owner = _filter_value(request, "spec.owner")
        resource = _filter_value(request, "spec.resource")
        items, next_after = self.store.list_api_keys(owner, resource, after, size)
        page = {
            "api_version": "iam/v2",
            "kind": "ApiKeyList",
            "metadata": self._links(request, _API_KEY_FILTERS, size, next_after),
            "data": items,
        }
        return Response(200, IamV2ApiKeyList.model_validate(page).to_json().encode())

    def _create_api_key(self, request: Request, _: Optional[str]) -> Response:
        api_key = _parse_body(request, IamV2ApiKey, nullable=frozenset({"/spec/resource"}))
        spec = api_key.spec
        if spec is None:
            raise _missing("/spec", "An API key needs a spec naming its owner.")
        if spec.owner is None:
            raise _missing("/spec/owner", "An API key needs an owner (a user or service account).")
        named: List[ObjectReference] = []
        if spec.resource is not None:
            named.append(spec.resource)
        rendered = self.store.create_api_key(
            _plain_reference(spec.owner),
            [_plain_reference(ref) for ref in named],
            spec.display_name or "",
            spec.description or "",
        )
        return _created(202, IamV2ApiKey, rendered)

    def _get_api_key(self, request: Request, key_id: Optional[str]) -> Response:
        return _ok(IamV2ApiKey, self.store.get_api_key(_required(key_id)))

    def _update_api_key(self, request: Request, key_id: Optional[str]) -> Response:
        update = _parse_body(request, IamV2ApiKeyUpdate, allow_empty=True)
        changes: Dict[str, str] = {}
        if update.spec is not None:
            for name in ("display_name", "description"):
                value = getattr(update.spec, name)
                if name in update.spec.model_fields_set and value is not None:
                    changes[name] = value
        return _ok(IamV2ApiKey, self.store.update_api_key(_required(key_id), changes))

    def _delete_api_key(self, request: Request, key_id: Optional[str]) -> Response:
        self.store.delete_api_key(_required(key_id))
        return Response(204)

    # -- BYOK keys ------------------------------------------------------------------------

    def _list_byok_keys(self, request: Request, _: Optional[str]) -> Response:
        after, size = _paging(request, _BYOK_FILTERS)
        filters = ByokFilter(**{name: _filter_value(request, name) for name in _BYOK_FILTERS})
        items, next_after = self.store.list_byok_keys(filters, after, size)
        page = {
            "api_version": "byok/v1",
            "kind": "KeyList",
            "metadata": self._links(request, _BYOK_FILTERS, size, next_after),
            "data": items,
        }
        return Response(200, ByokV1KeyList.model_validate(page).to_json().encode())

    def _create_byok_key(self, request: Request, _: Optional[str]) -> Response:
        byok_key = _parse_body(request, ByokV1Key)
        if byok_key.key is None:
            raise _missing("/key", "A key registration needs the cloud key it refers to.")
        variant = byok_key.key.actual_instance
        if isinstance(variant, ByokV1UnknownKey):
            raise EmulatorError(
                422,
                "invalid_configuration",
                f"The key kind {variant.kind!r} is not one of AwsKey, AzureKey, GcpKey.",
                pointer="/key/kind",
            )
        declared = type(variant).model_fields
        key = {name: value for name, value in variant.to_request_dict().items() if name in declared}
        identifier_field = "key_arn" if key["kind"] == "AwsKey" else "key_id"
        if not str(key.get(identifier_field, "")).strip():
            raise _missing(f"/key/{identifier_field}", f"The {identifier_field} of the key must not be empty.")
        return _created(201, ByokV1Key, self.store.create_byok_key(key, byok_key.display_name))

    def _get_byok_key(self, request: Request, key_id: Optional[str]) -> Response:
        return _ok(ByokV1Key, self.store.get_byok_key(_required(key_id)))

    def _update_byok_key(self, request: Request, key_id: Optional[str]) -> Response:
        update = _parse_body(request, ByokV1KeyUpdate, allow_empty=True)
        return _ok(ByokV1Key, self.store.update_byok_key(_required(key_id), update.display_name))

    def _delete_byok_key(self, request: Request, key_id: Optional[str]) -> Response:
        self.store.delete_byok_key(_required(key_id))
        return Response(204)

    # -- paging links ---------------------------------------------------------------------

    def _links(
        self, request: Request, filter_names: Sequence[str], size: int, next_after: Optional[int]
    ) -> JsonDict:
        """``first`` and (when more follow) ``next``: absolute links keeping the filters."""
        base = f"{self.store.base_url}{request.path}"
        pairs = [(name, value) for name in filter_names if (value := _filter_value(request, name)) is not None]
        pairs.append(("page_size", str(size)))
        links: JsonDict = {"first": f"{base}?{urlencode(pairs)}"}
        if next_after is not None:
            links["next"] = f"{base}?{urlencode([*pairs, ('page_token', encode_page_token(next_after))])}"
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


def _basic_credentials(value: str) -> Tuple[Optional[str], Optional[str]]:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None, None
    key, separator, secret = decoded.partition(":")
    return (key, secret) if separator else (None, None)


def _unauthenticated(detail: str, challenge: str) -> EmulatorError:
    return EmulatorError(
        401,
        "user_unauthenticated",
        detail,
        title="Authentication Required",
        headers=[("WWW-Authenticate", challenge)],
    )


def _missing(pointer: str, detail: str) -> EmulatorError:
    return EmulatorError(422, "invalid_configuration", detail, pointer=pointer)


def _parse_body(
    request: Request, model: Type[ModelT], *, allow_empty: bool = False, nullable: FrozenSet[str] = frozenset()
) -> ModelT:
    """The request body as ``model``: 400 when it is not JSON, 422 when the model refuses it.

    The models accept ``null`` for every optional field (responses may omit anything), but
    the API only allows it where the document says so: the JSON pointers in ``nullable``.
    """
    if not request.body.strip() and allow_empty:
        document: Any = {}
    else:
        try:
            document = json.loads(request.body)
        except (ValueError, RecursionError) as exc:
            raise EmulatorError(
                400, "malformed_request", f"The request body is not valid JSON: {exc}", title="Malformed Request"
            ) from exc
    if not isinstance(document, dict):
        raise EmulatorError(
            422, "invalid_configuration", "The request body must be a JSON object.", pointer=""
        )
    null_at = _first_null(document, nullable)
    if null_at is not None:
        detail = f"The property '{null_at}' must not be null."
        raise EmulatorError(422, "invalid_configuration", detail, pointer=null_at)
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        raise validation_error(exc) from exc


def _first_null(document: JsonDict, nullable: FrozenSet[str]) -> Optional[str]:
    """The JSON pointer of the first ``null`` outside ``nullable``, if any (iterative: bodies may nest deeply)."""
    pending: List[Tuple[str, Any]] = [("", document)]
    while pending:
        pointer, value = pending.pop()
        if value is None and pointer not in nullable:
            return pointer
        if isinstance(value, dict):
            items = reversed(list(value.items()))
            pending.extend((f"{pointer}/{pointer_segment(str(key))}", item) for key, item in items)
        elif isinstance(value, list):
            pending.extend((f"{pointer}/{index}", item) for index, item in reversed(list(enumerate(value))))
    return None


def _plain_reference(ref: GlobalObjectReference) -> JsonDict:
    """What the emulator keeps of a reference the client sent: its id and environment."""
    plain: JsonDict = {"id": ref.id}
    environment = getattr(ref, "environment", None)
    if environment is not None:
        plain["environment"] = environment
    return plain


def _ok(model: Type[ApiModel], rendered: JsonDict) -> Response:
    return Response(200, model.model_validate(rendered).to_json().encode())


def _created(status: int, model: Type[ApiModel], rendered: JsonDict) -> Response:
    return Response(
        status,
        model.model_validate(rendered).to_json().encode(),
        [("Location", rendered["metadata"]["self"])],
    )


def _openapi_document() -> Response:
    document = resources.files("openapi_client").joinpath("openapi.json")
    if not document.is_file():
        raise EmulatorError(404, "not_found", "This build of the SDK carries no OpenAPI document.")
    return Response(200, document.read_bytes())
