"""The vocabulary of operation descriptions, and the checks on their arguments.

:mod:`openapi_client._descriptions` describes each operation of the API once with these
classes: path, method, parameters and their limits, body, responses, auth schemes, doc
text and the helpers it has. The API classes and their docs pages are generated from those
descriptions (``tools/generate.py``); at run time an API method hands its arguments to
:meth:`ApiClient.execute <openapi_client.api_client.ApiClient.execute>` with its
:class:`Operation`, which checks every argument (so bad input is refused before anything is
sent, with the parameter's name in the error).

Models are named, not imported: a description costs nothing to load, and a model module is
imported the first time an operation that uses it runs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type

from pydantic_core import ValidationError
from typing_extensions import TypedDict

from openapi_client._http_request import check_text
from openapi_client.exceptions import ApiTypeError, ApiValueError

if TYPE_CHECKING:
    from openapi_client.models._base import ApiModel

__all__ = [
    "ApiDescription",
    "Body",
    "Operation",
    "PAGE_SIZE",
    "PAGE_TOKEN",
    "Pagination",
    "Param",
    "RequestOptions",
    "Response",
    "Waiter",
]


class RequestOptions(TypedDict, total=False):
    """Per-call options every API method accepts as keyword arguments.

    ``_request_timeout``: seconds, or a (connect, read) pair, for this call only.
    ``_request_auth``: an auth setting (``{"in": "header", "key": ..., "value": ...}``)
    replacing the configured credentials for this call.
    ``_headers``: extra request headers.
    ``_host_index``: accepted for compatibility; only 0, as this API has a single server.
    ``_retries``: a retry policy for this call (an ``ApiRetry``, a count, or ``False``).
    ``_content_type``: the request body's content type; only JSON types are accepted.
    """

    _request_timeout: Any
    _request_auth: Optional[Dict[str, Any]]
    _headers: Optional[Dict[str, str]]
    _host_index: int
    _retries: Any
    _content_type: Optional[str]


_OPTION_NAMES = frozenset(RequestOptions.__annotations__)


@dataclass(frozen=True)
class Param:
    """One path or query parameter: its Python name, its name on the wire, its limits."""

    name: str
    wire_name: str = ""
    type: Type[Any] = str
    min_length: Optional[int] = None
    max_length: Optional[int] = None
    minimum: Optional[int] = None
    maximum: Optional[int] = None
    default: Optional[int] = None
    """The service's value when the parameter is left out (documentation only)."""
    doc: str = ""
    """For the docs; ``{providers}``, ``{identifiers}``, ``{key_states}`` and
    ``{validation_phases}`` are filled in from the models by the generator."""
    note: str = ""
    """A short remark for the docs' notes column (e.g. "partial match")."""

    def __post_init__(self) -> None:
        if not self.wire_name:
            object.__setattr__(self, "wire_name", self.name)

    def check(self, value: Any) -> Any:
        """``value`` if the API accepts it, else an error naming this parameter."""
        if not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            raise ApiTypeError(
                f"parameter '{self.name}' must be {self.type.__name__}, got {type(value).__name__}",
                valid_classes=(self.type,),
            )
        if isinstance(value, str):
            check_text(value, self.name)
        if self.min_length is not None and len(value) < self.min_length:
            raise ApiValueError(f"parameter '{self.name}' must be at least {self.min_length} character(s) long")
        if self.max_length is not None and len(value) > self.max_length:
            raise ApiValueError(
                f"parameter '{self.name}' must be at most {self.max_length} characters long, got {len(value)}"
            )
        if self.minimum is not None and value < self.minimum:
            raise ApiValueError(f"parameter '{self.name}' must be >= {self.minimum}, got {value}")
        if self.maximum is not None and value > self.maximum:
            raise ApiValueError(f"parameter '{self.name}' must be <= {self.maximum}, got {value}")
        return value


PAGE_SIZE = Param("page_size", type=int, minimum=1, maximum=100, default=10, doc="How many items per page.")
"""The page size every list operation takes: the one place its limits are written."""
PAGE_TOKEN = Param(
    "page_token",
    max_length=255,
    doc="The opaque token of the page to fetch, taken from the `next` link of the previous page.",
)


def _model(name: str) -> Type[Any]:
    models = importlib.import_module("openapi_client.models")
    if not hasattr(models, name):  # an answer class (IamV2ApiKeyRead, ...)
        models = importlib.import_module("openapi_client.models.responses")
    return getattr(models, name)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Body:
    """The request body: the parameter's name and the model it must be."""

    name: str
    model_name: str
    optional: bool = False
    doc: str = ""

    @cached_property
    def model(self) -> Type[ApiModel]:
        """The body's model class (imported on first use)."""
        return _model(self.model_name)

    def check(self, value: Any) -> ApiModel:
        """The body as its model; a dict is validated into one, anything else refused.

        An optional body left out is sent as an empty object.
        """
        model = self.model
        if value is None and self.optional:
            return model()
        if isinstance(value, model):
            return value
        if isinstance(value, dict):
            try:
                return model.model_validate(value)
            except ValidationError as exc:
                raise ApiValueError(f"parameter '{self.name}' is not a valid {model.__name__}: {exc}") from exc
        raise ApiTypeError(
            f"parameter '{self.name}' must be {model.__name__}, got {type(value).__name__}",
            valid_classes=(model,),
        )


@dataclass(frozen=True)
class Response:
    """One documented answer: its status, what it means, its body model and headers."""

    status: str
    doc: str
    model_name: Optional[str] = None
    headers: Tuple[str, ...] = ("X-Request-Id",)


@dataclass(frozen=True)
class Pagination:
    """The lazy iterators a list operation gets: over its items and over its pages."""

    items_method: str
    pages_method: str
    item_model_name: str
    noun: str
    """What one item is, in words ("API key")."""
    token_param: str = "page_token"


@dataclass(frozen=True)
class Waiter:
    """A ``wait_for_*`` helper polling a read operation until a condition holds.

    ``readiness`` names a :class:`~openapi_client.readiness.Readiness` in
    :mod:`openapi_client.readiness`, which holds the condition's logic; for a waiter
    ``until_gone`` it names an :class:`~openapi_client.readiness.Absence`, ``polls`` names the
    read operation it polls (a deletion waiter belongs to the DELETE and polls the GET) and
    the waiter returns ``None``.
    """

    method: str
    readiness: str
    timeout: float
    poll_interval: float
    summary: str
    doc: str
    returns_doc: str = ""
    polls: str = ""
    """The method polled, when it is not the operation's own (a deletion waiter's GET)."""
    until_gone: bool = False


@dataclass(frozen=True)
class Operation:
    """One HTTP operation of the API, described once."""

    name: str
    """The Python method name; the ``_with_http_info`` and ``_without_preload_content`` forms add a suffix."""
    method: str
    path: str
    summary: str
    """One line, for tables and the first line of the docstring."""
    auth: Tuple[str, ...]
    """The security schemes any one of which the operation accepts, in the document's order."""
    outcomes: Tuple[Response, ...]
    """Every documented status; exactly one is a success (2xx)."""
    description: str = ""
    path_params: Tuple[Param, ...] = ()
    query_params: Tuple[Param, ...] = ()
    body: Optional[Body] = None
    required_body_fields: Tuple[Tuple[str, ...], ...] = field(default=())
    returns_doc: str = ""
    pagination: Optional[Pagination] = None
    waiter: Optional[Waiter] = None

    @property
    def success(self) -> Response:
        """The documented success answer."""
        (success,) = (r for r in self.outcomes if r.status.startswith("2"))
        return success

    @cached_property
    def responses(self) -> Dict[str, Optional[Type[Any]]]:
        """Success status -> model class (``None``: no body), as ``response_deserialize`` takes it."""
        return {
            r.status: (_model(r.model_name) if r.model_name else None)
            for r in self.outcomes
            if r.status.startswith("2")
        }

    @property
    def params(self) -> Tuple[Param, ...]:
        """Path parameters, then query parameters: the order of the method's arguments."""
        return self.path_params + self.query_params

    def describe(self) -> str:
        """How messages name this operation: ``get_iam_v2_api_key (GET /iam/v2/api-keys/{id})``."""
        return f"{self.name} ({self.method} {self.path})"

    def check_path(self, values: Mapping[str, Any]) -> Dict[str, str]:
        """Checked path parameters, by wire name."""
        return {p.wire_name: p.check(values[p.name]) for p in self.path_params}

    def check_query(self, values: Mapping[str, Any]) -> List[Tuple[str, Any]]:
        """Checked query parameters that were given, as (wire name, value) pairs."""
        pairs = []
        for p in self.query_params:
            value = values.get(p.name)
            if value is not None:
                pairs.append((p.wire_name, p.check(value)))
        return pairs

    def check_body(self, value: Any) -> Optional[ApiModel]:
        """The checked body, including the fields this operation requires."""
        if self.body is None:
            return None
        model = self.body.check(value)
        for path in self.required_body_fields:
            _require(model, path, self.body.name)
        return model


@dataclass(frozen=True)
class ApiDescription:
    """One API class: its name, module, docstring and operations."""

    class_name: str
    module: str
    """The module name under ``openapi_client/api/`` (and ``openapi_client/aio/api/``)."""
    summary: str
    operations: Tuple[Operation, ...]


def check_options(options: Mapping[str, Any]) -> None:
    """Refuse per-call options that do not exist (a typo would otherwise be ignored) or
    that this API cannot honour."""
    unknown = set(options) - _OPTION_NAMES
    if unknown:
        raise ApiTypeError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    content_type = options.get("_content_type")
    if content_type is not None and not is_json_media_type(content_type):
        raise ApiValueError(f"_content_type must be a JSON media type, got {content_type!r}")
    if options.get("_host_index", 0) != 0:
        raise ApiValueError("_host_index must be 0: this API has a single server")


def is_json_media_type(content_type: str) -> bool:
    """Whether a Content-Type header value names JSON."""
    if content_type == "application/json":
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _require(model: ApiModel, path: Sequence[str], body_name: str) -> None:
    from openapi_client.models._base import ApiRootModel  # loaded already: the body is a model

    value: Any = model
    for depth, name in enumerate(path):
        if isinstance(value, ApiRootModel):  # a oneOf wrapper: the field is on its variant
            value = value.root
        value = getattr(value, name, None)
        if value is None:
            dotted = ".".join(path[: depth + 1])
            raise ApiValueError(f"parameter '{body_name}' needs '{dotted}' to be set")
