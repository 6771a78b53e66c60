"""What an API key is for, read from its ``spec.resource``.

The API has no field for the kind of a key; the resource it is tied to says it. The id of that
resource is a Kafka cluster (``lkc-``), a Schema Registry cluster (``lsrc-``), a ksqlDB cluster
(``lksqlc-``), a Flink environment and region (``env-abc123.aws.us-east-2``), or one of the
reserved ids ``CLOUD``, ``TABLEFLOW`` and ``GLOBAL``, in any letter case. Anything else is
:attr:`ApiKeyKind.OTHER`, so a kind the service adds later never breaks a program.

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
# env-<id>.<cloud>.<region>: an environment, a cloud provider and a region, dot-separated.
_FLINK_REGION = re.compile(r"env-[a-z0-9]+\.[a-z0-9]+\.[a-z0-9-]+", re.IGNORECASE)

KeyOrResource = Union[IamV2ApiKey, IamV2ApiKeySpec, GlobalObjectReference, str, None]


def api_key_kind(key: KeyOrResource) -> ApiKeyKind:
    """The kind of an API key, from the key, its spec, its ``spec.resource`` or that resource's id.

    ``None`` (no resource) is :attr:`ApiKeyKind.CLOUD`; an id of no known form is
    :attr:`ApiKeyKind.OTHER`. A key or spec without a ``spec`` at all is refused with
    ``ValueError``: there is nothing to tell its kind from.
    """
    resource_id = _resource_id(key)
    if resource_id is None:
        return ApiKeyKind.CLOUD
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


def _resource_id(key: KeyOrResource) -> Optional[str]:
    if isinstance(key, IamV2ApiKey):
        if key.spec is None:
            raise ValueError("the API key has no spec, so its kind is unknown; read the key first")
        key = key.spec
    if isinstance(key, IamV2ApiKeySpec):
        key = key.resource
    if isinstance(key, GlobalObjectReference):
        return key.id
    if key is None or isinstance(key, str):
        return key
    raise TypeError(
        f"api_key_kind takes an IamV2ApiKey, IamV2ApiKeySpec, ObjectReference, resource id or None, "
        f"not {type(key).__name__}"
    )
