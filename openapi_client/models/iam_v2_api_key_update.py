"""IamV2ApiKeyUpdate: the body of an API key update (PATCH)."""

from __future__ import annotations

from typing import Optional

from openapi_client.models._base import ReadOnly
from openapi_client.models._resource import Resource
from openapi_client.models.iam_v2_api_key_metadata import IamV2ApiKeyMetadata
from openapi_client.models.iam_v2_api_key_spec_update import IamV2ApiKeySpecUpdate


class IamV2ApiKeyUpdate(Resource):
    """The changes to apply to an API key; only the fields set are sent."""

    metadata: Optional[IamV2ApiKeyMetadata] = ReadOnly()
    spec: Optional[IamV2ApiKeySpecUpdate] = None
