"""Tolerant decoding: an answer that breaks the API document, kept as sent.

The client decodes an answer with its precise model first (pydantic-core alone, the fast
path). What that refuses is decoded again by a *lenient* validator, built once per answer
class from the precise schemas: each field is a left-to-right union of its precise schema,
then (for a field holding a model) the lenient form of that model, then a small Python
function that keeps the value as sent and notes the field. A required field that was not
sent reads ``None`` and is not marked as set. Nothing is invented, so ``to_json`` writes
back what came. Each model built so records its :class:`Deviation` s (``model_deviations``).

A page's items get the same union inside the *first* decode (:func:`fast_validator`): a
conforming page costs what its precise model costs, an odd item one failed attempt plus
about one more decode of that item, and it never fails its page.

Python runs only where the document is broken: for each odd field (to note it and, once,
to tell why it failed) and for each model built leniently.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, List, Optional, Set, Tuple, Type, Union, get_args, get_origin

from pydantic import ValidationError
from pydantic_core import CoreSchema, SchemaValidator, core_schema

from openapi_client.models._base import ApiModel, ApiRootModel, mark_deviations
from openapi_client.models._deviation import Deviation

__all__ = ["TOLERATED", "Decoder", "deviations_of", "fast_validator", "json_path", "lenient_validator"]

TOLERATED = "openapi_client.tolerated"
"""Set in the validation context when anything was decoded leniently."""
_PENDING = "openapi_client.pending"
"""The odd fields noted since the last lenient model was built: (model class, field, value)."""


# pydantic messages that quote the input; a deviation never shows a value.
_QUOTING_INPUT = {"union_tag_invalid": "Input tag does not match any of the expected tags"}


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
    the JSON name of the field an assignment error is about, which its locations start with)."""
    from openapi_client.models.byok_v1_key_key import BRANCH_TAGS, KNOWN_KIND_ERROR

    found = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        if error["type"] == KNOWN_KIND_ERROR:
            continue
        loc = error["loc"] if field is None else (field, *error["loc"][1:])
        message = _QUOTING_INPUT.get(error["type"], error["msg"])
        found.append(Deviation(json_path(loc, BRANCH_TAGS), error["type"], message))
    return found


class Decoder:
    """Decodes JSON into an answer class, returning the model (a page, a key)."""

    def __init__(self, schema: CoreSchema) -> None:
        self._validator = SchemaValidator(schema, core_schema.CoreConfig(hide_input_in_errors=True))

    def validate_json(self, data: Union[str, bytes], context: Dict[str, Any]) -> Any:
        return self._validator.validate_json(data, context=context, by_alias=True, by_name=False)


@functools.cache
def fast_validator(cls: Type[ApiModel]) -> Optional[Decoder]:
    """The first decode of ``cls`` when it has lists of models (a page): its own schema, but
    each item a union of the precise item and its lenient form. ``None`` for any other class
    (its own validator serves)."""
    builder = _Builder(cls)
    if not any(kind == "list" for kind, _ in _field_models(cls).values()):
        return None
    return Decoder(builder.wrap(builder.model(cls, lenient_fields=False)))


@functools.cache
def lenient_validator(cls: Type[ApiModel]) -> Decoder:
    """The decode of ``cls`` after its precise form refused an answer: every field lenient."""
    builder = _Builder(cls)
    return Decoder(builder.wrap(builder.model(cls, lenient_fields=True)))


class _Builder:
    """Makes lenient schemas from the precise ones of one answer class (and its definitions)."""

    def __init__(self, cls: Type[ApiModel]) -> None:
        schema: Dict[str, Any] = dict(cls.__pydantic_core_schema__)
        self.definitions: List[Any] = []
        if schema["type"] == "definitions":
            self.definitions = list(schema["definitions"])
            schema = schema["schema"]
        # Every model node (inline or a definition) by class, to reuse its field schemas.
        self.nodes: Dict[type, Dict[str, Any]] = {}
        self._collect(schema)
        for definition in self.definitions:
            self._collect(definition)
        self._lenient: Dict[type, CoreSchema] = {}

    def _collect(self, node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "model" and isinstance(node.get("cls"), type):
                self.nodes.setdefault(node["cls"], node)
            for value in node.values():
                self._collect(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                self._collect(value)

    def wrap(self, schema: CoreSchema) -> CoreSchema:
        if self.definitions:
            return core_schema.definitions_schema(schema, self.definitions)
        return schema

    def model(self, cls: Type[ApiModel], *, lenient_fields: bool) -> CoreSchema:
        """``cls`` built from its fields schema by Python (a model schema naming a complete class
        would be replaced by that class's own validator): each list of models takes odd items
        leniently, and with ``lenient_fields`` every field is lenient too."""
        if lenient_fields and cls in self._lenient:
            return self._lenient[cls]
        node = self.nodes[cls]
        fields_schema = dict(node["schema"])
        config = node.get("config") or {}
        if "extra_fields_behavior" in config:
            fields_schema.setdefault("extra_behavior", config["extra_fields_behavior"])
        fields = fields_schema["fields"] = dict(fields_schema["fields"])
        holders = _field_models(cls)
        for name in list(fields):
            field = fields[name] = dict(fields[name])
            field["schema"] = self._field(cls, name, field["schema"], holders.get(name), lenient_fields)
        schema = core_schema.with_info_after_validator_function(_maker(cls), fields_schema)
        if lenient_fields:
            self._lenient[cls] = schema
        return schema

    def _field(
        self, cls: Type[ApiModel], name: str, schema: Dict[str, Any], holder: Optional[Tuple[str, type]], lenient: bool
    ) -> Dict[str, Any]:
        optional = schema["type"] == "default"
        inner = schema["schema"] if optional else schema
        if holder is not None and holder[0] == "list":
            inner = self._list(inner, holder[1])
        if lenient:
            choices: List[Any] = [inner]
            if holder is not None and holder[0] == "model":
                choices.append(self.model(holder[1], lenient_fields=True))
            elif holder is not None and holder[0] == "root":
                choices.append(self._root(holder[1]))
            choices.append(core_schema.with_info_plain_validator_function(_noter(cls, name)))
            inner = core_schema.union_schema(choices, mode="left_to_right")
        if optional:
            return {**schema, "schema": inner}
        if lenient:
            return core_schema.with_default_schema(inner, default=None)  # type: ignore[return-value]
        return inner

    def _list(self, schema: Dict[str, Any], item_cls: type) -> Dict[str, Any]:
        """A list of models whose odd items are decoded leniently, and non-objects kept."""
        if schema.get("type") == "nullable":
            return {**schema, "schema": self._list(schema["schema"], item_cls)}
        items = core_schema.union_schema(
            [
                schema["items_schema"],
                self.model(item_cls, lenient_fields=True),
                core_schema.with_info_plain_validator_function(_kept_item),
            ],
            mode="left_to_right",
        )
        return {**schema, "items_schema": items}

    def _root(self, root_cls: type) -> CoreSchema:
        """A root model whose variant is chosen by a ``kind`` (the BYOK key union): the variant
        named by ``kind``, decoded leniently, then wrapped."""
        variants = {
            kind: self.model(variant, lenient_fields=True)
            for kind, variant in root_cls.variant_kinds().items()  # type: ignore[attr-defined]
            if variant in self.nodes or self._node_for(variant)
        }
        union = core_schema.tagged_union_schema(variants, discriminator="kind")
        return core_schema.no_info_after_validator_function(root_cls.model_construct, union)  # type: ignore[attr-defined]

    def _node_for(self, cls: type) -> bool:
        """Find ``cls``'s model node behind a definition reference, if it is not inline."""
        schema: Any = cls.__pydantic_core_schema__  # type: ignore[attr-defined]
        self._collect(schema)
        return cls in self.nodes


def _maker(cls: Type[ApiModel]) -> Any:
    required = [(name, cls._wire_fields[name][0]) for name, info in cls.model_fields.items() if info.is_required()]
    post_init = cls.__pydantic_post_init__ is not None

    def make(parts: Tuple[Dict[str, Any], Optional[Dict[str, Any]], Set[str]], info: core_schema.ValidationInfo) -> Any:
        fields, extra, fields_set = parts
        model = cls.__new__(cls)
        object.__setattr__(model, "__dict__", fields)
        object.__setattr__(model, "__pydantic_extra__", extra)
        object.__setattr__(model, "__pydantic_fields_set__", fields_set)
        object.__setattr__(model, "__pydantic_private__", None)
        if post_init:
            model.model_post_init(None)
        context = info.context
        # The odd fields noted for this class are this model's: its own fields are decoded
        # after its parent's earlier ones and before its parent's later ones, and no model
        # holds one of its own class.
        pending = context.get(_PENDING) if context is not None else None
        own = []
        if pending:
            own = [entry for entry in pending if entry[0] is cls]
            pending[:] = [entry for entry in pending if entry[0] is not cls]
        missing = [key for name, key in required if name not in fields_set]
        if own or missing:
            deviations = [Deviation(key, "missing", "Field required") for key in missing]
            for owner, name, value in own:
                deviations.extend(_why(owner, name, value))
            mark_deviations(model, deviations)
            if context is not None:
                context[TOLERATED] = True
        return model

    return make


def _noter(cls: Type[ApiModel], name: str) -> Any:
    def kept_as_sent(value: Any, info: core_schema.ValidationInfo) -> Any:
        if info.context is not None:
            info.context.setdefault(_PENDING, []).append((cls, name, value))
        return value

    return kept_as_sent


def _kept_item(value: Any, info: core_schema.ValidationInfo) -> Any:
    if info.context is not None:
        info.context[TOLERATED] = True
    return value


def _why(cls: Type[ApiModel], name: str, value: Any) -> List[Deviation]:
    """Why ``value`` does not fit field ``name`` of ``cls`` (it is checked once more, alone)."""
    key = cls._wire_fields[name][0]
    try:
        cls.__pydantic_validator__.validate_assignment(cls.model_construct(), name, value, by_alias=True, by_name=False)
    except ValidationError as exc:
        return deviations_of(exc, key)
    return [Deviation(key, "value_error", "Input does not fit the field")]


def mark_odd_items(page: ApiModel) -> None:
    """Record on ``page`` its list items that are not objects at all (kept as sent); the
    items decoded leniently record their own deviations."""
    found: List[Deviation] = []
    for name, (kind, item_cls) in _field_models(type(page)).items():
        items = page.__dict__.get(name)
        if kind == "list" and isinstance(items, list):
            key = type(page)._wire_fields[name][0]
            message = f"Input should be a valid dictionary or instance of {item_cls.__name__}"
            odd = [i for i, item in enumerate(items) if not isinstance(item, item_cls)]
            found.extend(Deviation(f"{key}[{i}]", "model_type", message) for i in odd)
    if found:
        private = page.__pydantic_private__
        earlier = list(private.get("openapi_client.deviations", ())) if private else []
        mark_deviations(page, earlier + found)


@functools.cache
def _field_models(cls: Type[ApiModel]) -> Dict[str, Tuple[str, type]]:
    """How each field holds models: ("model", cls), ("list", item cls) or ("root", root model cls)."""
    found: Dict[str, Tuple[str, type]] = {}
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
        if issubclass(annotation, ApiRootModel) and hasattr(annotation, "variant_kinds"):
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
