"""Tolerant decoding: an answer that breaks the API document, kept as sent.

The client decodes an answer with its precise model first (pydantic-core alone, the fast
path). Only what that refuses comes here: each field is checked on its own; a field that
fails and holds an object of a model type is built the same way, one level down; any other
failing value is kept as sent (plain JSON data), and a required field that was not sent
reads ``None`` without being marked as set. Nothing is invented, so ``to_json`` writes back
what came. Each model built here records its :class:`Deviation` s (``model_deviations``).

A page's items are checked one by one inside the first decode (:func:`tolerant_validator`):
a failing item is built here at the cost of about one more decode of that item, and never
fails its page.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, List, Mapping, Optional, Tuple, Type, Union, get_args, get_origin

from pydantic import ValidationError
from pydantic_core import SchemaValidator, core_schema

from openapi_client.models._base import ApiModel, ApiRootModel, mark_deviations
from openapi_client.models._deviation import Deviation

__all__ = ["TOLERATED", "build_tolerantly", "deviations_of", "json_path", "mark_odd_items", "tolerant_validator"]

TOLERATED = "openapi_client.tolerated"
"""The key a tolerant decode's validation context gets when an item was built tolerantly."""

# How a field holds models: ("model", cls), ("list", item cls), ("root", root model cls).
_FieldModels = Dict[str, Tuple[str, type]]


def json_path(loc: Tuple[Union[str, int], ...], skip: Tuple[str, ...] = ()) -> str:
    """``data[2].spec.owner`` for the pydantic location ``("data", 2, "spec", "owner")``."""
    path = ""
    for part in loc:
        if part in skip:
            continue
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def deviations_of(exc: ValidationError, field: Optional[str] = None) -> List[Deviation]:
    """The deviations a pydantic error lists, without values, paths by JSON names (``field``:
    the JSON name of the field an assignment error is about, which its location starts with)."""
    from openapi_client.models.byok_v1_key_key import BRANCH_TAGS, KNOWN_KIND_ERROR

    found = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        if error["type"] == KNOWN_KIND_ERROR:
            continue
        loc = error["loc"] if field is None else (field, *error["loc"][1:])
        found.append(Deviation(json_path(loc, BRANCH_TAGS), error["type"], error["msg"]))
    return found


def build_tolerantly(cls: Type[ApiModel], data: Mapping[str, Any]) -> ApiModel:
    """``data`` (a JSON object its precise model refused) as a ``cls``, field by field."""
    model = cls.model_construct()
    state: Dict[str, Any] = dict(model.__dict__)
    sent = set()
    extra: Dict[str, Any] = {}
    deviations: List[Deviation] = []
    validator = cls.__pydantic_validator__
    holders = _field_models(cls)
    for key, value in data.items():
        name = cls._json_names.get(key)
        if name is None:
            extra[key] = value
            continue
        sent.add(name)
        holder = holders.get(name)
        if holder is not None and holder[0] == "list" and isinstance(value, list):
            state[name] = [_item(holder[1], item) for item in value]
            deviations.extend(_odd_items(state[name], holder[1], key))
            continue
        try:
            validator.validate_assignment(model, name, value, by_alias=True, by_name=False)
            state[name] = model.__dict__[name]
            continue
        except ValidationError as exc:
            failure = exc
        if holder is not None and isinstance(value, dict):
            kind, target = holder
            if kind == "model":
                state[name] = build_tolerantly(target, value)  # type: ignore[arg-type]
                continue
            if kind == "root":
                variant = target.variant_for(value)  # type: ignore[attr-defined]
                state[name] = target.model_construct(build_tolerantly(variant, value))  # type: ignore[attr-defined]
                continue
        state[name] = value
        deviations.extend(deviations_of(failure, key))
    for name, info in cls.model_fields.items():
        if name not in state:
            state[name] = None
            deviations.append(Deviation(cls._wire_fields[name][0], "missing", "Field required"))
    object.__setattr__(model, "__dict__", {name: state[name] for name in cls.model_fields})
    object.__setattr__(model, "__pydantic_fields_set__", sent | (model.model_fields_set & set(cls.model_fields)))
    if extra:
        object.__setattr__(model, "__pydantic_extra__", extra)
    mark_deviations(model, deviations)
    return model


def _item(cls: Type[ApiModel], value: Any) -> Any:
    """One list item: precise if it can be, else built tolerantly, else kept as sent."""
    if not isinstance(value, dict):
        return value
    try:
        return cls.model_validate(value, by_alias=True, by_name=False)
    except ValidationError:
        return build_tolerantly(cls, value)


def _odd_items(items: List[Any], cls: type, key: str) -> List[Deviation]:
    """The deviations of the items of a list of models that are not objects (kept as sent)."""
    message = f"Input should be a valid dictionary or instance of {cls.__name__}"
    return [Deviation(f"{key}[{i}]", "model_type", message) for i, item in enumerate(items) if not isinstance(item, cls)]


def mark_odd_items(page: ApiModel) -> None:
    """Record on ``page`` (decoded by its :func:`tolerant_validator`) its list items that are not
    objects at all; the items built tolerantly record their own deviations."""
    found: List[Deviation] = []
    for name, (kind, item_cls) in _field_models(type(page)).items():
        items = page.__dict__.get(name)
        if kind == "list" and isinstance(items, list):
            found.extend(_odd_items(items, item_cls, type(page)._wire_fields[name][0]))
    mark_deviations(page, found)


@functools.lru_cache(maxsize=None)
def _field_models(cls: Type[ApiModel]) -> _FieldModels:
    found: _FieldModels = {}
    for name, info in cls.model_fields.items():
        holder = _holder(info.annotation)
        if holder is not None:
            found[name] = holder
    return found


def _holder(annotation: Any) -> Optional[Tuple[str, type]]:
    origin = get_origin(annotation)
    if isinstance(annotation, type) and origin is None:
        if issubclass(annotation, ApiModel):
            return ("model", annotation)
        if issubclass(annotation, ApiRootModel) and hasattr(annotation, "variant_for"):
            return ("root", annotation)
        return None
    args = [a for a in get_args(annotation) if a is not type(None)]
    if origin in (list, List) and args:
        inner = _holder(args[0])
        return ("list", inner[1]) if inner is not None and inner[0] == "model" else None
    if origin is Union and len(args) == 1:
        return _holder(args[0])
    if args and str(origin).endswith("Annotated"):
        return _holder(args[0])
    return None


class TolerantPage:
    """Decodes a page (a model with list fields of models) in one pass, taking a failing item
    tolerantly: its items are a union of the precise item model and :func:`build_tolerantly`,
    tried in that order, so a conforming page costs what its precise model costs."""

    def __init__(self, cls: Type[ApiModel], lists: Dict[str, type]) -> None:
        self.cls = cls
        schema: Dict[str, Any] = dict(cls.__pydantic_core_schema__)
        model = schema
        if model["type"] == "definitions":
            model = schema["schema"] = dict(schema["schema"])
        # The fields alone: a model schema naming a complete class would be replaced by that
        # class's own validator, which has no fallback.
        fields_schema = dict(model["schema"])
        fields = fields_schema["fields"] = dict(fields_schema["fields"])
        for name, item_cls in lists.items():
            field = fields[name] = dict(fields[name])
            list_schema = field["schema"] = dict(field["schema"])
            list_schema["items_schema"] = core_schema.union_schema(
                [list_schema["items_schema"], core_schema.with_info_plain_validator_function(_fallback(item_cls))],
                mode="left_to_right",
            )
        if schema is model:
            schema = fields_schema
        else:
            schema["schema"] = fields_schema
        self._validator = SchemaValidator(schema, model.get("config"))  # type: ignore[arg-type]

    def validate_json(self, data: Union[str, bytes], context: Dict[str, Any]) -> ApiModel:
        fields, extra, fields_set = self._validator.validate_json(data, context=context, by_alias=True, by_name=False)
        page = self.cls.__new__(self.cls)
        object.__setattr__(page, "__dict__", fields)
        object.__setattr__(page, "__pydantic_extra__", extra)
        object.__setattr__(page, "__pydantic_fields_set__", fields_set)
        object.__setattr__(page, "__pydantic_private__", None)
        return page


@functools.lru_cache(maxsize=None)
def tolerant_validator(cls: Type[ApiModel]) -> Optional[TolerantPage]:
    """The one-pass tolerant decoder of ``cls`` when it has list fields of models, else
    ``None`` (its own validator serves)."""
    lists = {name: holder[1] for name, holder in _field_models(cls).items() if holder[0] == "list"}
    return TolerantPage(cls, lists) if lists else None


def _fallback(cls: Type[ApiModel]) -> Any:
    def tolerated(value: Any, info: core_schema.ValidationInfo) -> Any:
        if info.context is not None:
            info.context[TOLERATED] = True
        return build_tolerantly(cls, value) if isinstance(value, dict) else value

    return tolerated
