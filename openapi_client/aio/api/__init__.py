"""The async API classes, one per resource (generated from the same descriptions as the sync ones)."""

from openapi_client.aio.api.byok_keys_api import ByokKeysApi
from openapi_client.aio.api.iam_api_keys_api import IamApiKeysApi

__all__ = ["ByokKeysApi", "IamApiKeysApi"]
