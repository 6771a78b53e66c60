"""ByokV1KeyList: one page of BYOK keys."""

from __future__ import annotations

from typing import List

from openapi_client.models._base import ApiModel, ReadOnly
from openapi_client.models.list_meta import ListMeta
from openapi_client.models.responses import ByokV1KeyListItem


class ByokV1KeyList(ApiModel):
    """A page of BYOK keys and the links to the neighbouring pages."""

    api_version: str = ReadOnly(default=...)
    kind: str = ReadOnly(default=...)
    metadata: ListMeta
    data: List[ByokV1KeyListItem]
