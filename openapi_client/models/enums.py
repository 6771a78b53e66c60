"""The API's enum-like strings: their known values as constants, their types as open ``Literal`` unions.

The API document marks these fields ``x-extensible-enum``: the service may send a value this
SDK does not know yet. So each type is ``Literal[<known values>] | str``: editors offer the
known values and comparisons against the constants narrow, while any other string is still
accepted, at run time as well (pydantic sees plain ``str``; nothing is rejected).

    from openapi_client.models.enums import VALID, IN_USE

    if key.validation.phase == VALID and key.state != IN_USE: ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Union

from typing_extensions import Final, TypeAlias

__all__ = [
    "AVAILABLE",
    "AWS",
    "AWS_KEY",
    "AZURE",
    "AZURE_KEY",
    "ByokKeyKind",
    "ByokKeyState",
    "ByokProvider",
    "ByokValidationPhase",
    "GCP",
    "GCP_KEY",
    "INITIALIZING",
    "INVALID",
    "IN_USE",
    "VALID",
]

# byok.v1.Key.state
AVAILABLE: Final = "AVAILABLE"
IN_USE: Final = "IN_USE"

# byok.v1.Key.provider
AWS: Final = "AWS"
AZURE: Final = "Azure"
GCP: Final = "GCP"

# byok.v1.KeyValidation.phase
INITIALIZING: Final = "INITIALIZING"
VALID: Final = "VALID"
INVALID: Final = "INVALID"

# byok.v1.Key.key.kind: which variant of ByokV1KeyKey a key is
AWS_KEY: Final = "AwsKey"
AZURE_KEY: Final = "AzureKey"
GCP_KEY: Final = "GcpKey"

if TYPE_CHECKING:
    ByokKeyState: TypeAlias = Union[Literal["AVAILABLE", "IN_USE"], str]
    ByokProvider: TypeAlias = Union[Literal["AWS", "Azure", "GCP"], str]
    ByokValidationPhase: TypeAlias = Union[Literal["INITIALIZING", "VALID", "INVALID"], str]
    ByokKeyKind: TypeAlias = Union[Literal["AwsKey", "AzureKey", "GcpKey"], str]
else:
    # At run time the fields are plain strings: the same validation (and speed) as before,
    # and unknown values pass.
    ByokKeyState = ByokProvider = ByokValidationPhase = ByokKeyKind = str
