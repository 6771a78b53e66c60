"""Behaviour shared by every model: JSON helpers, unknown fields, read-only fields, secrets,
timestamps kept as spelled, and the deviations of answers decoded tolerantly.

Each model module only declares its fields. Everything a model can *do* lives here once.
"""

from __future__ import annotations

import functools
import json
import pprint
import re
from datetime import datetime, timedelta, timezone
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    ClassVar,
    Dict,
    FrozenSet,
    List,
    Mapping,
    Optional,
    Tuple,
    get_args,
    get_origin,
    overload,
)

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    RootModel,
    SecretStr,
    SerializationInfo,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema
from typing_extensions import Annotated, Self

if TYPE_CHECKING:
    from openapi_client.models._deviation import Deviation

__all__ = [
    "ApiModel",
    "ApiRootModel",
    "ReadOnly",
    "Secret",
    "REDACTED",
    "Timestamp",
    "before_python_input",
    "parse_timestamp",
]

REDACTED = "**********"

# The serialization context of to_dict/to_json: they carry secrets for the round trip.
_REVEAL = {"openapi_client.reveal_secrets": True}
_REVEAL_KEY = "openapi_client.reveal_secrets"


def _serialize_secret(value: SecretStr, info: SerializationInfo) -> Any:
    # pydantic's SecretStr convention everywhere but to_dict/to_json: model_dump() keeps the
    # SecretStr (masked when shown), model_dump_json() writes "**********".
    if info.context and info.context.get(_REVEAL_KEY):
        return value.get_secret_value()
    return REDACTED if info.mode_is_json() else value


Secret = Annotated[SecretStr, PlainSerializer(_serialize_secret, return_type=Any)]
"""A string the service marks ``x-redact``: masked in repr/str/logs and by ``model_dump`` /
``model_dump_json`` (as pydantic's ``SecretStr``), carried by ``to_dict`` / ``to_json``."""


# -- timestamps, kept as the service spells them ------------------------------------------

# RFC 3339 date-time, any number of fraction digits (Go services write nanoseconds). ASCII
# digits only: the regex engine's \d would take other scripts' digits too.
_RFC3339 = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
)
_TIMESTAMP_PARTS = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?([Zz]|[+-][0-9]{2}:[0-9]{2})?"
)
TIMESTAMP_ERROR = "timestamp_format"


@functools.lru_cache(maxsize=1024)
def parse_timestamp(text: str) -> datetime:
    """The ``datetime`` an RFC 3339 timestamp names; digits past microseconds are dropped
    (``datetime`` holds no more). Raises ``ValueError`` for anything else."""
    match = _TIMESTAMP_PARTS.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 date-time: {text!r}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    tz: Optional[timezone] = None
    if offset in ("Z", "z"):
        tz = timezone.utc
    elif offset:
        sign = -1 if offset[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz)


def _spelling(value: Any) -> Any:
    """A ``datetime`` given in Python, spelled as pydantic writes one (``Z`` for UTC)."""
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return value


class ExactSpelling:
    """Marks a ``datetime`` field whose value keeps the spelling it was given.

    The model stores the text as sent (checked against RFC 3339 by pydantic-core, with no
    Python call on the JSON path) and writes it back unchanged; the attribute gives the
    ``datetime`` (:class:`ApiModel` installs the accessor). A ``datetime`` given in Python
    is stored in pydantic's spelling.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        text = core_schema.custom_error_schema(
            core_schema.str_schema(pattern=_RFC3339),
            custom_error_type=TIMESTAMP_ERROR,
            custom_error_message="Input should be an RFC 3339 date-time",
        )
        return before_python_input(_spelling, text)

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "string", "format": "date-time"}


Timestamp = Annotated[datetime, ExactSpelling()]
"""A ``datetime`` field that keeps its spelling (nanoseconds, ``.000Z``, ``+00:00``) through
``to_json`` / ``to_dict`` / ``from_json``."""


class _TimestampAttribute:
    """The attribute of a :data:`Timestamp` field: the ``datetime`` of the stored spelling.

    A value that is not a timestamp (kept as sent by a tolerant decode) is given as it is.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            # As for any pydantic field: not a class attribute (and never a default).
            raise AttributeError(self.name)
        value = instance.__dict__.get(self.name)
        if type(value) is str:
            try:
                return parse_timestamp(value)
            except ValueError:
                return value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__pydantic_validator__.validate_assignment(instance, self.name, value)


def _has_marker(annotation: Any, marker: type) -> bool:
    if get_origin(annotation) is Annotated:
        if any(isinstance(m, marker) for m in annotation.__metadata__):
            return True
        return _has_marker(get_args(annotation)[0], marker)
    return any(_has_marker(arg, marker) for arg in get_args(annotation))


def ReadOnly(**kwargs: Any) -> Any:  # noqa: N802 - reads like a type marker at the field site
    """A ``Field`` the server sets: kept in responses, never sent in a request body."""
    kwargs.setdefault("default", None)
    return Field(json_schema_extra={"readOnly": True}, **kwargs)


def Nullable(**kwargs: Any) -> Any:  # noqa: N802 - reads like a type marker at the field site
    """A ``Field`` whose explicit ``None`` is sent as JSON ``null``; other ``None`` fields are left out."""
    kwargs.setdefault("default", None)
    return Field(json_schema_extra={"nullable": True}, **kwargs)


def before_python_input(convert: Callable[[Any], Any], schema: CoreSchema) -> CoreSchema:
    """``schema`` with ``convert`` applied first to Python input only; JSON is validated by ``schema`` alone.

    For conversions that only Python objects can need. A ``mode="before"`` validator would
    run on JSON too, and to call a Python function pydantic-core turns the JSON value into
    Python objects first: a measurable share of decoding time (``benchmarks/README.md``).
    """
    return core_schema.json_or_python_schema(
        json_schema=schema, python_schema=core_schema.no_info_before_validator_function(convert, schema)
    )


def _marked(info: Any, marker: str) -> bool:
    return isinstance(info.json_schema_extra, dict) and bool(info.json_schema_extra.get(marker))


class _JsonHelpers:
    """The generated-client conversion surface, written once for plain and root models."""

    @classmethod
    def from_json(cls, json_str: str | bytes) -> Self:
        """Build the model from a JSON document (validation errors name the field)."""
        # JSON names only: an unknown key that happens to be a Python name (e.g. "self_")
        # must stay an unknown field, not fill the field of that name.
        return cls.model_validate_json(json_str, by_alias=True, by_name=False)  # type: ignore[attr-defined, no-any-return]

    @overload
    @classmethod
    def from_dict(cls, obj: None) -> None: ...

    @overload
    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Self: ...

    @classmethod
    def from_dict(cls, obj: Optional[Mapping[str, Any]]) -> Optional[Self]:
        """Build the model from a dict as ``to_dict`` returns it; ``None`` gives ``None``."""
        if obj is None:
            return None
        return cls.model_validate(obj, by_alias=True, by_name=False)  # type: ignore[attr-defined, no-any-return]

    def to_json(self) -> str:
        """The model as JSON, exactly the fields it was given or read (unknown ones too), each
        value spelled as it was read, secrets included."""
        serializer = self.__pydantic_serializer__  # type: ignore[attr-defined]
        return serializer.to_json(  # type: ignore[no-any-return]
            self, by_alias=True, exclude_unset=True, context=_REVEAL, warnings=False
        ).decode()

    def to_dict(self) -> Dict[str, Any]:
        """The model as plain JSON-compatible Python data, secrets included."""
        serializer = self.__pydantic_serializer__  # type: ignore[attr-defined]
        return serializer.to_python(  # type: ignore[no-any-return]
            self, mode="json", by_alias=True, exclude_unset=True, context=_REVEAL, warnings=False
        )

    def model_dump(self, *, mode: str = "python", **kwargs: Any) -> Dict[str, Any]:
        """pydantic's ``model_dump``: secrets masked as pydantic's ``SecretStr`` are (use
        ``to_dict`` for the data to send back); in ``mode="python"`` timestamps are
        ``datetime`` objects, as the attributes give them."""
        # A value kept as sent by a tolerant decode is written as it is, without a warning.
        kwargs.setdefault("warnings", False)
        data: Any = super().model_dump(mode=mode, **kwargs)  # type: ignore[misc]
        if mode == "python":
            _timestamps_as_datetimes(self, data, bool(kwargs.get("by_alias")))
        return data  # type: ignore[no-any-return]

    def model_dump_json(self, **kwargs: Any) -> str:
        """pydantic's ``model_dump_json``: secrets written as ``**********`` (use ``to_json``
        for the data to send back); timestamps as they were read."""
        kwargs.setdefault("warnings", False)
        return super().model_dump_json(**kwargs)  # type: ignore[misc, no-any-return]

    @property
    def model_deviations(self) -> Tuple[Deviation, ...]:
        """Where this answer breaks the API document (empty when it keeps it), each with its
        JSON path below this model; set only by a tolerant decode (see docs/Typing.md)."""
        found: List[Deviation] = []
        _collect_deviations(self, "", found)
        return tuple(found)

    def to_str(self) -> str:
        """A readable, pretty-printed rendering with secrets masked."""
        return pprint.pformat(self.to_redacted_dict())

    def to_redacted_dict(self) -> Any:
        """Like ``to_dict`` but with every secret replaced by ``**********`` (safe to log)."""
        serializer = self.__pydantic_serializer__  # type: ignore[attr-defined]
        return serializer.to_python(self, mode="json", by_alias=True, exclude_unset=True, warnings=False)

    def __str__(self) -> str:
        return self.to_str()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({json.dumps(self.to_redacted_dict(), ensure_ascii=False)})"


class ApiModel(_JsonHelpers, BaseModel):
    """Base of every object model of the API.

    * Unknown fields sent by a newer service are kept (``extra="allow"``) and written
      back out, so ``from_json(s).to_json()`` reproduces ``s``.
    * Fields are filled by their Python name or their JSON name.
    * Assignments are validated, so a model never holds a value its type forbids.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        validate_assignment=True,
        protected_namespaces=(),
        hide_input_in_errors=True,
    )

    _read_only: ClassVar[FrozenSet[str]] = frozenset()
    # Python name -> (JSON name, read-only?, nullable?), computed once per class for request bodies.
    _wire_fields: ClassVar[Dict[str, Tuple[str, bool, bool]]] = {}
    # JSON name -> Python name, for decoding by JSON names only.
    _json_names: ClassVar[Dict[str, str]] = {}
    _timestamp_fields: ClassVar[FrozenSet[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._read_only = frozenset(name for name, info in cls.model_fields.items() if _marked(info, "readOnly"))
        cls._wire_fields = {
            name: (info.alias or name, name in cls._read_only, _marked(info, "nullable"))
            for name, info in cls.model_fields.items()
        }
        cls._json_names = {wire[0]: name for name, wire in cls._wire_fields.items()}
        cls._timestamp_fields = frozenset(
            name for name, info in cls.model_fields.items() if _has_marker(info.rebuild_annotation(), ExactSpelling)
        )
        for name in cls._timestamp_fields:
            setattr(cls, name, _TimestampAttribute(name))

    @classmethod
    def read_only_fields(cls) -> FrozenSet[str]:
        """Python names of the fields only the server sets."""
        return cls._read_only

    def to_request_dict(self) -> Dict[str, Any]:
        """``to_dict`` for a request body: read-only fields are left out at every level, and
        so are fields set to ``None`` unless the API accepts ``null`` for them."""
        data: Dict[str, Any] = self.to_dict()
        _prune_for_request(self, data)
        return data


class ApiRootModel(_JsonHelpers, RootModel[Any]):
    """Base of models whose JSON is another model (the generated ``oneOf`` wrappers)."""

    model_config = ConfigDict(hide_input_in_errors=True)

    def to_request_dict(self) -> Any:
        """``to_dict`` for a request body (see :meth:`ApiModel.to_request_dict`)."""
        data = self.to_dict()
        _prune_for_request(self.root, data)
        return data


def _prune_for_request(value: Any, data: Any) -> None:
    """Remove, in place, the keys of ``data`` (the dump of ``value``) a request must not carry."""
    if isinstance(value, ApiModel) and isinstance(data, dict):
        wire_fields = value._wire_fields
        for name in value.model_fields_set:
            wire = wire_fields.get(name)
            if wire is None or wire[0] not in data:
                continue
            key, read_only, nullable = wire
            child = getattr(value, name)
            if read_only or (child is None and not nullable):
                del data[key]
            elif isinstance(child, (ApiModel, ApiRootModel, list)):
                # Only models and lists can hold more to remove; leaves need no visit.
                _prune_for_request(child, data[key])
    elif isinstance(value, ApiRootModel):
        _prune_for_request(value.root, data)
    elif isinstance(value, list) and isinstance(data, list):
        for item, item_data in zip(value, data):
            _prune_for_request(item, item_data)


_DEVIATIONS = "openapi_client.deviations"


def mark_deviations(model: ApiModel, deviations: List[Deviation]) -> None:
    """Record on ``model`` (built by a tolerant decode) where it breaks its document, below it."""
    if deviations:
        object.__setattr__(model, "__pydantic_private__", {_DEVIATIONS: tuple(deviations)})


def _collect_deviations(value: Any, path: str, found: List[Deviation]) -> None:
    if isinstance(value, ApiModel):
        private = value.__pydantic_private__
        if private:
            found.extend(d.under(path) if path else d for d in private.get(_DEVIATIONS, ()))
        state = value.__dict__
        for name in value.model_fields_set:
            child = state.get(name)
            if isinstance(child, (ApiModel, ApiRootModel, list)):
                key = value._wire_fields[name][0] if name in value._wire_fields else name
                _collect_deviations(child, f"{path}.{key}" if path else key, found)
    elif isinstance(value, ApiRootModel):
        _collect_deviations(value.root, path, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _collect_deviations(item, f"{path}[{index}]", found)


def _timestamps_as_datetimes(value: Any, data: Any, by_alias: bool) -> None:
    """Turn, in place, the timestamp spellings of ``data`` (a Python-mode dump of ``value``)
    into ``datetime`` objects."""
    if isinstance(value, ApiModel) and isinstance(data, dict):
        for name in value.model_fields_set:
            key = value._wire_fields[name][0] if by_alias and name in value._wire_fields else name
            if key not in data:
                continue
            if name in value._timestamp_fields:
                data[key] = getattr(value, name)
            else:
                child = value.__dict__.get(name)
                if isinstance(child, (ApiModel, ApiRootModel, list)):
                    _timestamps_as_datetimes(child, data[key], by_alias)
    elif isinstance(value, ApiRootModel):
        _timestamps_as_datetimes(value.root, data, by_alias)
    elif isinstance(value, list) and isinstance(data, list):
        for item, item_data in zip(value, data):
            _timestamps_as_datetimes(item, item_data, by_alias)
