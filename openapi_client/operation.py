"""Declarative descriptions of the API's operations and the checks on their parameters.

An API method names its :class:`Operation` and hands over its arguments; the operation
checks every argument (so bad input is refused before anything is sent, with the
parameter's name in the error) and the :class:`~openapi_client.api_client.ApiClient`
does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type

from pydantic import ValidationError
from typing_extensions import TypedDict

from openapi_client.exceptions import ApiTypeError, ApiValueError
from openapi_client.models._base import ApiModel, ApiRootModel

__all__ = ["Operation", "Param", "Body", "RequestOptions", "PAGE_SIZE", "PAGE_TOKEN"]



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
        if self.min_length is not None and len(value) < self.min_length:
            raise ApiValueError(
                f"parameter '{self.name}' must be at least {self.min_length} character(s) long"
            )
        if self.max_length is not None and len(value) > self.max_length:
            raise ApiValueError(
                f"parameter '{self.name}' must be at most {self.max_length} characters long, got {len(value)}"
            )
        if self.minimum is not None and value < self.minimum:
            raise ApiValueError(f"parameter '{self.name}' must be >= {self.minimum}, got {value}")
        if self.maximum is not None and value > self.maximum:
            raise ApiValueError(f"parameter '{self.name}' must be <= {self.maximum}, got {value}")
        return value


PAGE_SIZE = Param("page_size", type=int, minimum=1, maximum=100)
PAGE_TOKEN = Param("page_token", max_length=255)


@dataclass(frozen=True)
class Body:
    """The request body: the parameter's name and the model it must be."""

    name: str
    model: Type[ApiModel]
    optional: bool = False

    def check(self, value: Any) -> ApiModel:
        """The body as its model; a dict is validated into one, anything else refused.

        An optional body left out is sent as an empty object.
        """
        if value is None and self.optional:
            return self.model()
        if isinstance(value, self.model):
            return value
        if isinstance(value, dict):
            try:
                return self.model.model_validate(value)
            except ValidationError as exc:
                raise ApiValueError(f"parameter '{self.name}' is not a valid {self.model.__name__}: {exc}") from exc
        raise ApiTypeError(
            f"parameter '{self.name}' must be {self.model.__name__}, got {type(value).__name__}",
            valid_classes=(self.model,),
        )


@dataclass(frozen=True)
class Operation:
    """One HTTP operation of the spec: method, path template, parameters, responses."""

    method: str
    path: str
    responses: Mapping[str, Optional[Type[Any]]]
    auth: Tuple[str, ...]
    path_params: Tuple[Param, ...] = ()
    query_params: Tuple[Param, ...] = ()
    body: Optional[Body] = None
    required_body_fields: Tuple[Tuple[str, ...], ...] = field(default=())
    name: str = ""
    """The API method's name (``get_iam_v2_api_key``), for messages about this operation."""

    def describe(self) -> str:
        """How messages name this operation: ``get_iam_v2_api_key (GET /iam/v2/api-keys/{id})``."""
        request = f"{self.method} {self.path}"
        return f"{self.name} ({request})" if self.name else request

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
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _require(model: ApiModel, path: Sequence[str], body_name: str) -> None:
    value: Any = model
    for depth, name in enumerate(path):
        if isinstance(value, ApiRootModel):  # a oneOf wrapper: the field is on its variant
            value = value.root
        value = getattr(value, name, None)
        if value is None:
            dotted = ".".join(path[: depth + 1])
            raise ApiValueError(f"parameter '{body_name}' needs '{dotted}' to be set")
