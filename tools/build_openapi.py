"""Rebuild openapi_client/openapi.json from Confluent's official OpenAPI document.

The facts (paths, operation ids, parameters, schemas, constraints, status codes, headers,
security) are read from the official document; every description is the project's own, from
the tables below. Decorations that only add examples are merged away, shared responses
(``#/components/responses/...``) are written out in each operation, and each schema reads
cleanly. Two shapes differ from the official document on purpose:

* PATCH bodies. The official document names the whole resource there, of which only the
  labels can change. The update schemas SDK users know (``iam.v2.ApiKeyUpdate``,
  ``iam.v2.ApiKeySpecUpdate``, ``byok.v1.KeyUpdate``) are derived here: the resource
  without the properties it marks ``x-immutable: true``.
* An inline object property (``Error.source``) becomes a schema of its own,
  ``Error_source``, so that it has a model of its own.

Run from the repository root:

    python tools/build_openapi.py [path/to/confluent-cloud-official-iam-byok.openapi.yaml]

Without an argument it reads the copy the repository carries,
``spec/confluent-cloud-official-iam-byok.openapi.yaml`` (``spec/README.md`` says where it comes
from). The committed JSON is the artifact; this script documents how it
was made and remakes it when the official document changes.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL_SPEC = "confluent-cloud-official-iam-byok.openapi.yaml"
OFFICIAL_PATH = ROOT / "spec" / OFFICIAL_SPEC
OUTPUT = ROOT / "openapi_client" / "openapi.json"
# The official document carries no version of its own (info.version is empty); this names
# the archived copy the facts were read from.
DOCUMENT_VERSION = "2026-10-04"

SCHEMA_REF = "#/components/schemas/"
RESPONSE_REF = "#/components/responses/"

# Keywords that carry facts a client or server must agree on; everything else (examples,
# prose, generator hints) is left out.
FACT_KEYWORDS = (
    "type",
    "format",
    "enum",
    "nullable",
    "readOnly",
    "required",
    "maxLength",
    "minLength",
    "maximum",
    "minimum",
    "default",
    "uniqueItems",
    "additionalProperties",
    "x-redact",
    "x-immutable",
    "x-extensible-enum",
)

# operationId of each PATCH -> (resource schema, update schema, {property: (nested schema, its update schema)}).
UPDATE_BODIES: Dict[str, Tuple[str, str, Dict[str, Tuple[str, str]]]] = {
    "updateIamV2ApiKey": (
        "iam.v2.ApiKey",
        "iam.v2.ApiKeyUpdate",
        {"spec": ("iam.v2.ApiKeySpec", "iam.v2.ApiKeySpecUpdate")},
    ),
    "updateByokV1Key": ("byok.v1.Key", "byok.v1.KeyUpdate", {}),
}

SCHEMA_TEXT: Dict[str, str] = {
    "iam.v2.ApiKey": (
        "An API key: a credential that gives one owner access to one cluster (Kafka, Schema Registry, "
        "ksqlDB), to Flink in one environment and region, to the Cloud APIs, to Tableflow, or globally."
    ),
    "iam.v2.ApiKeySpec": "What an API key is for: its owner, the resource it opens, and its human-facing labels.",
    "iam.v2.ApiKeyList": "One page of API keys with links to the other pages.",
    "iam.v2.ApiKeyUpdate": "The changes a PATCH applies to an API key.",
    "iam.v2.ApiKeySpecUpdate": "The labels of an API key that can be changed.",
    "ObjectMeta": "Server-kept facts about a stored object: where it lives and when it changed.",
    "ListMeta": "Navigation links and counts of a paginated collection.",
    "TypedGlobalObjectReference": (
        "A pointer to an object that belongs to no environment (a user, a service account), "
        "by id and, in answers, by URL and resource name."
    ),
    "TypedEnvScopedObjectReference": (
        "A pointer to an object that may belong to an environment (a cluster), "
        "by id and, in answers, by URL and resource name."
    ),
    "SearchFilter": "A string a collection is filtered by.",
    "Failure": "The answer to a request the service could not carry out.",
    "Error": "One problem found while handling a request.",
    "Error_source": "The part of the request an error is about.",
    "byok.v1.Key": "A customer-managed encryption key registered for dedicated clusters.",
    "byok.v1.KeyValidation": "The outcome of the service's latest check of a key.",
    "byok.v1.AwsKey": "A key held in AWS KMS.",
    "byok.v1.AzureKey": "A key held in Azure Key Vault.",
    "byok.v1.GcpKey": "A key held in Google Cloud KMS.",
    "byok.v1.KeyList": "One page of BYOK keys with links to the other pages.",
    "byok.v1.KeyUpdate": "The changes a PATCH applies to a BYOK key.",
}

_RESOURCE_TEXT = {
    "api_version": "Schema version of this representation.",
    "kind": "Type of this object.",
    "id": "Identifier of this object, never reused.",
    "metadata": "Location and timestamps of this object.",
}
_LIST_TEXT = {
    "api_version": "Schema version of this representation.",
    "kind": "Type of this collection.",
    "metadata": "Links to the neighbouring pages.",
    "data": "The items of this page.",
}
_BYOK_TEXT = {
    **_RESOURCE_TEXT,
    "key": "Where the key lives in its cloud; the variant is chosen by kind.",
    "display_name": "A name people can recognise the key by.",
    "provider": "Cloud that holds the key (AWS, Azure or GCP).",
    "state": "Whether a cluster already uses the key (IN_USE) or not (AVAILABLE).",
    "validation": "Result of the latest check that Confluent Cloud can use the key.",
}
_API_KEY_LABELS = {
    "display_name": "A short name for the key.",
    "description": "A longer note on what the key is for.",
}
_REFERENCE_TEXT = {
    "id": "Identifier of the object pointed to.",
    "related": "URL at which the object can be read.",
    "resource_name": "Confluent resource name (CRN) of the object.",
    "api_version": "API group and version of the object.",
    "kind": "Type of the object.",
}

PROPERTY_TEXT: Dict[str, Dict[str, str]] = {
    "iam.v2.ApiKey": {**_RESOURCE_TEXT, "spec": "The owner, target and labels of the key."},
    "iam.v2.ApiKeyUpdate": {**_RESOURCE_TEXT, "spec": "The labels to change."},
    "iam.v2.ApiKeySpec": {
        "secret": "The key's secret; returned once, in the answer to the create call.",
        **_API_KEY_LABELS,
        "owner": "The user or service account the key belongs to.",
        "resource": (
            "What the key opens, by id: a Kafka (lkc-), Schema Registry (lsrc-) or ksqlDB (lksqlc-) cluster, "
            "a Flink environment and region (env-abc123.aws.us-east-2), or, in any letter case, CLOUD "
            "(a Cloud API key), TABLEFLOW (a Tableflow key) or GLOBAL (a Global key). "
            "Null or absent when the key is tied to no resource."
        ),
    },
    "iam.v2.ApiKeySpecUpdate": dict(_API_KEY_LABELS),
    "iam.v2.ApiKeyList": dict(_LIST_TEXT),
    "byok.v1.KeyList": dict(_LIST_TEXT),
    "byok.v1.Key": dict(_BYOK_TEXT),
    "byok.v1.KeyUpdate": {k: v for k, v in _BYOK_TEXT.items() if k != "key"},
    "ObjectMeta": {
        "self": "URL of this object.",
        "resource_name": "Confluent resource name (CRN) of this object.",
        "created_at": "When the object was created (RFC 3339, UTC).",
        "updated_at": "When the object last changed (RFC 3339, UTC).",
        "deleted_at": "When the object was or will be removed (RFC 3339, UTC).",
    },
    "ListMeta": {
        "first": "Link to the first page, when the service offers one.",
        "last": "Link to the last page, when the service offers one.",
        "prev": "Link to the previous page; absent on the first page.",
        "next": "Link to the next page; absent or null on the last page.",
        "total_size": "How many items the whole collection holds.",
    },
    "TypedGlobalObjectReference": dict(_REFERENCE_TEXT),
    "TypedEnvScopedObjectReference": {
        **_REFERENCE_TEXT,
        "environment": "Environment of the object, for environment-scoped objects.",
    },
    "Failure": {"errors": "Every problem that stopped the request."},
    "Error": {
        "id": "Identifier of this occurrence of the problem.",
        "status": "The HTTP status, as a string.",
        "code": "Machine-readable code of the problem.",
        "title": "Short summary, the same for every occurrence of this problem.",
        "detail": "Explanation of this occurrence.",
        "source": "The part of the request at fault.",
        "error_code": "Numeric code of the problem, for services that number their errors.",
        "message": "The problem in words, for services that answer with a message rather than title and detail.",
    },
    "Error_source": {
        "pointer": "JSON pointer into the request body.",
        "parameter": "Name of the query parameter at fault.",
    },
    "byok.v1.KeyValidation": {
        "phase": "INITIALIZING until the first check ends, then VALID or INVALID.",
        "message": "What the latest check found, for people.",
        "since": "When the phase or message last changed.",
        "region": "Cloud region of the key, known once a check succeeds.",
    },
    "byok.v1.AwsKey": {
        "key_arn": "ARN of the AWS KMS key.",
        "roles": "ARNs of the IAM roles the key policy must allow; set by the service.",
        "kind": "Variant tag of an AWS key.",
    },
    "byok.v1.AzureKey": {
        "application_id": "Application that must be given access to the vault; set by the service.",
        "key_id": "Key identifier URL, without a version.",
        "key_vault_id": "Resource id of the vault holding the key.",
        "kind": "Variant tag of an Azure key.",
        "tenant_id": "Tenant (a UUID) that owns the vault.",
    },
    "byok.v1.GcpKey": {
        "key_id": "Resource id of the Cloud KMS key.",
        "security_group": "Google group that must be granted access to the key; set by the service.",
        "kind": "Variant tag of a GCP key.",
    },
}

OPERATION_TEXT: Dict[str, Tuple[str, str]] = {
    "listIamV2ApiKeys": ("List API keys", "One page of the API keys the caller may see, by owner or resource."),
    "createIamV2ApiKey": ("Create an API key", "Creates an API key; only this answer carries its secret."),
    "getIamV2ApiKey": ("Read an API key", "One API key, without its secret."),
    "updateIamV2ApiKey": ("Update an API key", "Changes an API key's display name or description."),
    "deleteIamV2ApiKey": ("Delete an API key", "Removes an API key; clients using it lose access."),
    "listByokV1Keys": ("List BYOK keys", "One page of registered keys, optionally filtered."),
    "createByokV1Key": ("Register a BYOK key", "Registers a customer-managed key; the service then validates it."),
    "getByokV1Key": ("Read a BYOK key", "One registered key with its validation state."),
    "updateByokV1Key": ("Update a BYOK key", "Changes a key's display name."),
    "deleteByokV1Key": ("Delete a BYOK key", "Removes a key that no cluster uses."),
}

PARAMETER_TEXT = {
    "id": "Identifier of the object.",
    "spec.owner": "Only keys of this owner (exact match).",
    "spec.resource": "Only keys for this resource (exact match).",
    "display_name": "Only keys whose display name contains this text.",
    "provider": "Only keys of this cloud provider (exact match).",
    "state": "Only keys in this state (exact match).",
    "validation_phase": "Only keys in this validation phase (exact match).",
    "validation_region": "Only keys in this cloud region.",
    "key": "Only keys whose key_arn or key_id contains this text.",
    "page_size": "Items per page, 1 to 100.",
    "page_token": "Opaque token of the page to fetch, taken from a metadata link.",
}

HEADER_TEXT = {
    "X-Request-Id": "Identifier of this request, for support.",
    "Location": "URL of the resource.",
    "WWW-Authenticate": "How to authenticate.",
    "X-RateLimit-Limit": "Requests allowed per rate-limit window.",
    "X-RateLimit-Remaining": "Requests left in the current window.",
    "X-RateLimit-Reset": "Seconds until the window resets (relative, not an epoch time).",
    "Retry-After": "Seconds to wait before retrying.",
}

STATUS_TEXT = {
    "200": "The resource.",
    "201": "The key was registered.",
    "202": "The API key is being created.",
    "204": "The object is being deleted.",
    "400": "The request is malformed.",
    "401": "Credentials are missing or wrong.",
    "402": "The request would exceed a quota.",
    "403": "The credentials do not allow this.",
    "404": "No such object.",
    "409": "The request conflicts with an existing object.",
    "422": "The request body is not valid.",
    "429": "Too many requests; slow down.",
    "500": "The service failed.",
}
STATUS_TEXT_BY_OPERATION = {
    ("listIamV2ApiKeys", "200"): "One page of API keys.",
    ("listByokV1Keys", "200"): "One page of keys.",
    ("createIamV2ApiKey", "409"): "The request conflicts with an existing object (see Location).",
    ("updateIamV2ApiKey", "409"): "The change conflicts with the key's current state (see Location).",
    ("createByokV1Key", "409"): "The key is already registered (see Location).",
    ("updateByokV1Key", "409"): "The request conflicts with an existing object (see Location).",
}

SECURITY_TEXT = {
    "cloud-api-key": "HTTP Basic: Cloud API key id as the user name, its secret as the password.",
    "global-api-key": "HTTP Basic: Global API key id as the user name, its secret as the password.",
    "confluent-sts-access-token": (
        "An OAuth 2.0 bearer token (a JWT) that Confluent's token service issues in exchange "
        "for a token of a trusted identity provider."
    ),
}

TAG_TEXT = {
    "API Keys (iam/v2)": "Create, list, read, update and delete API keys.",
    "Keys (byok/v1)": "Register, list, read, update and delete customer-managed keys.",
}

# OpenAPI's defaults, written out so that readers of the JSON need not know them.
PARAMETER_STYLE = {"query": ("form", True), "path": ("simple", False)}


def official_document() -> Path:
    """The official document the repository carries, in ``spec/``."""
    return OFFICIAL_PATH


def main(argv: List[str]) -> int:
    spec_path = Path(argv[1]) if len(argv) > 1 else official_document()
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    document = build(spec)
    OUTPUT.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


def build(spec: Dict[str, Any]) -> Dict[str, Any]:
    shared_responses = spec["components"].get("responses", {})
    paths: Dict[str, Any] = {}
    for path, item in spec["paths"].items():
        paths[path] = {
            method: clean_operation(op, shared_responses) for method, op in item.items() if not method.startswith("x-")
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Confluent Cloud API keys (iam/v2) and BYOK keys (byok/v1)",
            "version": DOCUMENT_VERSION,
            "description": (
                "The two resources the openapi_client SDK covers, as the SDK and its emulator "
                "understand them. Facts follow Confluent's official OpenAPI document "
                f"(archived {DOCUMENT_VERSION}); the wording is ours."
            ),
        },
        "servers": [{"url": server["url"], "description": "Confluent Cloud"} for server in spec["servers"]],
        "tags": [{"name": tag["name"], "description": TAG_TEXT[tag["name"]]} for tag in spec["tags"]],
        "paths": paths,
        "components": {
            "schemas": build_schemas(spec["components"]["schemas"]),
            "securitySchemes": {
                name: clean_security(name, scheme) for name, scheme in spec["components"]["securitySchemes"].items()
            },
        },
    }


def build_schemas(official: Dict[str, Any]) -> Dict[str, Any]:
    """Every official schema, cleaned, with the derived ones placed right after their source."""
    derived: Dict[str, Dict[str, Any]] = {}
    for resource, update, nested in UPDATE_BODIES.values():
        derived[resource] = {update: update_schema(official[resource], nested)}
        for source, nested_update in nested.values():
            derived.setdefault(source, {})[nested_update] = update_schema(official[source], {})
    schemas: Dict[str, Any] = {}
    for name, body in official.items():
        hoisted: Dict[str, Any] = {}
        schemas[name] = clean_schema(name, hoist_inline_objects(name, body, hoisted))
        for hoisted_name, hoisted_body in hoisted.items():
            schemas[hoisted_name] = clean_schema(hoisted_name, hoisted_body)
        for derived_name, derived_body in derived.get(name, {}).items():
            schemas[derived_name] = clean_schema(derived_name, derived_body)
    return schemas


def update_schema(resource: Dict[str, Any], nested: Dict[str, Tuple[str, str]]) -> Dict[str, Any]:
    """The resource without what a PATCH cannot change; nested objects point at their update schema."""
    properties: Dict[str, Any] = {}
    for prop, value in resource["properties"].items():
        if prop in nested:
            properties[prop] = {"$ref": SCHEMA_REF + nested[prop][1]}
        elif not value.get("x-immutable"):
            properties[prop] = value
    return {"type": "object", "properties": properties}


def hoist_inline_objects(name: str, body: Dict[str, Any], into: Dict[str, Any]) -> Dict[str, Any]:
    """``body`` with each inline object property replaced by a reference to ``<name>_<property>``."""
    if "properties" not in body:
        return body
    out = dict(body)
    out["properties"] = {}
    for prop, value in body["properties"].items():
        if "properties" in value and "$ref" not in value:
            into[f"{name}_{prop}"] = value
            value = {"$ref": f"{SCHEMA_REF}{name}_{prop}"}
        out["properties"][prop] = value
    return out


def clean_schema(name: str, body: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {"description": SCHEMA_TEXT[name], **facts(body)}
    if "properties" in body:
        # ObjectMeta omits its type in the official document; every schema with properties is an object.
        out.setdefault("type", "object")
        texts = PROPERTY_TEXT[name]
        out["properties"] = {
            prop: described(texts[prop], clean_property(value)) for prop, value in body["properties"].items()
        }
    return out


def described(text: str, schema: Dict[str, Any]) -> Dict[str, Any]:
    # OpenAPI 3.0 ignores keywords beside a $ref, so a described reference is wrapped in allOf.
    if "$ref" in schema:
        return {"description": text, "allOf": [schema]}
    return {"description": text, **schema}


def clean_property(value: Dict[str, Any]) -> Dict[str, Any]:
    """A property schema with examples and prose removed and example-only allOf merged."""
    if "$ref" in value:
        return {"$ref": value["$ref"]}
    if "allOf" in value:
        refs = [part for part in value["allOf"] if "$ref" in part]
        extras: Dict[str, Any] = {}
        for part in value["allOf"]:
            if "$ref" not in part:
                extras.update(facts(part))
                # fields of the referenced object this use requires too (a listed key's spec.owner)
                extras.update(clean_overlay({"properties": part.get("properties", {})}))
        extras.update(facts(value))
        if not extras:
            return {"$ref": refs[0]["$ref"]}
        # OpenAPI 3.0 ignores keywords beside a $ref, so a reference that is also nullable
        # or read-only stays wrapped in a one-item allOf.
        return {"allOf": [{"$ref": refs[0]["$ref"]}], **extras}
    out = facts(value)
    if "items" in value:
        out["items"] = clean_property(value["items"])
    if "oneOf" in value:
        out["oneOf"] = [{"$ref": part["$ref"]} for part in value["oneOf"]]
    if "discriminator" in value:
        out["discriminator"] = copy.deepcopy(value["discriminator"])
    return out


def facts(value: Dict[str, Any]) -> Dict[str, Any]:
    out = {key: copy.deepcopy(value[key]) for key in FACT_KEYWORDS if key in value}
    if "required" in out:
        # The order of a required list means nothing; sorted, the output is stable.
        out["required"] = sorted(out["required"])
    return out


def clean_overlay(value: Dict[str, Any]) -> Dict[str, Any]:
    """The constraints an allOf branch adds (required lists, nested), without examples."""
    out: Dict[str, Any] = {}
    if "type" in value:
        out["type"] = value["type"]
    if "required" in value:
        out["required"] = sorted(value["required"])
    nested = {prop: clean_overlay(sub) for prop, sub in value.get("properties", {}).items() if has_constraints(sub)}
    if nested:
        out["properties"] = nested
    return out


def has_constraints(value: Dict[str, Any]) -> bool:
    return "required" in value or any(has_constraints(sub) for sub in value.get("properties", {}).values())


def clean_body_schema(schema: Dict[str, Any]) -> Dict[str, Any]:
    """A request or response schema: a $ref, or a $ref plus the required fields it adds."""
    if "$ref" in schema:
        return {"$ref": schema["$ref"]}
    refs = [part for part in schema["allOf"] if "$ref" in part]
    overlays = [clean_overlay(part) for part in schema["allOf"] if "$ref" not in part and has_constraints(part)]
    if not overlays:
        return {"$ref": refs[0]["$ref"]}
    return {"allOf": [{"$ref": refs[0]["$ref"]}, *overlays]}


def clean_parameter(param: Dict[str, Any]) -> Dict[str, Any]:
    schema = param["schema"]
    if "$ref" in schema:
        clean_schema_value: Dict[str, Any] = {"$ref": schema["$ref"]}
    else:
        clean_schema_value = facts(schema)
    if param["name"] == "page_size":
        # The official document leaves the lower bound out; zero or negative sizes are refused.
        clean_schema_value["minimum"] = 1
    if param["in"] == "path" and param["name"] == "id":
        # An object id is at most 255 characters (the id property's maxLength) and never empty.
        clean_schema_value.update({"minLength": 1, "maxLength": 255})
    style, explode = PARAMETER_STYLE[param["in"]]
    return {
        "name": param["name"],
        "in": param["in"],
        "description": PARAMETER_TEXT[param["name"]],
        "required": param["required"],
        "style": param.get("style", style),
        "explode": param.get("explode", explode),
        "schema": clean_schema_value,
    }


def resolve_response(response: Dict[str, Any], shared: Dict[str, Any]) -> Dict[str, Any]:
    ref = response.get("$ref")
    if ref is None:
        return response
    assert ref.startswith(RESPONSE_REF), ref
    return shared[ref[len(RESPONSE_REF) :]]


def clean_response(operation_id: str, status: str, response: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {"description": STATUS_TEXT_BY_OPERATION.get((operation_id, status), STATUS_TEXT[status])}
    headers = response.get("headers", {})
    if headers:
        out["headers"] = {
            name: {"description": HEADER_TEXT[name], "schema": facts(header["schema"])}
            for name, header in headers.items()
        }
    content = response.get("content")
    if content:
        out["content"] = {media: {"schema": clean_body_schema(body["schema"])} for media, body in content.items()}
    return out


def clean_request_body(operation_id: str, body: Dict[str, Any]) -> Dict[str, Any]:
    if operation_id in UPDATE_BODIES:
        # Only the labels of a resource can change: the body is the update schema.
        update = UPDATE_BODIES[operation_id][1]
        content = {media: {"schema": {"$ref": SCHEMA_REF + update}} for media in body["content"]}
        return {"required": body.get("required", False), "content": content}
    content = {media: {"schema": clean_body_schema(v["schema"])} for media, v in body["content"].items()}
    # A body that must carry fields (spec.owner, key) cannot be left out; the official
    # document does not say so explicitly.
    must_have_fields = any("allOf" in v["schema"] for v in content.values())
    return {"required": body.get("required", must_have_fields), "content": content}


def clean_operation(op: Dict[str, Any], shared_responses: Dict[str, Any]) -> Dict[str, Any]:
    operation_id = op["operationId"]
    summary, description = OPERATION_TEXT[operation_id]
    out: Dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "tags": list(op["tags"]),
        "security": copy.deepcopy(op["security"]),
    }
    if "parameters" in op:
        out["parameters"] = [clean_parameter(p) for p in op["parameters"]]
    if "requestBody" in op:
        out["requestBody"] = clean_request_body(operation_id, op["requestBody"])
    out["responses"] = {
        status: clean_response(operation_id, status, resolve_response(response, shared_responses))
        for status, response in op["responses"].items()
    }
    for status, links in LINKS.get(operation_id, {}).items():
        out["responses"][status]["links"] = links
    return out


def _links_to(resource: str) -> Dict[str, Any]:
    return {
        f"{verb.capitalize()}Created": {
            "operationId": f"{verb}{resource}",
            "parameters": {"id": "$response.body#/id"},
            "description": f"The {verb} operation for the object just created.",
        }
        for verb in ("get", "update", "delete")
    }


# Not in the official document: the id a create call answers with is the id the other calls
# take. Stated as links so that tools (schemathesis) can chain the calls.
LINKS = {
    "createIamV2ApiKey": {"202": _links_to("IamV2ApiKey")},
    "createByokV1Key": {"201": _links_to("ByokV1Key")},
}


def clean_security(name: str, scheme: Dict[str, Any]) -> Dict[str, Any]:
    out = {key: copy.deepcopy(value) for key, value in scheme.items() if key != "description"}
    return {"description": SECURITY_TEXT[name], **out}


if __name__ == "__main__":
    sys.exit(main(sys.argv))
