"""IamV2ApiKeyMetadata: server-set metadata of an API key."""

from __future__ import annotations

from openapi_client.models._object_meta import ObjectMeta


class IamV2ApiKeyMetadata(ObjectMeta):
    """The ``metadata`` of an API key: its URL, resource name and timestamps."""
