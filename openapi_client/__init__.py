"""openapi_client: a typed Python SDK for Confluent Cloud API keys and BYOK keys.

Start with :class:`Configuration`, open an :class:`ApiClient`, and call
:class:`IamApiKeysApi` or :class:`ByokKeysApi`.

Names are loaded on first use (as pydantic does), so ``import openapi_client`` stays cheap
for programs, and pytest sessions, that only need part of the package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Dict, List

__version__ = "1.0.0"

if TYPE_CHECKING:
    # The same names for type checkers (explicit re-exports); test_public_names.py checks
    # that this block, _EXPORTS and each module's __all__ agree.
    from openapi_client._operation_types import RequestOptions as RequestOptions
    from openapi_client.api.byok_keys_api import ByokKeysApi as ByokKeysApi
    from openapi_client.api.iam_api_keys_api import IamApiKeysApi as IamApiKeysApi
    from openapi_client.api_client import ApiClient as ApiClient
    from openapi_client.api_response import ApiResponse as ApiResponse
    from openapi_client.configuration import Configuration as Configuration, TimeoutValue as TimeoutValue
    from openapi_client.credentials import (
        BearerToken as BearerToken,
        ClientCredentialsGrant as ClientCredentialsGrant,
        CloudApiKey as CloudApiKey,
        ConfluentOAuth as ConfluentOAuth,
        CredentialProvider as CredentialProvider,
        GlobalApiKey as GlobalApiKey,
        SubjectTokenFile as SubjectTokenFile,
        TokenExchangeError as TokenExchangeError,
    )
    from openapi_client.exceptions import (
        ApiConnectionError as ApiConnectionError,
        ApiException as ApiException,
        ApiResponseError as ApiResponseError,
        ApiTimeoutError as ApiTimeoutError,
        ApiTypeError as ApiTypeError,
        ApiValueError as ApiValueError,
        BadRequestException as BadRequestException,
        ClientClosedError as ClientClosedError,
        ConflictException as ConflictException,
        ForbiddenException as ForbiddenException,
        InsecureTransportError as InsecureTransportError,
        KeyValidationFailedError as KeyValidationFailedError,
        NotFoundException as NotFoundException,
        OpenApiException as OpenApiException,
        PaymentRequiredException as PaymentRequiredException,
        ServiceException as ServiceException,
        TooManyRequestsException as TooManyRequestsException,
        UnauthorizedException as UnauthorizedException,
        UnprocessableEntityException as UnprocessableEntityException,
        WaiterError as WaiterError,
        WaiterTimeoutError as WaiterTimeoutError,
    )
    from openapi_client.models import (
        ByokV1AwsKey as ByokV1AwsKey,
        ByokV1AzureKey as ByokV1AzureKey,
        ByokV1GcpKey as ByokV1GcpKey,
        ByokV1Key as ByokV1Key,
        ByokV1KeyKey as ByokV1KeyKey,
        ByokV1KeyList as ByokV1KeyList,
        ByokV1KeyMetadata as ByokV1KeyMetadata,
        ByokV1KeyUpdate as ByokV1KeyUpdate,
        ByokV1KeyValidation as ByokV1KeyValidation,
        ByokV1UnknownKey as ByokV1UnknownKey,
        Error as Error,
        ErrorSource as ErrorSource,
        Failure as Failure,
        GlobalObjectReference as GlobalObjectReference,
        IamV2ApiKey as IamV2ApiKey,
        IamV2ApiKeyList as IamV2ApiKeyList,
        IamV2ApiKeyMetadata as IamV2ApiKeyMetadata,
        IamV2ApiKeySpec as IamV2ApiKeySpec,
        IamV2ApiKeySpecUpdate as IamV2ApiKeySpecUpdate,
        IamV2ApiKeyUpdate as IamV2ApiKeyUpdate,
        ListMeta as ListMeta,
        ObjectReference as ObjectReference,
    )
    from openapi_client.models._deviation import Deviation as Deviation
    from openapi_client.retry import ApiRetry as ApiRetry, RetrySetting as RetrySetting

# Every public name -> the module that defines it: the package's one list of exports.
_EXPORTS: Dict[str, str] = {
    "ApiClient": "openapi_client.api_client",
    "ApiConnectionError": "openapi_client.exceptions",
    "ApiException": "openapi_client.exceptions",
    "ApiResponse": "openapi_client.api_response",
    "ApiResponseError": "openapi_client.exceptions",
    "ApiRetry": "openapi_client.retry",
    "ApiTimeoutError": "openapi_client.exceptions",
    "ApiTypeError": "openapi_client.exceptions",
    "ApiValueError": "openapi_client.exceptions",
    "BadRequestException": "openapi_client.exceptions",
    "BearerToken": "openapi_client.credentials",
    "ByokKeysApi": "openapi_client.api.byok_keys_api",
    "ByokV1AwsKey": "openapi_client.models",
    "ByokV1AzureKey": "openapi_client.models",
    "ByokV1GcpKey": "openapi_client.models",
    "ByokV1Key": "openapi_client.models",
    "ByokV1KeyKey": "openapi_client.models",
    "ByokV1KeyList": "openapi_client.models",
    "ByokV1KeyMetadata": "openapi_client.models",
    "ByokV1KeyUpdate": "openapi_client.models",
    "ByokV1KeyValidation": "openapi_client.models",
    "ByokV1UnknownKey": "openapi_client.models",
    "ClientClosedError": "openapi_client.exceptions",
    "ClientCredentialsGrant": "openapi_client.credentials",
    "CloudApiKey": "openapi_client.credentials",
    "Configuration": "openapi_client.configuration",
    "ConflictException": "openapi_client.exceptions",
    "ConfluentOAuth": "openapi_client.credentials",
    "CredentialProvider": "openapi_client.credentials",
    "Deviation": "openapi_client.models._deviation",
    "Error": "openapi_client.models",
    "ErrorSource": "openapi_client.models",
    "Failure": "openapi_client.models",
    "ForbiddenException": "openapi_client.exceptions",
    "GlobalApiKey": "openapi_client.credentials",
    "GlobalObjectReference": "openapi_client.models",
    "IamApiKeysApi": "openapi_client.api.iam_api_keys_api",
    "IamV2ApiKey": "openapi_client.models",
    "IamV2ApiKeyList": "openapi_client.models",
    "IamV2ApiKeyMetadata": "openapi_client.models",
    "IamV2ApiKeySpec": "openapi_client.models",
    "IamV2ApiKeySpecUpdate": "openapi_client.models",
    "IamV2ApiKeyUpdate": "openapi_client.models",
    "InsecureTransportError": "openapi_client.exceptions",
    "KeyValidationFailedError": "openapi_client.exceptions",
    "ListMeta": "openapi_client.models",
    "NotFoundException": "openapi_client.exceptions",
    "ObjectReference": "openapi_client.models",
    "OpenApiException": "openapi_client.exceptions",
    "PaymentRequiredException": "openapi_client.exceptions",
    "RequestOptions": "openapi_client._operation_types",
    "RetrySetting": "openapi_client.retry",
    "ServiceException": "openapi_client.exceptions",
    "SubjectTokenFile": "openapi_client.credentials",
    "TimeoutValue": "openapi_client.configuration",
    "TokenExchangeError": "openapi_client.credentials",
    "TooManyRequestsException": "openapi_client.exceptions",
    "UnauthorizedException": "openapi_client.exceptions",
    "UnprocessableEntityException": "openapi_client.exceptions",
    "WaiterError": "openapi_client.exceptions",
    "WaiterTimeoutError": "openapi_client.exceptions",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> List[str]:
    return sorted(__all__)
