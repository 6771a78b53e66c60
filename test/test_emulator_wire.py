"""The emulator reads the contract on its own: its wire facts match the official document,
it imports none of the SDK's models or API modules, and it reads requests the lenient way
the service does (so clients made by other generators work against it)."""

from __future__ import annotations

import ast
import base64
import copy
import functools
import json
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
import urllib3
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples

import openapi_client.testing
from openapi_client.testing import FakeConfluentCloud, _wire
from openapi_client.testing._errors import EmulatorError

TESTING_PACKAGE = Path(openapi_client.testing.__file__).parent
# The official document the repository carries (spec/README.md).
OFFICIAL_PATH = Path(__file__).resolve().parent.parent / "spec" / "confluent-cloud-official-iam-byok.openapi.yaml"

# Where the emulator may touch the rest of the SDK: the convenience constructors, and the
# command line, which prints the SDK's environment variable names.
ALLOWED_SDK_IMPORTS = {
    ("emulator.py", "configuration", "openapi_client.configuration"),
    ("emulator.py", "api_client", "openapi_client.api_client"),
    ("emulator.py", "oauth_configuration", "openapi_client.configuration"),
    ("emulator.py", "oauth_configuration", "openapi_client.credentials"),
    ("__main__.py", None, "openapi_client.configuration"),
}


def sdk_imports(path: Path) -> List[Tuple[Optional[str], str]]:
    """(enclosing function or None, module) for every run-time import of an SDK module outside testing/."""
    found: List[Tuple[Optional[str], str]] = []

    def visit(node: ast.AST, function: Optional[str]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and ast.unparse(child.test) == "TYPE_CHECKING":
                continue  # imports for annotations only: nothing is loaded at run time
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, child.name)
                continue
            modules: List[str] = []
            if isinstance(child, ast.Import):
                modules = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.module is not None:
                modules = [child.module] if child.level == 0 else []
                if child.module == "openapi_client":
                    modules = [f"openapi_client.{alias.name}" for alias in child.names]
            for module in modules:
                top = module.split(".")[0]
                if top == "openapi_client" and not module.startswith("openapi_client.testing"):
                    found.append((function, module))
            visit(child, function)

    visit(ast.parse(path.read_text(encoding="utf-8")), None)
    return found


def test_the_emulator_imports_no_sdk_model_or_api_module() -> None:
    offending = []
    for path in sorted(TESTING_PACKAGE.glob("*.py")):
        for function, module in sdk_imports(path):
            if (path.name, function, module) not in ALLOWED_SDK_IMPORTS:
                offending.append(f"{path.name}: {module} (in {function or 'module scope'})")
    assert offending == []


def test_the_import_check_sees_what_it_must_refuse(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import openapi_client\n"
        "from openapi_client.models.failure import Failure\n"
        "from openapi_client import api_client\n"
        "from openapi_client.testing._wire import read_body\n"
        "def configuration():\n    from openapi_client.api.iam_api_keys_api import IamApiKeysApi\n"
        "if TYPE_CHECKING:\n    from openapi_client.configuration import Configuration\n"
    )
    assert sdk_imports(sample) == [
        (None, "openapi_client"),
        (None, "openapi_client.models.failure"),
        (None, "openapi_client.api_client"),
        ("configuration", "openapi_client.api.iam_api_keys_api"),
    ]


# -- the wire facts against the official document ------------------------------------------------


@functools.cache
def parsed_official_document() -> Dict[str, Any]:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(OFFICIAL_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def official_document() -> Dict[str, Any]:
    """A fresh copy of the official document: parsing the YAML once per worker costs ~0.2 s of CPU."""
    return copy.deepcopy(parsed_official_document())


KEPT = {
    "type", "required", "enum", "minLength", "maxLength", "format", "nullable", "readOnly",
    "x-extensible-enum", "additionalProperties", "minimum",
}  # fmt: skip


def resolve(document: Dict[str, Any], schema: Dict[str, Any]) -> Dict[str, Any]:
    """``schema`` with $ref followed and allOf merged (required lists joined, properties merged)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return resolve(document, document["components"]["schemas"][name])
    merged: Dict[str, Any] = {}
    for part in [*(resolve(document, p) for p in schema.get("allOf", [])), {k: v for k, v in schema.items()}]:
        for key, value in part.items():
            if key == "allOf":
                continue
            if key == "required":
                merged["required"] = sorted({*merged.get("required", []), *value})
            elif key == "properties":
                properties = merged.setdefault("properties", {})
                for name, sub in value.items():
                    properties[name] = resolve(
                        document, {"allOf": [properties[name], sub]} if name in properties else sub
                    )
            else:
                merged[key] = value
    return merged


def project(document: Dict[str, Any], schema: Dict[str, Any]) -> Dict[str, Any]:
    """The facts the emulator keeps of a resolved schema, in the form of _wire's tables."""
    schema = resolve(document, schema)
    if "discriminator" in schema:
        mapping = schema["discriminator"]["mapping"]
        return {
            "type": "object",
            "discriminator": schema["discriminator"]["propertyName"],
            "oneOf": {tag: project(document, {"$ref": ref}) for tag, ref in mapping.items()},
        }
    projected = {key: value for key, value in schema.items() if key in KEPT}
    if "properties" in schema:
        projected.setdefault("type", "object")
        projected["properties"] = {name: project(document, sub) for name, sub in schema["properties"].items()}
    if "items" in schema:
        projected["items"] = project(document, schema["items"])
    return projected


def normalized(schema: Dict[str, Any]) -> Dict[str, Any]:
    """A _wire schema with its required lists sorted (the order carries no meaning)."""
    result = copy.deepcopy(schema)
    if "required" in result:
        result["required"] = sorted(result["required"])
    for name, sub in result.get("properties", {}).items():
        result["properties"][name] = normalized(sub)
    if "items" in result:
        result["items"] = normalized(result["items"])
    if "oneOf" in result:
        result["oneOf"] = {tag: normalized(sub) for tag, sub in result["oneOf"].items()}
    return result


@pytest.mark.parametrize("name", sorted(_wire.COMPONENTS))
def test_each_schema_the_emulator_knows_is_the_documents(name: str) -> None:
    document = official_document()
    official = project(document, {"$ref": f"#/components/schemas/{name}"})
    assert normalized(_wire.COMPONENTS[name]) == official


@pytest.mark.parametrize(("method", "template"), sorted(_wire.OPERATIONS))
def test_each_operation_has_the_documents_id_security_and_body(method: str, template: str) -> None:
    document = official_document()
    official = document["paths"][template][method.lower()]
    ours = _wire.OPERATIONS[(method, template)]

    assert ours.operation_id == official["operationId"]
    assert ours.security == tuple(name for entry in official["security"] for name in entry)
    if "requestBody" in official:
        assert ours.body is not None
        body = official["requestBody"]["content"]["application/json"]["schema"]
        assert normalized(ours.body) == project(document, body)
    else:
        assert ours.body is None


@pytest.mark.parametrize(
    ("path", "filters"), [("/iam/v2/api-keys", _wire.API_KEY_FILTERS), ("/byok/v1/keys", _wire.BYOK_FILTERS)]
)
def test_list_parameters_are_the_documents(path: str, filters: Tuple[str, ...]) -> None:
    parameters = {p["name"]: p["schema"] for p in official_document()["paths"][path]["get"]["parameters"]}

    assert set(parameters) - {"page_size", "page_token"} == set(filters)
    assert parameters["page_size"]["default"] == _wire.DEFAULT_PAGE_SIZE
    assert parameters["page_size"]["maximum"] == _wire.MAX_PAGE_SIZE
    assert parameters["page_token"]["maxLength"] == _wire.MAX_PAGE_TOKEN_LENGTH


# -- answers conform to the document (a small validator over the projected schemas) --------------


def problems(value: Any, schema: Dict[str, Any], where: str = "") -> List[str]:
    if value is None:
        return [] if schema.get("nullable") else [f"{where or '/'} is null"]
    if "discriminator" in schema:
        variant = schema["oneOf"].get(value.get(schema["discriminator"]))
        return problems(value, variant, where) if variant else [f"{where} has an unknown kind"]
    kind = schema.get("type")
    checks = {"object": dict, "array": list, "string": str, "integer": int}
    if kind in checks and not isinstance(value, checks[kind]):
        return [f"{where} is not a {kind}"]
    found: List[str] = []
    if kind == "object":
        properties = schema.get("properties", {})
        found += [f"{where}/{name} is missing" for name in schema.get("required", []) if name not in value]
        if schema.get("additionalProperties") is False:
            found += [f"{where}/{name} is not allowed" for name in value if name not in properties]
        for name, item in value.items():
            if name in properties:
                found += problems(item, properties[name], f"{where}/{name}")
    elif kind == "array":
        for index, item in enumerate(value):
            found += problems(item, schema["items"], f"{where}/{index}")
    elif kind == "string":
        if "enum" in schema and value not in schema["enum"]:
            found.append(f"{where}={value!r} is not in {schema['enum']}")
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", len(value)):
            found.append(f"{where} has a length outside the document's bounds")
    return found


def response_schema(document: Dict[str, Any], path: str, method: str, status: int) -> Dict[str, Any]:
    answer = document["paths"][path][method]["responses"][str(status)]
    if "$ref" in answer:
        answer = document["components"]["responses"][answer["$ref"].rsplit("/", 1)[-1]]
    return project(document, answer["content"]["application/json"]["schema"])


def basic(key: str, secret: str) -> Dict[str, str]:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "Content-Type": "application/json"}


def test_every_kind_of_answer_validates_against_the_official_document(cloud: FakeConfluentCloud) -> None:
    document = official_document()
    auth = basic(cloud.api_key, cloud.api_secret)

    def call(method: str, path: str, body: Any = None) -> Tuple[int, Any]:
        encoded = json.dumps(body).encode() if body is not None else None
        response = urllib3.request(method, cloud.host + path, body=encoded, headers=auth, retries=False)
        return response.status, (json.loads(response.data) if response.data else None)

    checked: List[Tuple[str, str, int, Any]] = []
    for resource in ["lkc-1", "lsrc-2", "lksqlc-3", "env-abc123.aws.us-east-2", "CLOUD", "tableflow", "Global", None]:
        spec: Dict[str, Any] = {"owner": {"id": "sa-1"}, "display_name": f"k {resource}"}
        if resource is not None:
            spec["resource"] = {"id": resource, "environment": "env-abc123"}
        status, created = call("POST", "/iam/v2/api-keys", {"spec": spec})
        checked.append(("/iam/v2/api-keys", "post", status, created))
        status, fetched = call("GET", f"/iam/v2/api-keys/{created['id']}")
        checked.append(("/iam/v2/api-keys/{id}", "get", status, fetched))
    checked.append(("/iam/v2/api-keys", "get", *call("GET", "/iam/v2/api-keys?page_size=3")))
    checked.append(("/iam/v2/api-keys/{id}", "patch", *call("PATCH", f"/iam/v2/api-keys/{created['id']}", {})))
    checked.append(("/iam/v2/api-keys/{id}", "get", *call("GET", "/iam/v2/api-keys/NOPE")))
    checked.append(("/iam/v2/api-keys", "post", *call("POST", "/iam/v2/api-keys", {"spec": {}})))
    for key in [
        {"kind": "AwsKey", "key_arn": "arn:aws:kms:us-west-2:111122223333:key/k"},
        {"kind": "AzureKey", "key_id": "https://v.vault.azure.net/keys/k", "key_vault_id": "/v", "tenant_id": "t"},
        {"kind": "GcpKey", "key_id": "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k"},
    ]:
        status, registered = call("POST", "/byok/v1/keys", {"key": key})
        checked.append(("/byok/v1/keys", "post", status, registered))
        checked.append(("/byok/v1/keys/{id}", "get", *call("GET", f"/byok/v1/keys/{registered['id']}")))
    checked.append(("/byok/v1/keys", "get", *call("GET", "/byok/v1/keys?page_size=2")))
    checked.append(("/byok/v1/keys", "get", *call("GET", "/byok/v1/keys?num_doors=4")))

    assert {status for _, _, status, _ in checked} == {200, 201, 202, 400, 404, 422}
    for path, method, status, body in checked:
        assert problems(body, response_schema(document, path, method, status)) == [], (path, method, status)


# -- leniency: requests shaped like other generators' ---------------------------------------------


def test_requests_with_explicit_nulls_and_echoed_read_only_fields_succeed(cloud: FakeConfluentCloud) -> None:
    auth = basic(cloud.api_key, cloud.api_secret)
    # What the openapi-generator client sends: every optional field, null when unset, and
    # the read-only fields of an object it read before.
    create = {
        "api_version": "iam/v2",
        "kind": "ApiKey",
        "id": None,
        "metadata": None,
        "spec": {
            "secret": None,
            "display_name": "ci",
            "description": None,
            "owner": {"id": "sa-1", "related": None, "resource_name": None, "api_version": None, "kind": None,
                      "environment": None},
            "resource": None,
            "resources": None,
            "some_future_field": {"x": [1, None]},
        },
        "unknown_top_level": True,
    }  # fmt: skip
    created = urllib3.request("POST", f"{cloud.host}/iam/v2/api-keys", json=create, headers=auth)
    assert created.status == 202, created.data
    key = created.json()
    assert key["spec"]["display_name"] == "ci" and key["spec"]["description"] == ""
    assert "resource" not in key["spec"]

    echoed = {**key, "api_version": "iam/v3", "kind": "Other", "metadata": {"self": "x"}}
    echoed["spec"] = {**key["spec"], "description": "renamed", "display_name": None}
    updated = urllib3.request("PATCH", f"{cloud.host}/iam/v2/api-keys/{key['id']}", json=echoed, headers=auth)
    assert updated.status == 200, updated.data
    assert (updated.json()["spec"]["display_name"], updated.json()["spec"]["description"]) == ("ci", "renamed")

    registered = urllib3.request(
        "POST",
        f"{cloud.host}/byok/v1/keys",
        json={
            "api_version": None, "kind": None, "id": None, "metadata": None, "display_name": None,
            "provider": "GCP", "state": "IN_USE", "validation": {"phase": "VALID"},
            "key": {"kind": "GcpKey", "key_id": "projects/p/k", "security_group": "mine@example.com"},
        },
        headers=auth,
    )  # fmt: skip
    assert registered.status == 201, registered.data
    byok_key = registered.json()
    assert (byok_key["state"], byok_key["validation"]["phase"]) == ("AVAILABLE", "INITIALIZING")
    assert byok_key["key"]["security_group"] != "mine@example.com" and "display_name" not in byok_key


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"spec": None}, "/spec"),
        ({"spec": {"owner": None}}, "/spec/owner"),
        ({"spec": {"owner": {"id": None}}}, "/spec/owner/id"),
        ({"spec": {"owner": {"id": "x" * 256}}}, "/spec/owner/id"),
        ({"spec": {"owner": {"id": "sa-1"}, "resource": {"id": ""}}}, "/spec/resource/id"),
        (
            {"spec": {"owner": {"id": "sa-1"}, "resource": {"id": "lkc-1", "environment": ""}}},
            "/spec/resource/environment",
        ),
        ({"spec": {"owner": {"id": "sa-1"}, "display_name": False}}, "/spec/display_name"),
    ],
)
def test_null_for_a_required_field_and_wrong_values_are_still_422(
    cloud: FakeConfluentCloud, body: Dict[str, Any], pointer: str
) -> None:
    response = urllib3.request(
        "POST", f"{cloud.host}/iam/v2/api-keys", json=body, headers=basic(cloud.api_key, cloud.api_secret)
    )
    assert response.status == 422
    assert response.json()["errors"][0]["source"] == {"pointer": pointer}


# -- properties of the lenient reader ------------------------------------------------------------


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    _containers,
    max_leaves=20,
)


def spec_like() -> st.SearchStrategy[Any]:
    """Bodies close to valid ones (the document's field names, odd values), where bugs hide."""
    reference = st.fixed_dictionaries({}, optional={"id": JSON_VALUES, "environment": JSON_VALUES, "kind": JSON_VALUES})
    spec = st.fixed_dictionaries(
        {},
        optional={"owner": reference | JSON_VALUES, "resource": reference | JSON_VALUES, "display_name": JSON_VALUES},
    )
    key = st.fixed_dictionaries(
        {"kind": st.sampled_from(["AwsKey", "AzureKey", "GcpKey", "Other"]) | JSON_VALUES},
        optional={"key_arn": JSON_VALUES, "key_id": JSON_VALUES, "key_vault_id": JSON_VALUES, "tenant_id": JSON_VALUES},
    )
    return st.fixed_dictionaries({}, optional={"spec": spec | JSON_VALUES, "key": key | JSON_VALUES}) | JSON_VALUES


def conforms(value: Any, schema: Dict[str, Any]) -> bool:
    """Every key is a writable property of the schema and every value has its type (recursively)."""
    if "discriminator" in schema:
        return isinstance(value, dict) and conforms(value, schema["oneOf"][value[schema["discriminator"]]])
    kind = schema["type"]
    if kind == "object":
        properties = schema.get("properties", {})
        return isinstance(value, dict) and all(
            name in properties and not properties[name].get("readOnly") and conforms(item, properties[name])
            for name, item in value.items()
        )
    if kind == "array":
        return isinstance(value, list) and all(conforms(item, schema["items"]) for item in value)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


@settings(max_examples=examples(300), deadline=None)
@given(body=spec_like(), operation=st.sampled_from([op for op in _wire.OPERATIONS.values() if op.body is not None]))
def test_the_reader_keeps_only_writable_well_typed_fields_or_refuses_with_a_pointer(
    body: Any, operation: _wire.Operation
) -> None:
    assert operation.body is not None
    try:
        read = _wire.read_body(body, operation.body)
    except EmulatorError as refusal:
        assert refusal.status == 422 and refusal.pointer is not None
        return
    assert conforms(read, operation.body)
    for name in operation.body.get("required", []):
        assert name in read


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=spec_like(), path=st.sampled_from(["/iam/v2/api-keys", "/byok/v1/keys"]))
def test_any_json_body_gets_an_answer_never_a_500(cloud: FakeConfluentCloud, body: Any, path: str) -> None:
    encoded = json.dumps(body).encode()
    response = urllib3.request("POST", cloud.host + path, body=encoded, headers=basic(cloud.api_key, cloud.api_secret))

    assert response.status in (201, 202, 409, 422)
    assert response.headers["X-Request-Id"]
    if response.status >= 400:
        assert response.json()["errors"][0]["id"] == response.headers["X-Request-Id"]


def test_each_key_kinds_identifier_and_provider_are_the_documents() -> None:
    document = official_document()
    schemas = document["components"]["schemas"]
    mapping = schemas["byok.v1.Key"]["properties"]["key"]["discriminator"]["mapping"]
    providers = schemas["byok.v1.Key"]["properties"]["provider"]["x-extensible-enum"]
    key_filter = next(p for p in document["paths"]["/byok/v1/keys"]["get"]["parameters"] if p["name"] == "key")

    # "... the key identifier: key_arn for AWS, key_id for Azure and GCP."
    said = {
        provider: field
        for field, providers_text in re.findall(r"(\w+) for ([\w ]+?)(?=,|\.)", key_filter["description"])
        for provider in providers_text.split(" and ")
    }

    assert set(_wire.KEY_IDENTIFIER_FIELD) == set(_wire.KEY_PROVIDER) == set(mapping)
    for kind, field in _wire.KEY_IDENTIFIER_FIELD.items():
        assert field in schemas[mapping[kind].rsplit("/", 1)[-1]]["required"]
        assert said[_wire.KEY_PROVIDER[kind]] == field
    assert sorted(_wire.KEY_PROVIDER.values()) == sorted(providers)
