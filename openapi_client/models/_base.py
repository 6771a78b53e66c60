"""Behaviour shared by every model: JSON helpers, unknown fields, read-only fields, secrets.

Each model module only declares its fields. Everything a model can *do* lives here once.
"""

from __future__ import annotations

import json
import pprint
from typing import Any, Callable, ClassVar, Dict, FrozenSet, Mapping, Optional, Tuple, overload

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    RootModel,
    SecretStr,
    SerializationInfo,
)
from pydantic_core import CoreSchema, core_schema
from typing_extensions import Annotated, Self

__all__ = ["ApiModel", "ApiRootModel", "ReadOnly", "Secret", "REDACTED", "before_python_input"]

REDACTED = "**********"


def _reveal_secret(value: SecretStr, info: SerializationInfo) -> str:
    # Serialization keeps the real value (the user asked for the data); only the
    # human-facing renderings (repr, to_str, logs) pass the "redact" context.
    if info.context and info.context.get("redact"):
        return REDACTED
    return value.get_secret_value()


Secret = Annotated[SecretStr, PlainSerializer(_reveal_secret, return_type=str)]
"""A string the service marks ``x-redact``: hidden in repr/str/logs, kept by to_dict/to_json."""


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
        """The model as JSON, exactly the fields it was given or read (unknown ones too)."""
        return self.model_dump_json(by_alias=True, exclude_unset=True)  # type: ignore[attr-defined, no-any-return]

    def to_dict(self) -> Dict[str, Any]:
        """The model as plain JSON-compatible Python data, secrets included."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)  # type: ignore[attr-defined, no-any-return]

    def to_str(self) -> str:
        """A readable, pretty-printed rendering with secrets masked."""
        return pprint.pformat(self.to_redacted_dict())

    def to_redacted_dict(self) -> Any:
        """Like ``to_dict`` but with every secret replaced by ``**********`` (safe to log)."""
        return self.model_dump(  # type: ignore[attr-defined]
            mode="json", by_alias=True, exclude_unset=True, context={"redact": True}
        )

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

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._read_only = frozenset(name for name, info in cls.model_fields.items() if _marked(info, "readOnly"))
        cls._wire_fields = {
            name: (info.alias or name, name in cls._read_only, _marked(info, "nullable"))
            for name, info in cls.model_fields.items()
        }

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
