"""Contract tests: the SDK's models and operations agree with openapi_client/openapi.json.

Everything checked here is read from the document, so a schema, property, parameter or
response added, removed or changed on either side fails with a message that names it.

Required-ness follows one rule: a property is required in the model when the document
requires it, except a read-only property of a schema that also appears in request bodies
(``ObjectReference.related``, ``ObjectMeta.self``): the client never sends those, so the
model may not insist on them. Response-only schemas (the lists, ``Failure``) keep every
required field required.
"""

from __future__ import annotations

import datetime
import inspect
import json
import re
import typing
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Set, Tuple, Type

import annotated_types
import pytest
import urllib3
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

import openapi_client
from openapi_client import Configuration, models
from openapi_client.api import byok_keys_api, iam_api_keys_api
from openapi_client.api.byok_keys_api import ByokKeysApi
from openapi_client.api.iam_api_keys_api import IamApiKeysApi
from openapi_client.exceptions import REQUEST_ID_HEADER
from openapi_client.models._base import ApiModel, ApiRootModel
from openapi_client.models.byok_v1_key_key import KEY_KINDS
from openapi_client.operation import Operation, Param
from openapi_client.testing import FakeConfluentCloud

DOCUMENT_PATH = Path(openapi_client.__file__).parent / "openapi.json"
DOC: Dict[str, Any] = json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))
SCHEMAS: Dict[str, Dict[str, Any]] = DOC["components"]["schemas"]
REF_PREFIX = "#/components/schemas/"

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
    "ObjectReference": (models.ObjectReference,),
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
# Schemas that are plain values, not objects, and so have no model.
VALUE_SCHEMAS = {"SearchFilter": "string"}
# Models that exist for the SDK's own reasons: the oneOf wrapper and its catch-all variant.
MODELS_WITHOUT_SCHEMA = {"ByokV1KeyKey", "ByokV1UnknownKey"}

API_CLASSES = {"API Keys (iam/v2)": IamApiKeysApi, "Keys (byok/v1)": ByokKeysApi}
API_MODULES = {IamApiKeysApi: iam_api_keys_api, ByokKeysApi: byok_keys_api}
OPERATION_CONSTANTS = {"list": "LIST", "create": "CREATE", "get": "GET", "update": "UPDATE", "delete": "DELETE"}

INT32 = (-(2**31), 2**31 - 1)


# -- reading the document --------------------------------------------------------------


def ref_name(ref: str) -> str:
    assert ref.startswith(REF_PREFIX), ref
    return ref[len(REF_PREFIX) :]


def referenced_schema(schema: Dict[str, Any]) -> Optional[str]:
    """The schema a property names through ``$ref`` or a one-item ``allOf``, if any."""
    if "$ref" in schema:
        return ref_name(schema["$ref"])
    refs = [part["$ref"] for part in schema.get("allOf", []) if "$ref" in part]
    return ref_name(refs[0]) if refs else None


def is_read_only(schema: Dict[str, Any]) -> bool:
    """Read-only itself, or a reference to a schema that is read-only as a whole (ObjectMeta)."""
    target = referenced_schema(schema)
    return bool(schema.get("readOnly") or (target is not None and SCHEMAS[target].get("readOnly")))


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


def reachable(roots: Iterator[str]) -> Set[str]:
    seen: Set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(iter_refs(SCHEMAS[name]))
    return seen


def operations() -> Iterator[Tuple[str, str, Dict[str, Any]]]:
    for path, item in DOC["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


REQUEST_SCHEMAS = reachable(
    name
    for _, _, op in operations()
    for media in op.get("requestBody", {}).get("content", {}).values()
    for name in iter_refs(media["schema"])
)


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


# -- the document itself ---------------------------------------------------------------


def test_document_is_openapi_3_0_with_resolvable_references() -> None:
    assert DOC["openapi"].startswith("3.0."), DOC["openapi"]
    dangling = sorted({name for name in iter_refs(DOC) if name not in SCHEMAS})
    assert not dangling, f"references to missing schemas: {dangling}"
    assert [server["url"] for server in DOC["servers"]] == [Configuration().host], "default host drifted"
    ids = [op["operationId"] for _, _, op in operations()]
    assert len(ids) == len(set(ids)) == 10, f"operation ids: {ids}"
    for path, method, op in operations():
        templated = set(re.findall(r"{(\w+)}", path))
        in_path = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert templated == in_path, f"{method.upper()} {path}: path parameters {in_path}, template {templated}"


def test_the_emulator_serves_the_packaged_document() -> None:
    with FakeConfluentCloud() as cloud:
        response = urllib3.request("GET", f"{cloud.host}/openapi.json", retries=False)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == DOC


# -- schemas and models ----------------------------------------------------------------


def test_every_schema_has_a_model_and_every_model_a_schema() -> None:
    described = set(SCHEMA_MODELS) | set(VALUE_SCHEMAS)
    assert not set(SCHEMAS) - described, f"schemas without a model: {sorted(set(SCHEMAS) - described)}"
    assert not described - set(SCHEMAS), f"models for schemas the document lacks: {sorted(described - set(SCHEMAS))}"
    mapped = {cls.__name__ for classes in SCHEMA_MODELS.values() for cls in classes} | MODELS_WITHOUT_SCHEMA
    exported = set(models.__all__)
    assert exported == mapped, (
        f"models without a schema: {sorted(exported - mapped)}; mapped but not exported: {sorted(mapped - exported)}"
    )
    for name in models.__all__:
        assert getattr(openapi_client, name) is getattr(models, name), f"openapi_client.{name} is not models.{name}"


@pytest.mark.parametrize("schema_name", sorted(VALUE_SCHEMAS))
def test_value_schemas_keep_their_type(schema_name: str) -> None:
    assert SCHEMAS[schema_name]["type"] == VALUE_SCHEMAS[schema_name], schema_name
    assert "properties" not in SCHEMAS[schema_name], f"{schema_name} became an object and needs a model"


MODEL_CASES = [
    pytest.param(schema_name, model, id=f"{schema_name}-{model.__name__}")
    for schema_name, classes in SCHEMA_MODELS.items()
    for model in classes
]


@pytest.mark.parametrize(("schema_name", "model"), MODEL_CASES)
def test_model_has_exactly_the_schema_properties(schema_name: str, model: Type[ApiModel]) -> None:
    documented = set(SCHEMAS[schema_name]["properties"])
    declared = set(fields_by_json_name(model))
    assert not documented - declared, f"{schema_name}: {model.__name__} lacks {sorted(documented - declared)}"
    extra = sorted(declared - documented)
    assert not extra, f"{schema_name}: {model.__name__} has undocumented {extra}"


def property_cases() -> List[Any]:
    return [
        pytest.param(schema_name, model, prop, id=f"{model.__name__}.{prop}")
        for schema_name, model in ((p.values[0], p.values[1]) for p in MODEL_CASES)
        for prop in SCHEMAS[schema_name]["properties"]
    ]


def model_field(model: Type[ApiModel], prop: str, schema_name: str) -> Tuple[str, FieldInfo]:
    fields = fields_by_json_name(model)
    assert prop in fields, f"{schema_name}.{prop}: {model.__name__} has no field with JSON name {prop!r}"
    return fields[prop]


@pytest.mark.parametrize(("schema_name", "model", "prop"), property_cases())
def test_property_type(schema_name: str, model: Type[ApiModel], prop: str) -> None:
    schema = SCHEMAS[schema_name]["properties"][prop]
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


@pytest.mark.parametrize(("schema_name", "model", "prop"), property_cases())
def test_property_required_and_read_only(schema_name: str, model: Type[ApiModel], prop: str) -> None:
    schema_doc = SCHEMAS[schema_name]
    schema = schema_doc["properties"][prop]
    name, info = model_field(model, prop, schema_name)
    where = f"{schema_name}.{prop} ({model.__name__}.{name})"

    read_only = is_read_only(schema)
    assert (name in model.read_only_fields()) == read_only, (
        f"{where}: readOnly is {read_only} in the document but {not read_only} in the model"
    )

    documented_required = prop in schema_doc.get("required", ())
    must_require = documented_required and not (read_only and schema_name in REQUEST_SCHEMAS)
    enum = schema.get("enum", ())
    if must_require and len(enum) == 1 and not info.is_required():
        # A one-value tag may default to its value, as long as it is always written out.
        assert info.default == enum[0], f"{where}: required tag defaults to {info.default!r}, not {enum[0]!r}"
        return
    assert info.is_required() == must_require, (
        f"{where}: {'required' if must_require else 'optional'} per the document, "
        f"{'required' if info.is_required() else 'optional'} in the model"
    )


@pytest.mark.parametrize(("schema_name", "model", "prop"), property_cases())
def test_property_constraints(schema_name: str, model: Type[ApiModel], prop: str) -> None:
    schema = SCHEMAS[schema_name]["properties"][prop]
    name, info = model_field(model, prop, schema_name)
    assert constraints(info) == expected_constraints(schema), (
        f"{schema_name}.{prop} ({model.__name__}.{name}): model limits {constraints(info)}, "
        f"document limits {expected_constraints(schema)}"
    )


@pytest.mark.parametrize("variant", sorted(KEY_KINDS))
def test_key_variant_tag_is_always_written(variant: str) -> None:
    required = {
        prop: "x" for prop in SCHEMAS[schema_of_model(KEY_KINDS[variant])]["required"] if prop != "kind"
    }
    payload = KEY_KINDS[variant](**required).to_dict()
    assert payload["kind"] == variant, f"{variant}: the discriminator is missing from {payload}"


# -- operations and API methods --------------------------------------------------------


def operation_cases() -> List[Any]:
    return [pytest.param(path, method, op, id=op["operationId"]) for path, method, op in operations()]


def api_class(op: Dict[str, Any]) -> type:
    (tag,) = op["tags"]
    assert tag in API_CLASSES, f"{op['operationId']}: no API class for tag {tag!r}"
    return API_CLASSES[tag]


def operation_object(op: Dict[str, Any]) -> Operation:
    cls = api_class(op)
    verb = snake(op["operationId"]).split("_", 1)[0]
    constant = OPERATION_CONSTANTS[verb]
    value = getattr(API_MODULES[cls], constant, None)
    assert isinstance(value, Operation), f"{op['operationId']}: {API_MODULES[cls].__name__}.{constant} missing"
    return value


def request_body(op: Dict[str, Any]) -> Optional[Tuple[Dict[str, Any], bool]]:
    if "requestBody" not in op:
        return None
    content = op["requestBody"]["content"]
    assert list(content) == ["application/json"], f"{op['operationId']}: request media types {list(content)}"
    return content["application/json"]["schema"], bool(op["requestBody"].get("required"))


def body_param_name(schema: Dict[str, Any]) -> str:
    target = referenced_schema(schema)
    assert target is not None
    return snake(SCHEMA_MODELS[target][0].__name__)


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


@pytest.mark.parametrize(("path", "method", "op"), operation_cases())
def test_operation_has_its_three_methods(path: str, method: str, op: Dict[str, Any]) -> None:
    cls = api_class(op)
    base = snake(op["operationId"])
    for suffix in ("", "_with_http_info", "_without_preload_content"):
        where = f"{op['operationId']}: {cls.__name__}.{base}{suffix}"
        assert callable(getattr(cls, base + suffix, None)), f"{where} missing"


@pytest.mark.parametrize(("path", "method", "op"), operation_cases())
def test_method_parameters_match(path: str, method: str, op: Dict[str, Any]) -> None:
    cls = api_class(op)
    base = snake(op["operationId"])
    expected: Dict[str, bool] = {python_param_name(p["name"]): p["required"] for p in op.get("parameters", [])}
    body = request_body(op)
    if body is not None:
        expected[body_param_name(body[0])] = body[1]
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


def assert_param(where: str, param: Param, spec: Dict[str, Any]) -> None:
    schema = spec["schema"]
    if "$ref" in schema:
        schema = SCHEMAS[ref_name(schema["$ref"])]
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
        assert value == schema.get(key), f"{where}: {key} is {value} in the SDK, {schema.get(key)} in the document"


@pytest.mark.parametrize(("path", "method", "op"), operation_cases())
def test_operation_object_matches(path: str, method: str, op: Dict[str, Any]) -> None:
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
        assert_param(f"{where} parameter {key[1]!r}", param, documented[key])

    schemes = tuple(name for requirement in op["security"] for name in requirement)
    assert operation.auth == schemes, f"{where}: auth {operation.auth}, document says {schemes}"


@pytest.mark.parametrize(("path", "method", "op"), operation_cases())
def test_operation_responses_match(path: str, method: str, op: Dict[str, Any]) -> None:
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


@pytest.mark.parametrize(("path", "method", "op"), operation_cases())
def test_operation_request_body_matches(path: str, method: str, op: Dict[str, Any]) -> None:
    operation = operation_object(op)
    where = op["operationId"]
    body = request_body(op)
    if body is None:
        assert operation.body is None, f"{where}: the SDK sends a body the document does not describe"
        return
    schema, required = body
    assert operation.body is not None, f"{where}: the document describes a body the SDK never sends"
    target = referenced_schema(schema)
    assert target is not None
    assert operation.body.model in models_for(target), f"{where}: body model {operation.body.model}, document {target}"
    assert operation.body.name == body_param_name(schema), f"{where}: body parameter {operation.body.name}"
    assert operation.body.optional == (not required), f"{where}: body optional={operation.body.optional}"
    overlays = [part for part in schema.get("allOf", []) if "$ref" not in part]
    expected_paths = set().union(*(required_paths(part) for part in overlays)) if overlays else set()
    # A required oneOf field is only usable with its discriminator: the path goes on to it.
    properties = SCHEMAS[target].get("properties", {})
    expected_paths = {
        (*path, properties[path[0]]["discriminator"]["propertyName"])
        if len(path) == 1 and "discriminator" in properties.get(path[0], {})
        else path
        for path in expected_paths
    }
    assert set(operation.required_body_fields) == expected_paths, (
        f"{where}: SDK requires body fields {sorted(operation.required_body_fields)}, document {sorted(expected_paths)}"
    )


def test_every_operation_method_is_documented() -> None:
    documented = {(api_class(op), snake(op["operationId"])) for _, _, op in operations()}
    helper_prefixes = ("iter_", "wait_for_")
    for cls in API_CLASSES.values():
        for name, member in vars(cls).items():
            if name.startswith("_") or not callable(member) or name.startswith(helper_prefixes):
                continue
            base = re.sub(r"_(with_http_info|without_preload_content)$", "", name)
            assert (cls, base) in documented, f"{cls.__name__}.{name} is not an operation of the document"


# -- security schemes -------------------------------------------------------------------


def test_configuration_satisfies_every_security_scheme() -> None:
    schemes = DOC["components"]["securitySchemes"]
    settings = Configuration(username="key", password="secret", access_token="token").auth_settings()
    assert set(settings) == set(schemes), f"SDK auth settings {sorted(settings)}, document {sorted(schemes)}"
    for name, scheme in schemes.items():
        value = settings[name]["value"]
        if scheme["type"] == "http":
            assert scheme["scheme"] == "basic" and value.startswith("Basic "), name
        else:
            assert scheme["type"] == "oauth2" and value == "Bearer token", name
    used = {name for _, _, op in operations() for requirement in op["security"] for name in requirement}
    assert used == set(schemes), f"security schemes no operation uses: {sorted(set(schemes) - used)}"
