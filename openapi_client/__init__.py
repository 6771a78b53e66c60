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
    # Explicit re-exports, for type checkers; at run time __getattr__ below loads them.
    from openapi_client.api.byok_keys_api import ByokKeysApi as ByokKeysApi
    from openapi_client.api.iam_api_keys_api import IamApiKeysApi as IamApiKeysApi
    from openapi_client.api_client import ApiClient as ApiClient
    from openapi_client.api_response import ApiResponse as ApiResponse
    from openapi_client.configuration import Configuration as Configuration
    from openapi_client.exceptions import (
        ApiAttributeError as ApiAttributeError,
    )
    from openapi_client.exceptions import (
        ApiConnectionError as ApiConnectionError,
    )
    from openapi_client.exceptions import (
        ApiException as ApiException,
    )
    from openapi_client.exceptions import (
        ApiKeyError as ApiKeyError,
    )
    from openapi_client.exceptions import (
        ApiResponseError as ApiResponseError,
    )
    from openapi_client.exceptions import (
        ApiTimeoutError as ApiTimeoutError,
    )
    from openapi_client.exceptions import (
        ApiTypeError as ApiTypeError,
    )
    from openapi_client.exceptions import (
        ApiValueError as ApiValueError,
    )
    from openapi_client.exceptions import (
        BadRequestException as BadRequestException,
    )
    from openapi_client.exceptions import (
        ConflictException as ConflictException,
    )
    from openapi_client.exceptions import (
        ForbiddenException as ForbiddenException,
    )
    from openapi_client.exceptions import (
        InsecureTransportError as InsecureTransportError,
    )
    from openapi_client.exceptions import (
        KeyValidationFailedError as KeyValidationFailedError,
    )
    from openapi_client.exceptions import (
        NotFoundException as NotFoundException,
    )
    from openapi_client.exceptions import (
        OpenApiException as OpenApiException,
    )
    from openapi_client.exceptions import (
        PaymentRequiredException as PaymentRequiredException,
    )
    from openapi_client.exceptions import (
        ServiceException as ServiceException,
    )
    from openapi_client.exceptions import (
        TooManyRequestsException as TooManyRequestsException,
    )
    from openapi_client.exceptions import (
        UnauthorizedException as UnauthorizedException,
    )
    from openapi_client.exceptions import (
        UnprocessableEntityException as UnprocessableEntityException,
    )
    from openapi_client.exceptions import (
        WaiterError as WaiterError,
    )
    from openapi_client.exceptions import (
        WaiterTimeoutError as WaiterTimeoutError,
    )
    from openapi_client.models import (
        ByokV1AwsKey as ByokV1AwsKey,
    )
    from openapi_client.models import (
        ByokV1AzureKey as ByokV1AzureKey,
    )
    from openapi_client.models import (
        ByokV1GcpKey as ByokV1GcpKey,
    )
    from openapi_client.models import (
        ByokV1Key as ByokV1Key,
    )
    from openapi_client.models import (
        ByokV1KeyKey as ByokV1KeyKey,
    )
    from openapi_client.models import (
        ByokV1KeyList as ByokV1KeyList,
    )
    from openapi_client.models import (
        ByokV1KeyMetadata as ByokV1KeyMetadata,
    )
    from openapi_client.models import (
        ByokV1KeyUpdate as ByokV1KeyUpdate,
    )
    from openapi_client.models import (
        ByokV1KeyValidation as ByokV1KeyValidation,
    )
    from openapi_client.models import (
        ByokV1UnknownKey as ByokV1UnknownKey,
    )
    from openapi_client.models import (
        Error as Error,
    )
    from openapi_client.models import (
        ErrorSource as ErrorSource,
    )
    from openapi_client.models import (
        Failure as Failure,
    )
    from openapi_client.models import (
        GlobalObjectReference as GlobalObjectReference,
    )
    from openapi_client.models import (
        IamV2ApiKey as IamV2ApiKey,
    )
    from openapi_client.models import (
        IamV2ApiKeyList as IamV2ApiKeyList,
    )
    from openapi_client.models import (
        IamV2ApiKeyMetadata as IamV2ApiKeyMetadata,
    )
    from openapi_client.models import (
        IamV2ApiKeySpec as IamV2ApiKeySpec,
    )
    from openapi_client.models import (
        IamV2ApiKeySpecUpdate as IamV2ApiKeySpecUpdate,
    )
    from openapi_client.models import (
        IamV2ApiKeyUpdate as IamV2ApiKeyUpdate,
    )
    from openapi_client.models import (
        ListMeta as ListMeta,
    )
    from openapi_client.models import (
        ObjectReference as ObjectReference,
    )
    from openapi_client.retry import ApiRetry as ApiRetry
# Public name -> the module that defines it.
_EXPORTS: Dict[str, str] = {
    "ApiAttributeError": "openapi_client.exceptions",
    "ApiClient": "openapi_client.api_client",
    "ApiConnectionError": "openapi_client.exceptions",
    "ApiException": "openapi_client.exceptions",
    "ApiKeyError": "openapi_client.exceptions",
    "ApiResponse": "openapi_client.api_response",
    "ApiResponseError": "openapi_client.exceptions",
    "ApiRetry": "openapi_client.retry",
    "ApiTimeoutError": "openapi_client.exceptions",
    "ApiTypeError": "openapi_client.exceptions",
    "ApiValueError": "openapi_client.exceptions",
    "BadRequestException": "openapi_client.exceptions",
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
    "Configuration": "openapi_client.configuration",
    "ConflictException": "openapi_client.exceptions",
    "Error": "openapi_client.models",
    "ErrorSource": "openapi_client.models",
    "Failure": "openapi_client.models",
    "ForbiddenException": "openapi_client.exceptions",
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
    "ServiceException": "openapi_client.exceptions",
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
