"""The API's data models, one module each; every model is importable from here."""

from openapi_client.models.byok_v1_aws_key import ByokV1AwsKey
from openapi_client.models.byok_v1_azure_key import ByokV1AzureKey
from openapi_client.models.byok_v1_gcp_key import ByokV1GcpKey
from openapi_client.models.byok_v1_key import ByokV1Key
from openapi_client.models.byok_v1_key_key import ByokV1KeyKey, ByokV1UnknownKey
from openapi_client.models.byok_v1_key_list import ByokV1KeyList
from openapi_client.models.byok_v1_key_metadata import ByokV1KeyMetadata
from openapi_client.models.byok_v1_key_update import ByokV1KeyUpdate
from openapi_client.models.byok_v1_key_validation import ByokV1KeyValidation
from openapi_client.models.error import Error
from openapi_client.models.error_source import ErrorSource
from openapi_client.models.failure import Failure
from openapi_client.models.global_object_reference import GlobalObjectReference
from openapi_client.models.iam_v2_api_key import IamV2ApiKey
from openapi_client.models.iam_v2_api_key_list import IamV2ApiKeyList
from openapi_client.models.iam_v2_api_key_metadata import IamV2ApiKeyMetadata
from openapi_client.models.iam_v2_api_key_spec import IamV2ApiKeySpec
from openapi_client.models.iam_v2_api_key_spec_update import IamV2ApiKeySpecUpdate
from openapi_client.models.iam_v2_api_key_update import IamV2ApiKeyUpdate
from openapi_client.models.list_meta import ListMeta
from openapi_client.models.object_reference import ObjectReference

__all__ = [
    "ByokV1AwsKey",
    "ByokV1AzureKey",
    "ByokV1GcpKey",
    "ByokV1Key",
    "ByokV1KeyKey",
    "ByokV1KeyList",
    "ByokV1KeyMetadata",
    "ByokV1KeyUpdate",
    "ByokV1KeyValidation",
    "ByokV1UnknownKey",
    "Error",
    "ErrorSource",
    "Failure",
    "GlobalObjectReference",
    "IamV2ApiKey",
    "IamV2ApiKeyList",
    "IamV2ApiKeyMetadata",
    "IamV2ApiKeySpec",
    "IamV2ApiKeySpecUpdate",
    "IamV2ApiKeyUpdate",
    "ListMeta",
    "ObjectReference",
]
