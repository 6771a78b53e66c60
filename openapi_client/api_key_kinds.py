"""What an API key is for, read from its ``spec.resource``.

The API has no field for the kind of a key; the resource it is tied to says it. The id of that
resource is a Kafka cluster (``lkc-``), a Schema Registry cluster (``lsrc-``), a ksqlDB cluster
(``lksqlc-``), a Flink region, or one of the reserved ids ``CLOUD``, ``TABLEFLOW`` and
``GLOBAL``, in any letter case. A Flink key's resource comes in two forms: the document's
``env-abc123.aws.us-east-2`` (environment, cloud, region), and the one the service writes today,
``{"id": "aws.us-east-1", "environment": "env-3732nw", "kind": "Region", "api_version":
"fcpm/v2"}``. When the id alone does not tell, the resource's ``kind`` (with its ``api_version``)
does, as the service writes them: ``Cluster`` (``cmk/v2``, ``srcm/v2``, ``ksqldbcm/v2``),
``SchemaRegistry``, ``ksqlDB``, ``Region`` (``fcpm/v2``), ``Cloud``, ``Tableflow``, ``Global``.
Anything else is :attr:`ApiKeyKind.OTHER`, so a kind the service adds later never breaks a
program.

A key whose resource is ``null`` or absent is :attr:`ApiKeyKind.CLOUD`. The document says such a
key is "not associated with a resource"; of the kinds it describes, the Cloud API key is the one
that opens no particular resource (Tableflow and Global keys have ids of their own), and the
SDK's emulator accepts such keys on the Cloud APIs as Cloud keys. This is a reading, not a
sentence of the document: programs that must tell these keys apart can test
``key.spec.resource is None`` themselves.
"""

from __future__ import annotations

import enum
import re
from typing import Optional, Union

from openapi_client.models.global_object_reference import GlobalObjectReference
from openapi_client.models.iam_v2_api_key import IamV2ApiKey
from openapi_client.models.iam_v2_api_key_spec import IamV2ApiKeySpec

__all__ = ["ApiKeyKind", "api_key_kind", "CLOUD_RESOURCE_ID", "TABLEFLOW_RESOURCE_ID", "GLOBAL_RESOURCE_ID"]

CLOUD_RESOURCE_ID = "CLOUD"
TABLEFLOW_RESOURCE_ID = "TABLEFLOW"
GLOBAL_RESOURCE_ID = "GLOBAL"


class ApiKeyKind(str, enum.Enum):
    """The kinds of API key. Members are strings, so ``kind == "kafka"`` holds for a Kafka key."""

    KAFKA = "kafka"
    SCHEMA_REGISTRY = "schema_registry"
    KSQLDB = "ksqldb"
    FLINK = "flink"
    CLOUD = "cloud"
    TABLEFLOW = "tableflow"
    GLOBAL = "global"
    OTHER = "other"
    """A resource id of no kind this SDK knows: a newer kind of key, or a malformed id."""


_RESERVED = {
    CLOUD_RESOURCE_ID.casefold(): ApiKeyKind.CLOUD,
    TABLEFLOW_RESOURCE_ID.casefold(): ApiKeyKind.TABLEFLOW,
    GLOBAL_RESOURCE_ID.casefold(): ApiKeyKind.GLOBAL,
}
# Longest prefix first: "lksqlc-" must not be read as some shorter prefix.
_CLUSTER_PREFIXES = (
    ("lksqlc-", ApiKeyKind.KSQLDB),
    ("lsrc-", ApiKeyKind.SCHEMA_REGISTRY),
    ("lkc-", ApiKeyKind.KAFKA),
)
# The document's Flink form, env-<id>.<cloud>.<region>, and the service's, <cloud>.<region>.
_FLINK_REGION = re.compile(r"env-[a-z0-9]+\.[a-z0-9]+\.[a-z0-9-]+|(?:aws|azure|gcp)\.[a-z0-9-]+")
# A resource's kind, when its id does not tell; a cluster's API group says which cluster it is.
_KINDS = {
    "cloud": ApiKeyKind.CLOUD,
    "tableflow": ApiKeyKind.TABLEFLOW,
    "global": ApiKeyKind.GLOBAL,
    "schemaregistry": ApiKeyKind.SCHEMA_REGISTRY,
    "ksqldb": ApiKeyKind.KSQLDB,
}
_CLUSTER_API_GROUPS = {
    "cmk": ApiKeyKind.KAFKA,
    "srcm": ApiKeyKind.SCHEMA_REGISTRY,
    "ksqldbcm": ApiKeyKind.KSQLDB,
}
_FLINK_API_GROUP = "fcpm"

KeyOrResource = Union[IamV2ApiKey, IamV2ApiKeySpec, GlobalObjectReference, str, None]


def api_key_kind(key: KeyOrResource) -> ApiKeyKind:
    """The kind of an API key, from the key, its spec, its ``spec.resource`` or that resource's id.

    ``None`` (no resource) is :attr:`ApiKeyKind.CLOUD`; a resource of no known form is
    :attr:`ApiKeyKind.OTHER`. The id decides when it has a known form; otherwise, for a
    resource object, its ``kind`` and ``api_version`` do (an id string has neither). A key or
    spec without a ``spec`` at all is refused with ``ValueError``: there is nothing to tell its
    kind from.
    """
    resource = _resource(key)
    if resource is None:
        return ApiKeyKind.CLOUD
    if isinstance(resource, str):
        return _kind_of_id(resource)
    # A reference decoded from an answer that breaks the document may hold any JSON value.
    # A reference decoded from an answer that breaks the document may hold any JSON value, or
    # lack a field altogether.
    resource_id = _text(resource, "id")
    by_id = ApiKeyKind.OTHER if resource_id is None else _kind_of_id(resource_id)
    if by_id is not ApiKeyKind.OTHER:
        return by_id
    return _kind_of_reference(_text(resource, "kind"), _text(resource, "api_version"))


def _text(reference: GlobalObjectReference, field: str) -> Optional[str]:
    value = getattr(reference, field, None)
    return value if isinstance(value, str) else None


def _kind_of_id(resource_id: str) -> ApiKeyKind:
    folded = resource_id.strip().casefold()
    reserved = _RESERVED.get(folded)
    if reserved is not None:
        return reserved
    for prefix, kind in _CLUSTER_PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            return kind
    if _FLINK_REGION.fullmatch(folded):
        return ApiKeyKind.FLINK
    return ApiKeyKind.OTHER


def _kind_of_reference(kind: Optional[str], api_version: Optional[str]) -> ApiKeyKind:
    folded = (kind or "").strip().casefold()
    group = (api_version or "").strip().casefold().split("/", 1)[0]
    if folded == "region":
        return ApiKeyKind.FLINK if group == _FLINK_API_GROUP else ApiKeyKind.OTHER
    if folded == "cluster":
        return _CLUSTER_API_GROUPS.get(group, ApiKeyKind.OTHER)
    return _KINDS.get(folded, ApiKeyKind.OTHER)


def _resource(key: KeyOrResource) -> Union[GlobalObjectReference, str, None]:
    if isinstance(key, IamV2ApiKey):
        if key.spec is None:
            raise ValueError("the API key has no spec, so its kind is unknown; read the key first")
        key = key.spec
    if isinstance(key, IamV2ApiKeySpec):
        key = key.resource
    if key is None or isinstance(key, (GlobalObjectReference, str)):
        return key
    raise TypeError(
        f"api_key_kind takes an IamV2ApiKey, IamV2ApiKeySpec, ObjectReference, resource id or None, "
        f"not {type(key).__name__}"
    )
