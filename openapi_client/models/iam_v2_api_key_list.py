"""IamV2ApiKeyList: one page of API keys."""

from __future__ import annotations

from typing import List

from openapi_client.models._base import ApiModel, ReadOnly
from openapi_client.models.list_meta import ListMeta
from openapi_client.models.responses import IamV2ApiKeyListItem


class IamV2ApiKeyList(ApiModel):
    """A page of API keys and the links to the neighbouring pages."""

    api_version: str = ReadOnly(default=...)
    kind: str = ReadOnly(default=...)
    metadata: ListMeta
    data: List[IamV2ApiKeyListItem]
