"""The metadata every stored object carries (the spec's ObjectMeta)."""

from __future__ import annotations

from typing import Optional

from openapi_client.models._base import ApiModel, ReadOnly, Timestamp


class ObjectMeta(ApiModel):
    """Where an object lives and when it was created, changed and deleted.

    Every field is set by the server. ``self`` is exposed as ``self_`` in Python (the JSON
    name stays ``self``) because ``self`` cannot be a keyword argument name. The timestamps
    are ``datetime`` objects that keep the service's spelling (nanoseconds included) through
    ``to_json`` / ``to_dict``.
    """

    self_: Optional[str] = ReadOnly(alias="self")
    resource_name: Optional[str] = ReadOnly()
    created_at: Optional[Timestamp] = ReadOnly()
    updated_at: Optional[Timestamp] = ReadOnly()
    deleted_at: Optional[Timestamp] = ReadOnly()
