"""The metadata every stored object carries (the spec's ObjectMeta)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from openapi_client.models._base import ApiModel, ReadOnly


class ObjectMeta(ApiModel):
    """Where an object lives and when it was created, changed and deleted.

    Every field is set by the server. ``self`` is exposed as ``self_`` in Python (the JSON
    name stays ``self``) because ``self`` cannot be a keyword argument name.
    """

    self_: Optional[str] = ReadOnly(alias="self")
    resource_name: Optional[str] = ReadOnly()
    created_at: Optional[datetime] = ReadOnly()
    updated_at: Optional[datetime] = ReadOnly()
    deleted_at: Optional[datetime] = ReadOnly()
