"""Contract tests: the SDK's models and operations agree with the API document, both ways.

Every check runs twice: against the project's own document (``openapi_client/openapi.json``)
and against Confluent's official document (``spec/confluent-cloud-official-iam-byok.openapi.yaml``,
the copy the repository carries). Everything checked is read from the document, so a schema, property, parameter or
response added, removed or changed on either side fails with a message that names it.

Where the SDK departs from the official document on purpose, the departure is named here
and nowhere else may differ:

* PATCH bodies are the update models (``IamV2ApiKeyUpdate``, ``IamV2ApiKeySpecUpdate``,
  ``ByokV1KeyUpdate``): the official document names the whole resource, of which only the
  properties not marked ``x-immutable`` can change. The update models hold exactly those.
* The ``id`` path parameter is 1 to 255 characters and ``page_size`` at least 1
  (``STRICTER_THAN_OFFICIAL``); the official document leaves those bounds out.
* A request body whose schema requires fields (``spec.owner``, ``key``) is required; the
  official document leaves ``requestBody.required`` out.
* Inline object properties (``Error.source``) are read as the schema ``<Schema>_<property>``,
  as generators name them.

Required-ness follows one rule: a property is required in the model when the document
requires it, except a read-only property of a schema that also appears in request bodies
(``TypedGlobalObjectReference.related``, ``ObjectMeta.self``): the client never sends those,
so the model may not insist on them. Response-only schemas (the lists, ``Failure``) keep
every required field required. Unknown fields are kept by every model, also where a schema
is closed (``Error`` has ``additionalProperties: false``): a newer service may add fields.
"""

from __future__ import annotations

import copy
import datetime
import importlib.util
import inspect
import json
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Set, Tuple, Type

import annotated_types
import pytest
import urllib3
import yaml
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

import openapi_client
from openapi_client import Configuration, _descriptions as descriptions, models
from openapi_client._operation_types import Operation, Param
from openapi_client.api.byok_keys_api import ByokKeysApi
from openapi_client.api.iam_api_keys_api import IamApiKeysApi
from openapi_client.credentials import BearerToken, CloudApiKey, GlobalApiKey
from openapi_client.exceptions import REQUEST_ID_HEADER
from openapi_client.models._base import ApiModel, ApiRootModel
from openapi_client.models.byok_v1_key_key import KEY_KINDS
from openapi_client.testing import FakeConfluentCloud

REPOSITORY = Path(__file__).resolve().parent.parent
PACKAGED_PATH = Path(openapi_client.__file__).parent / "openapi.json"
REF_PREFIX = "#/components/schemas/"
RESPONSE_REF_PREFIX = "#/components/responses/"

# Which model classes stand for each object schema. ObjectMeta has one class per resource
# so that each resource's docs can show its own metadata.
SCHEMA_MODELS: Dict[str, Tuple[Type[ApiModel], ...]] = {
    "iam.v2.ApiKey": (models.IamV2ApiKey,),
    "iam.v2.ApiKeySpec": (models.IamV2ApiKeySpec,),
    "iam.v2.ApiKeyList": (models.IamV2ApiKeyList,),
    "iam.v2.ApiKeyUpdate": (models.IamV2ApiKeyUpdate,),
    "iam.v2.ApiKeySpecUpdate": (models.IamV2ApiKeySpecUpdate,),
    "ObjectMeta": (models.IamV2ApiKeyMetadata, models.ByokV1KeyMetadata),
    "ListMeta": (models.ListMeta,),
    "TypedGlobalObjectReference": (models.GlobalObjectReference,),
    "TypedEnvScopedObjectReference": (models.ObjectReference,),
    "Failure": (models.Failure,),
    "Error": (models.Error,),
    "Error_source": (models.ErrorSource,),
    "byok.v1.Key": (models.ByokV1Key,),
    "byok.v1.KeyValidation": (models.ByokV1KeyValidation,),
    "byok.v1.AwsKey": (models.ByokV1AwsKey,),
    "byok.v1.AzureKey": (models.ByokV1AzureKey,),
    "byok.v1.GcpKey": (models.ByokV1GcpKey,),
    "byok.v1.KeyList": (models.ByokV1KeyList,),
    "byok.v1.KeyUpdate": (models.ByokV1KeyUpdate,),
}
# The update models: the schema each is the changeable part of, and the update model of
# each nested object that can change too.
UPDATE_MODELS: Dict[Type[ApiModel], Tuple[str, Dict[str, Type[ApiModel]]]] = {
    models.IamV2ApiKeyUpdate: ("iam.v2.ApiKey", {"spec": models.IamV2ApiKeySpecUpdate}),
    models.IamV2ApiKeySpecUpdate: ("iam.v2.ApiKeySpec", {}),
    models.ByokV1KeyUpdate: ("byok.v1.Key", {}),
}
UPDATE_SCHEMAS = {"iam.v2.ApiKeyUpdate", "iam.v2.ApiKeySpecUpdate", "byok.v1.KeyUpdate"}
# Schemas that are plain values, not objects, and so have no model.
VALUE_SCHEMAS = {"SearchFilter": "string"}
# Models that exist for the SDK's own reasons: the oneOf wrapper and its catch-all variant.
MODELS_WITHOUT_SCHEMA = {"ByokV1KeyKey", "ByokV1UnknownKey"}
# (parameter, keyword) -> the bound the SDK enforces and the official document leaves out.
STRICTER_THAN_OFFICIAL = {("id", "minLength"): 1, ("id", "maxLength"): 255, ("page_size", "minimum"): 1}

API_CLASSES = {"API Keys (iam/v2)": IamApiKeysApi, "Keys (byok/v1)": ByokKeysApi}

INT32 = (-(2**31), 2**31 - 1)


# -- the two documents -----------------------------------------------------------------


def ref_name(ref: str) -> str:
    assert ref.startswith(REF_PREFIX), ref
    return ref[len(REF_PREFIX) :]


def iter_refs(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref":
                yield ref_name(value)
            elif key != "discriminator":
                yield from iter_refs(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from iter_refs(item)


@dataclass(frozen=True)
class Contract:
    """One API document, read the same way whichever it is."""

    name: str
    doc: Dict[str, Any]

    @property
    def official(self) -> bool:
        return self.name == "official"

    @property
    def schemas(self) -> Dict[str, Dict[str, Any]]:
        return self.doc["components"]["schemas"]  # type: ignore[no-any-return]

    def operations(self) -> Iterator[Tuple[str, str, Dict[str, Any]]]:
        for path, item in self.doc["paths"].items():
            for method, operation in item.items():
                if not method.startswith("x-"):
                    yield path, method, operation

    def reachable(self, roots: Iterator[str]) -> Set[str]:
        seen: Set[str] = set()
        todo = list(roots)
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(iter_refs(self.schemas[name]))
        return seen

    def request_schemas(self) -> Set[str]:
        return self.reachable(
            name
            for _, _, op in self.operations()
            for media in op.get("requestBody", {}).get("content", {}).values()
            for name in iter_refs(media["schema"])
        )

    def is_read_only(self, schema: Dict[str, Any]) -> bool:
        """Read-only itself, or a reference to a schema that is read-only as a whole (ObjectMeta)."""
        target = referenced_schema(schema)
        return bool(schema.get("readOnly") or (target is not None and self.schemas[target].get("readOnly")))


def read_official(path: Path) -> Dict[str, Any]:
    """The official document with its shared responses written out in each operation and
    each inline object property named ``<Schema>_<property>``; nothing else changes."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    shared = doc["components"].get("responses", {})
    for item in doc["paths"].values():
        for method, op in item.items():
            if method.startswith("x-"):
                continue
            for status, response in op["responses"].items():
                ref = response.get("$ref")
                if ref is not None:
                    op["responses"][status] = copy.deepcopy(shared[ref[len(RESPONSE_REF_PREFIX) :]])
    schemas = doc["components"]["schemas"]
    for name, schema in list(schemas.items()):
        for prop, value in schema.get("properties", {}).items():
            if "properties" in value and "$ref" not in value:
                schemas[f"{name}_{prop}"] = value
                schema["properties"][prop] = {"$ref": f"{REF_PREFIX}{name}_{prop}"}
    return doc  # type: ignore[no-any-return]


def _load_builder() -> Any:
    """tools/build_openapi.py, which finds the official document and makes openapi.json from it."""
    spec = importlib.util.spec_from_file_location("build_openapi", REPOSITORY / "tools" / "build_openapi.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILDER = _load_builder()
PACKAGED = Contract("packaged", json.loads(PACKAGED_PATH.read_text(encoding="utf-8")))
# The packaged document's schemas, for other tests that generate payloads from them.
SCHEMAS = PACKAGED.schemas
OFFICIAL_PATH: Path = BUILDER.official_document()
OFFICIAL = Contract("official", read_official(OFFICIAL_PATH))


def contracts() -> List[Any]:
    """Both documents as test parameters."""
    return [pytest.param(PACKAGED, id="packaged"), pytest.param(OFFICIAL, id="official")]


def per_contract(cases: typing.Callable[[Contract], List[Any]]) -> List[Any]:
    """``cases(contract)`` for both documents, each id prefixed with its document."""
    return [
        pytest.param(contract, *p.values, id=f"{contract.name}-{p.id}")
        for contract in (PACKAGED, OFFICIAL)
        for p in cases(contract)
    ]


def referenced_schema(schema: Dict[str, Any]) -> Optional[str]:
    """The schema a property names through ``$ref`` or a one-item ``allOf``, if any."""
    if "$ref" in schema:
        return ref_name(schema["$ref"])
    refs = [part["$ref"] for part in schema.get("allOf", []) if "$ref" in part]
    return ref_name(refs[0]) if refs else None


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def python_param_name(wire_name: str) -> str:
    return wire_name.replace(".", "_")


# -- reading the models ----------------------------------------------------------------


def fields_by_json_name(model: Type[BaseModel]) -> Dict[str, Tuple[str, FieldInfo]]:
    return {(info.alias or name): (name, info) for name, info in model.model_fields.items()}


def strip_optional(annotation: Any) -> Tuple[Any, bool]:
    """(the annotation without ``None``, whether ``None`` was allowed)."""
    if typing.get_origin(annotation) is typing.Union:
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        allows_none = len(args) < len(typing.get_args(annotation))
        return (args[0] if len(args) == 1 else typing.Union[tuple(args)]), allows_none
    return annotation, False


def strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def constraints(info: FieldInfo) -> Dict[str, int]:
    """The length and range limits of a field, wherever pydantic keeps them."""
    found: Dict[str, int] = {}

    def take(items: Any) -> None:
        for item in items:
            if isinstance(item, FieldInfo):
                take(item.metadata)
            elif isinstance(item, annotated_types.MinLen):
                found["minLength"] = item.min_length
            elif isinstance(item, annotated_types.MaxLen):
                found["maxLength"] = item.max_length
            elif isinstance(item, annotated_types.Ge):
                found["minimum"] = int(item.ge)
            elif isinstance(item, annotated_types.Le):
                found["maximum"] = int(item.le)
            elif isinstance(item, (annotated_types.Gt, annotated_types.Lt)):
                found["exclusive bound"] = 1

    def walk(annotation: Any) -> None:
        if typing.get_origin(annotation) is typing.Annotated:
            take(annotation.__metadata__)
            walk(typing.get_args(annotation)[0])
        elif typing.get_origin(annotation) is typing.Union:
            for arg in typing.get_args(annotation):
                walk(arg)

    take(info.metadata)
    walk(info.annotation)
    return found


def expected_constraints(schema: Dict[str, Any]) -> Dict[str, int]:
    expected = {key: schema[key] for key in ("minLength", "maxLength", "minimum", "maximum") if key in schema}
    if schema.get("format") == "int32":
        expected.setdefault("minimum", INT32[0])
        expected.setdefault("maximum", INT32[1])
    return expected


def models_for(schema_name: str) -> FrozenSet[type]:
    return frozenset(SCHEMA_MODELS[schema_name])


def stands_for(model: Any, schema_name: str) -> bool:
    """Whether ``model`` is a model of the schema, or an answer's narrowing of one."""
    return isinstance(model, type) and any(issubclass(model, m) for m in models_for(schema_name))


def schema_of_model(model: type) -> str:
    names = [name for name, classes in SCHEMA_MODELS.items() if model in classes]
    assert names, f"{model.__name__} stands for no schema of the document"
    return names[0]


# -- the documents themselves ----------------------------------------------------------


@pytest.mark.parametrize("contract", contracts())
def test_document_is_openapi_3_0_with_resolvable_references(contract: Contract) -> None:
    doc = contract.doc
    assert doc["openapi"].startswith("3.0."), doc["openapi"]
    dangling = sorted({name for name in iter_refs(doc) if name not in contract.schemas})
    assert not dangling, f"references to missing schemas: {dangling}"
    assert [server["url"] for server in doc["servers"]] == [Configuration().host], "default host drifted"
    ids = [op["operationId"] for _, _, op in contract.operations()]
    assert len(ids) == len(set(ids)) == 10, f"operation ids: {ids}"
    for path, method, op in contract.operations():
        templated = set(re.findall(r"{(\w+)}", path))
        in_path = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert templated == in_path, f"{method.upper()} {path}: path parameters {in_path}, template {templated}"


def test_packaged_document_is_fresh_from_the_official_one() -> None:
    built = BUILDER.build(yaml.safe_load(OFFICIAL_PATH.read_text(encoding="utf-8")))
    assert built == PACKAGED.doc, "openapi.json is stale: run python tools/build_openapi.py"


def test_the_emulator_serves_the_packaged_document() -> None:
    with FakeConfluentCloud() as cloud:
        response = urllib3.request("GET", f"{cloud.host}/openapi.json", retries=False)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == PACKAGED.doc


# -- schemas and models ----------------------------------------------------------------


@pytest.mark.parametrize("contract", contracts())
def test_every_schema_has_a_model_and_every_model_a_schema(contract: Contract) -> None:
    schemas = set(contract.schemas)
    # The official document has no update schemas: the update models stand for part of a
    # resource there (checked by test_update_model_is_the_changeable_part_of_its_resource).
    described = (set(SCHEMA_MODELS) - (UPDATE_SCHEMAS if contract.official else set())) | set(VALUE_SCHEMAS)
    assert not schemas - described, f"schemas without a model: {sorted(schemas - described)}"
    assert not described - schemas, f"models for schemas the document lacks: {sorted(described - schemas)}"
    mapped = {cls.__name__ for classes in SCHEMA_MODELS.values() for cls in classes} | MODELS_WITHOUT_SCHEMA
    exported = set(models.__all__)
    assert exported == mapped, (
        f"models without a schema: {sorted(exported - mapped)}; mapped but not exported: {sorted(mapped - exported)}"
    )
    for name in models.__all__:
        assert getattr(openapi_client, name) is getattr(models, name), f"openapi_client.{name} is not models.{name}"


@pytest.mark.parametrize("contract", contracts())
@pytest.mark.parametrize("schema_name", sorted(VALUE_SCHEMAS))
def test_value_schemas_keep_their_type(contract: Contract, schema_name: str) -> None:
    assert contract.schemas[schema_name]["type"] == VALUE_SCHEMAS[schema_name], schema_name
    assert "properties" not in contract.schemas[schema_name], f"{schema_name} became an object and needs a model"


def model_cases(contract: Contract) -> List[Any]:
    return [
        pytest.param(schema_name, model, id=f"{schema_name}-{model.__name__}")
        for schema_name, classes in SCHEMA_MODELS.items()
        if schema_name in contract.schemas
        for model in classes
    ]


@pytest.mark.parametrize(("contract", "schema_name", "model"), per_contract(model_cases))
def test_model_has_exactly_the_schema_properties(contract: Contract, schema_name: str, model: Type[ApiModel]) -> None:
    documented = set(contract.schemas[schema_name]["properties"])
    declared = set(fields_by_json_name(model))
    assert not documented - declared, f"{schema_name}: {model.__name__} lacks {sorted(documented - declared)}"
    extra = sorted(declared - documented)
    assert not extra, f"{schema_name}: {model.__name__} has undocumented {extra}"


@pytest.mark.parametrize("contract", contracts())
@pytest.mark.parametrize("model", sorted(UPDATE_MODELS, key=lambda m: m.__name__), ids=lambda m: m.__name__)
def test_update_model_is_the_changeable_part_of_its_resource(contract: Contract, model: Type[ApiModel]) -> None:
    resource, nested = UPDATE_MODELS[model]
    properties = contract.schemas[resource]["properties"]
    changeable = {prop for prop, value in properties.items() if not value.get("x-immutable")} | set(nested)
    fields = fields_by_json_name(model)
    assert set(fields) == changeable, (
        f"{model.__name__}: fields {sorted(fields)}, the changeable part of {resource} is {sorted(changeable)}"
    )
    for prop, update_model in nested.items():
        annotation, _ = strip_optional(fields[prop][1].annotation)
        assert annotation is update_model, f"{model.__name__}.{prop} is {annotation}, not {update_model.__name__}"


def property_cases(contract: Contract) -> List[Any]:
    return [
        pytest.param(schema_name, model, prop, id=f"{model.__name__}.{prop}")
        for schema_name, model in ((p.values[0], p.values[1]) for p in model_cases(contract))
        for prop in contract.schemas[schema_name]["properties"]
    ]


def model_field(model: Type[ApiModel], prop: str, schema_name: str) -> Tuple[str, FieldInfo]:
    fields = fields_by_json_name(model)
    assert prop in fields, f"{schema_name}.{prop}: {model.__name__} has no field with JSON name {prop!r}"
    return fields[prop]


@pytest.mark.parametrize(("contract", "schema_name", "model", "prop"), per_contract(property_cases))
def test_property_type(contract: Contract, schema_name: str, model: Type[ApiModel], prop: str) -> None:
    schema = contract.schemas[schema_name]["properties"][prop]
    _, info = model_field(model, prop, schema_name)
    where = f"{schema_name}.{prop} ({model.__name__})"
    annotation, allows_none = strip_optional(info.annotation)
    annotation = strip_annotated(annotation)
    if schema.get("nullable"):
        assert allows_none, f"{where}: nullable in the document but the model refuses null"
    assert_type_compatible(where, schema, annotation)


def assert_type_compatible(where: str, schema: Dict[str, Any], annotation: Any) -> None:
    target = referenced_schema(schema)
    if target is not None:
        assert stands_for(annotation, target), f"{where}: expected one of {models_for(target)}, got {annotation}"
        return
    if "oneOf" in schema:
        assert_one_of(where, schema, annotation)
        return
    kind = schema["type"]
    if kind == "array":
        assert typing.get_origin(annotation) in (list, List), f"{where}: array but model type is {annotation}"
        item = strip_annotated(typing.get_args(annotation)[0])
        assert_type_compatible(f"{where}[]", schema["items"], item)
    elif kind == "integer":
        assert annotation is int, f"{where}: integer but model type is {annotation}"
    elif kind == "string" and schema.get("format") == "date-time":
        assert annotation is datetime.datetime, f"{where}: date-time but model type is {annotation}"
    elif kind == "string" and schema.get("x-redact"):
        assert annotation is SecretStr, f"{where}: x-redact but the model keeps it as {annotation}, not a Secret"
    elif kind == "string" and typing.get_origin(annotation) is typing.Literal:
        assert set(typing.get_args(annotation)) == set(schema.get("enum", ())), (
            f"{where}: model allows {typing.get_args(annotation)}, document enum is {schema.get('enum')}"
        )
    elif kind == "string":
        assert annotation is str, f"{where}: string but model type is {annotation}"
    else:
        pytest.fail(f"{where}: the contract test does not know type {kind!r}")


def assert_one_of(where: str, schema: Dict[str, Any], annotation: Any) -> None:
    assert isinstance(annotation, type) and issubclass(annotation, ApiRootModel), (
        f"{where}: oneOf needs a root model wrapper, got {annotation}"
    )
    discriminator = schema["discriminator"]
    assert discriminator["propertyName"] == "kind", f"{where}: discriminator is {discriminator['propertyName']}"
    expected = {tag: SCHEMA_MODELS[ref_name(ref)][0] for tag, ref in discriminator["mapping"].items()}
    assert expected == KEY_KINDS, f"{where}: variants by kind {KEY_KINDS} != document mapping {expected}"
    variants = {ref_name(part["$ref"]) for part in schema["oneOf"]}
    assert variants == {ref_name(ref) for ref in discriminator["mapping"].values()}, where


@pytest.mark.parametrize(("contract", "schema_name", "model", "prop"), per_contract(property_cases))
def test_property_required_and_read_only(
    contract: Contract, schema_name: str, model: Type[ApiModel], prop: str
) -> None:
    schema_doc = contract.schemas[schema_name]
    schema = schema_doc["properties"][prop]
    name, info = model_field(model, prop, schema_name)
    where = f"{schema_name}.{prop} ({model.__name__}.{name})"

    read_only = contract.is_read_only(schema)
    assert (name in model.read_only_fields()) == read_only, (
        f"{where}: readOnly is {read_only} in the document but {not read_only} in the model"
    )

    documented_required = prop in schema_doc.get("required", ())
    must_require = documented_required and not (read_only and schema_name in contract.request_schemas())
    enum = schema.get("enum", ())
    if must_require and len(enum) == 1 and not info.is_required():
        # A one-value tag may default to its value, as long as it is always written out.
        assert info.default == enum[0], f"{where}: required tag defaults to {info.default!r}, not {enum[0]!r}"
        return
    assert info.is_required() == must_require, (
        f"{where}: {'required' if must_require else 'optional'} per the document, "
        f"{'required' if info.is_required() else 'optional'} in the model"
    )


@pytest.mark.parametrize(("contract", "schema_name", "model", "prop"), per_contract(property_cases))
def test_property_constraints(contract: Contract, schema_name: str, model: Type[ApiModel], prop: str) -> None:
    schema = contract.schemas[schema_name]["properties"][prop]
    name, info = model_field(model, prop, schema_name)
    assert constraints(info) == expected_constraints(schema), (
        f"{schema_name}.{prop} ({model.__name__}.{name}): model limits {constraints(info)}, "
        f"document limits {expected_constraints(schema)}"
    )


@pytest.mark.parametrize("variant", sorted(KEY_KINDS))
def test_key_variant_tag_is_always_written(variant: str) -> None:
    required = {
        prop: "x" for prop in PACKAGED.schemas[schema_of_model(KEY_KINDS[variant])]["required"] if prop != "kind"
    }
    payload = KEY_KINDS[variant](**required).to_dict()
    assert payload["kind"] == variant, f"{variant}: the discriminator is missing from {payload}"


def test_unknown_fields_are_kept_even_where_the_document_closes_the_schema() -> None:
    assert PACKAGED.schemas["Error"].get("additionalProperties") is False
    text = '{"errors":[{"detail":"d","error_code":40001,"message":null,"hint":"newer field"}]}'
    failure = models.Failure.from_json(text)
    assert failure.to_json() == text
    assert failure.errors[0].error_code == 40001 and failure.errors[0].message is None


# -- operations and API methods --------------------------------------------------------


def operation_cases(contract: Contract) -> List[Any]:
    return [pytest.param(path, method, op, id=op["operationId"]) for path, method, op in contract.operations()]


def api_class(op: Dict[str, Any]) -> type:
    (tag,) = op["tags"]
    assert tag in API_CLASSES, f"{op['operationId']}: no API class for tag {tag!r}"
    return API_CLASSES[tag]


def operation_object(op: Dict[str, Any]) -> Operation:
    constant = snake(op["operationId"]).upper()
    value = getattr(descriptions, constant, None)
    assert isinstance(value, Operation), f"{op['operationId']}: openapi_client._descriptions.{constant} missing"
    described = next(api for api in descriptions.API_DESCRIPTIONS if value in api.operations)
    assert described.class_name == api_class(op).__name__, f"{op['operationId']}: described in {described.class_name}"
    return value


def request_body(op: Dict[str, Any]) -> Optional[Tuple[Dict[str, Any], bool]]:
    if "requestBody" not in op:
        return None
    content = op["requestBody"]["content"]
    assert list(content) == ["application/json"], f"{op['operationId']}: request media types {list(content)}"
    schema = content["application/json"]["schema"]
    # A body whose schema requires fields (spec.owner, key) cannot be left out, though the
    # official document does not mark it required.
    must_have_fields = any(part.get("required") for part in schema.get("allOf", []) if "$ref" not in part)
    return schema, bool(op["requestBody"].get("required", must_have_fields))


def body_model(method: str, schema: Dict[str, Any]) -> Type[ApiModel]:
    """The model the SDK sends for a request body schema: on PATCH, the update model of the
    resource the official document names (the packaged one names the update schema)."""
    target = referenced_schema(schema)
    assert target is not None
    if method == "patch" and target not in UPDATE_SCHEMAS:
        (update,) = [m for m, (resource, _) in UPDATE_MODELS.items() if resource == target]
        return update
    return SCHEMA_MODELS[target][0]


def required_paths(overlay: Dict[str, Any], prefix: Tuple[str, ...] = ()) -> Set[Tuple[str, ...]]:
    """The deepest required field paths an allOf branch adds (``spec`` then ``owner``)."""
    found: Set[Tuple[str, ...]] = set()
    nested = overlay.get("properties", {})
    for name in overlay.get("required", ()):
        if name in nested and nested[name].get("required"):
            found |= required_paths(nested[name], (*prefix, name))
        else:
            found.add((*prefix, name))
    return found


@pytest.mark.parametrize(("contract", "path", "method", "op"), per_contract(operation_cases))
def test_operation_has_its_three_methods(contract: Contract, path: str, method: str, op: Dict[str, Any]) -> None:
    cls = api_class(op)
    base = snake(op["operationId"])
    for suffix in ("", "_with_http_info", "_without_preload_content"):
        where = f"{op['operationId']}: {cls.__name__}.{base}{suffix}"
        assert callable(getattr(cls, base + suffix, None)), f"{where} missing"


@pytest.mark.parametrize(("contract", "path", "method", "op"), per_contract(operation_cases))
def test_method_parameters_match(contract: Contract, path: str, method: str, op: Dict[str, Any]) -> None:
    cls = api_class(op)
    base = snake(op["operationId"])
    expected: Dict[str, bool] = {python_param_name(p["name"]): p["required"] for p in op.get("parameters", [])}
    body = request_body(op)
    if body is not None:
        expected[snake(body_model(method, body[0]).__name__)] = body[1]
    for suffix in ("", "_with_http_info", "_without_preload_content"):
        signature = inspect.signature(getattr(cls, base + suffix))
        declared = {
            name: param.default is inspect.Parameter.empty
            for name, param in signature.parameters.items()
            if name != "self" and param.kind is not inspect.Parameter.VAR_KEYWORD
        }
        where = f"{op['operationId']} -> {cls.__name__}.{base}{suffix}"
        missing, extra = sorted(set(expected) - set(declared)), sorted(set(declared) - set(expected))
        assert not missing, f"{where}: missing parameter(s) {missing}"
        assert not extra, f"{where}: undocumented parameter(s) {extra}"
        for name, required in expected.items():
            assert declared[name] == required, (
                f"{where}: parameter {name} required={declared[name]}, document says {required}"
            )


def assert_param(contract: Contract, where: str, param: Param, spec: Dict[str, Any]) -> None:
    schema = spec["schema"]
    if "$ref" in schema:
        schema = contract.schemas[ref_name(schema["$ref"])]
    assert param.name == python_param_name(spec["name"]), f"{where}: Python name {param.name}"
    expected_type = {"string": str, "integer": int}[schema["type"]]
    assert param.type is expected_type, f"{where}: type {param.type.__name__}, document says {schema['type']}"
    limits = {
        "minLength": param.min_length,
        "maxLength": param.max_length,
        "minimum": param.minimum,
        "maximum": param.maximum,
    }
    for key, value in limits.items():
        documented = schema.get(key)
        if contract.official and documented is None:
            documented = STRICTER_THAN_OFFICIAL.get((spec["name"], key))
        assert value == documented, f"{where}: {key} is {value} in the SDK, {documented} in the document"


@pytest.mark.parametrize(("contract", "path", "method", "op"), per_contract(operation_cases))
def test_operation_object_matches(contract: Contract, path: str, method: str, op: Dict[str, Any]) -> None:
    operation = operation_object(op)
    where = op["operationId"]
    assert operation.method == method.upper(), f"{where}: method {operation.method}, document says {method.upper()}"
    assert operation.path == path, f"{where}: path {operation.path}, document says {path}"

    documented = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
    declared = {("path", p.wire_name): p for p in operation.path_params}
    declared.update({("query", p.wire_name): p for p in operation.query_params})
    assert set(declared) == set(documented), (
        f"{where}: parameters {sorted(declared)} in the SDK, {sorted(documented)} in the document"
    )
    for key, param in declared.items():
        assert_param(contract, f"{where} parameter {key[1]!r}", param, documented[key])

    schemes = tuple(name for requirement in op["security"] for name in requirement)
    assert operation.auth == schemes, f"{where}: auth {operation.auth}, document says {schemes}"


@pytest.mark.parametrize(("contract", "path", "method", "op"), per_contract(operation_cases))
def test_operation_responses_match(contract: Contract, path: str, method: str, op: Dict[str, Any]) -> None:
    operation = operation_object(op)
    where = op["operationId"]
    successes = {status: response for status, response in op["responses"].items() if status.startswith("2")}
    assert set(operation.responses) == set(successes), (
        f"{where}: success statuses {sorted(operation.responses)} in the SDK, {sorted(successes)} in the document"
    )
    for status, response in successes.items():
        content = response.get("content")
        model = operation.responses[status]
        if content is None:
            assert model is None, f"{where} {status}: no body documented, SDK decodes {model}"
            continue
        target = referenced_schema(content["application/json"]["schema"])
        assert target is not None, f"{where} {status}: response schema names no component"
        assert stands_for(model, target), f"{where} {status}: SDK decodes {model}, document says {target}"
    for status, response in op["responses"].items():
        assert REQUEST_ID_HEADER in response.get("headers", {}), f"{where} {status}: no {REQUEST_ID_HEADER} header"


@pytest.mark.parametrize(("contract", "path", "method", "op"), per_contract(operation_cases))
def test_operation_request_body_matches(contract: Contract, path: str, method: str, op: Dict[str, Any]) -> None:
    operation = operation_object(op)
    where = op["operationId"]
    body = request_body(op)
    if body is None:
        assert operation.body is None, f"{where}: the SDK sends a body the document does not describe"
        return
    schema, required = body
    assert operation.body is not None, f"{where}: the document describes a body the SDK never sends"
    expected_model = body_model(method, schema)
    assert operation.body.model is expected_model, (
        f"{where}: body model {operation.body.model}, expected {expected_model}"
    )
    assert operation.body.name == snake(expected_model.__name__), f"{where}: body parameter {operation.body.name}"
    assert operation.body.optional == (not required), f"{where}: body optional={operation.body.optional}"
    overlays = [part for part in schema.get("allOf", []) if "$ref" not in part]
    expected_paths = set().union(*(required_paths(part) for part in overlays)) if overlays else set()
    # A required oneOf field is only usable with its discriminator: the path goes on to it.
    target = referenced_schema(schema)
    assert target is not None
    properties = contract.schemas[target].get("properties", {})
    expected_paths = {
        (*path, properties[path[0]]["discriminator"]["propertyName"])
        if len(path) == 1 and "discriminator" in properties.get(path[0], {})
        else path
        for path in expected_paths
    }
    assert set(operation.required_body_fields) == expected_paths, (
        f"{where}: SDK requires body fields {sorted(operation.required_body_fields)}, document {sorted(expected_paths)}"
    )


@pytest.mark.parametrize("contract", contracts())
def test_every_operation_method_is_documented(contract: Contract) -> None:
    documented = {(api_class(op), snake(op["operationId"])) for _, _, op in contract.operations()}
    helper_prefixes = ("iter_", "wait_for_")
    for cls in API_CLASSES.values():
        for name, member in vars(cls).items():
            if name.startswith("_") or not callable(member) or name.startswith(helper_prefixes):
                continue
            base = re.sub(r"_(with_http_info|without_preload_content)$", "", name)
            assert (cls, base) in documented, f"{cls.__name__}.{name} is not an operation of the document"


# -- security schemes -------------------------------------------------------------------


@pytest.mark.parametrize("contract", contracts())
def test_configuration_satisfies_every_security_scheme(contract: Contract) -> None:
    schemes = contract.doc["components"]["securitySchemes"]
    providers = [CloudApiKey("key", "secret"), GlobalApiKey("global", "secret"), BearerToken("token")]
    settings = Configuration(credentials=providers).auth_settings()
    assert set(settings) == set(schemes), f"SDK auth settings {sorted(settings)}, document {sorted(schemes)}"
    for name, scheme in schemes.items():
        value = settings[name]["value"]
        if scheme["type"] == "http":
            assert scheme["scheme"] == "basic" and value.startswith("Basic "), name
        else:
            assert scheme["type"] == "oauth2" and value == "Bearer token", name
    used = {name for _, _, op in contract.operations() for requirement in op["security"] for name in requirement}
    assert used == set(schemes), f"security schemes no operation uses: {sorted(set(schemes) - used)}"
