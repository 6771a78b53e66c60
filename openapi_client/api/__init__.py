"""The API classes, one per resource."""

from openapi_client.api.byok_keys_api import ByokKeysApi
from openapi_client.api.iam_api_keys_api import IamApiKeysApi

__all__ = ["ByokKeysApi", "IamApiKeysApi"]
