"""IamV2ApiKey: an API key (iam/v2)."""

from __future__ import annotations

from typing import Optional

from openapi_client.models._base import ReadOnly
from openapi_client.models._resource import Resource
from openapi_client.models.iam_v2_api_key_metadata import IamV2ApiKeyMetadata
from openapi_client.models.iam_v2_api_key_spec import IamV2ApiKeySpec


class IamV2ApiKey(Resource):
    """An API key: access for one owner to one resource, or to the Cloud APIs.

    To create one, give only ``spec`` with its ``owner`` (and ``resource`` for a
    cluster key); the service fills in the rest.
    """

    metadata: Optional[IamV2ApiKeyMetadata] = ReadOnly()
    spec: Optional[IamV2ApiKeySpec] = None
