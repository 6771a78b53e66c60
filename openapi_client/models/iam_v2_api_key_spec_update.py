"""IamV2ApiKeySpecUpdate: the parts of an API key's spec that can be changed."""

from __future__ import annotations

from typing import Optional

from openapi_client.models._base import ApiModel


class IamV2ApiKeySpecUpdate(ApiModel):
    """New values for an API key's display name and description."""

    display_name: Optional[str] = None
    description: Optional[str] = None
