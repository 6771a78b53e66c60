"""ByokV1KeyMetadata: server-set metadata of a BYOK key."""

from __future__ import annotations

from openapi_client.models._object_meta import ObjectMeta


class ByokV1KeyMetadata(ObjectMeta):
    """The ``metadata`` of a BYOK key: its URL, resource name and timestamps."""
