"""The API's data models, one module each; every model is importable from here.

A model module is imported the first time one of its names is used: building a pydantic
model costs time, and most programs use a few of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Dict, List

if TYPE_CHECKING:
    from openapi_client.models.byok_v1_aws_key import ByokV1AwsKey as ByokV1AwsKey
    from openapi_client.models.byok_v1_azure_key import ByokV1AzureKey as ByokV1AzureKey
    from openapi_client.models.byok_v1_gcp_key import ByokV1GcpKey as ByokV1GcpKey
    from openapi_client.models.byok_v1_key import ByokV1Key as ByokV1Key
    from openapi_client.models.byok_v1_key_key import ByokV1KeyKey as ByokV1KeyKey, ByokV1UnknownKey as ByokV1UnknownKey
    from openapi_client.models.byok_v1_key_list import ByokV1KeyList as ByokV1KeyList
    from openapi_client.models.byok_v1_key_metadata import ByokV1KeyMetadata as ByokV1KeyMetadata
    from openapi_client.models.byok_v1_key_update import ByokV1KeyUpdate as ByokV1KeyUpdate
    from openapi_client.models.byok_v1_key_validation import ByokV1KeyValidation as ByokV1KeyValidation
    from openapi_client.models.error import Error as Error
    from openapi_client.models.error_source import ErrorSource as ErrorSource
    from openapi_client.models.failure import Failure as Failure
    from openapi_client.models.global_object_reference import GlobalObjectReference as GlobalObjectReference
    from openapi_client.models.iam_v2_api_key import IamV2ApiKey as IamV2ApiKey
    from openapi_client.models.iam_v2_api_key_list import IamV2ApiKeyList as IamV2ApiKeyList
    from openapi_client.models.iam_v2_api_key_metadata import IamV2ApiKeyMetadata as IamV2ApiKeyMetadata
    from openapi_client.models.iam_v2_api_key_spec import IamV2ApiKeySpec as IamV2ApiKeySpec
    from openapi_client.models.iam_v2_api_key_spec_update import IamV2ApiKeySpecUpdate as IamV2ApiKeySpecUpdate
    from openapi_client.models.iam_v2_api_key_update import IamV2ApiKeyUpdate as IamV2ApiKeyUpdate
    from openapi_client.models.list_meta import ListMeta as ListMeta
    from openapi_client.models.object_reference import ObjectReference as ObjectReference

# Model name -> the module under openapi_client.models that defines it.
_MODULES: Dict[str, str] = {
    "ByokV1AwsKey": "byok_v1_aws_key",
    "ByokV1AzureKey": "byok_v1_azure_key",
    "ByokV1GcpKey": "byok_v1_gcp_key",
    "ByokV1Key": "byok_v1_key",
    "ByokV1KeyKey": "byok_v1_key_key",
    "ByokV1KeyList": "byok_v1_key_list",
    "ByokV1KeyMetadata": "byok_v1_key_metadata",
    "ByokV1KeyUpdate": "byok_v1_key_update",
    "ByokV1KeyValidation": "byok_v1_key_validation",
    "ByokV1UnknownKey": "byok_v1_key_key",
    "Error": "error",
    "ErrorSource": "error_source",
    "Failure": "failure",
    "GlobalObjectReference": "global_object_reference",
    "IamV2ApiKey": "iam_v2_api_key",
    "IamV2ApiKeyList": "iam_v2_api_key_list",
    "IamV2ApiKeyMetadata": "iam_v2_api_key_metadata",
    "IamV2ApiKeySpec": "iam_v2_api_key_spec",
    "IamV2ApiKeySpecUpdate": "iam_v2_api_key_spec_update",
    "IamV2ApiKeyUpdate": "iam_v2_api_key_update",
    "ListMeta": "list_meta",
    "ObjectReference": "object_reference",
}

__all__ = list(_MODULES)


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> List[str]:
    return sorted(__all__)
