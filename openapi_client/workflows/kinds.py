"""What an API key is for, told from its resource id (pure, no I/O).

The ``contract`` stream adds the SDK-wide helper; this private reading covers what the
workflows need until then.
"""

from __future__ import annotations

import enum
import re
from typing import Optional

__all__ = ["ApiKeyKind", "api_key_kind"]


class ApiKeyKind(str, enum.Enum):
    """The kinds of API key Confluent Cloud issues, by the resource they unlock."""

    CLOUD = "Cloud"
    GLOBAL = "Global"
    KAFKA = "Kafka"
    SCHEMA_REGISTRY = "SchemaRegistry"
    KSQLDB = "ksqlDB"
    FLINK = "Flink"
    TABLEFLOW = "Tableflow"
    UNKNOWN = "Unknown"


_FLINK_REGION = re.compile(r"^env-[A-Za-z0-9]+\.[A-Za-z0-9-]+\.[A-Za-z0-9-]+$")
_PREFIXES = (("lkc-", ApiKeyKind.KAFKA), ("lsrc-", ApiKeyKind.SCHEMA_REGISTRY), ("lksqlc-", ApiKeyKind.KSQLDB))
_NAMED = {"cloud": ApiKeyKind.CLOUD, "global": ApiKeyKind.GLOBAL, "tableflow": ApiKeyKind.TABLEFLOW}


def api_key_kind(resource_id: Optional[str]) -> ApiKeyKind:
    """The kind of a key scoped to ``resource_id`` (``None`` or empty: a Cloud API key)."""
    if not resource_id:
        return ApiKeyKind.CLOUD
    named = _NAMED.get(resource_id.lower())
    if named is not None:
        return named
    for prefix, kind in _PREFIXES:
        if resource_id.startswith(prefix):
            return kind
    if _FLINK_REGION.match(resource_id):
        return ApiKeyKind.FLINK
    return ApiKeyKind.UNKNOWN
