"""The service's enumerated string values, each written once, and their types.

The document marks these as extensible: a newer service may send a value not listed here,
and models keep it as it is. Compare against these names rather than string literals.
Cloud providers and key kinds belong to the key variants (``ByokV1AwsKey.PROVIDER``,
``ByokV1AwsKey.KIND``, ...), not here.

For type checkers each field's type is an open ``Literal`` union (``Literal[<known>] | str``):
editors offer the known values and comparisons against the constants narrow, while any other
string is accepted, at run time too (pydantic sees plain ``str``; nothing is rejected).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Tuple, Union

from typing_extensions import Final, TypeAlias

__all__ = [
    "AVAILABLE",
    "INITIALIZING",
    "INVALID",
    "IN_USE",
    "KEY_STATES",
    "VALID",
    "VALIDATION_PHASES",
    "ByokKeyKind",
    "ByokKeyState",
    "ByokProvider",
    "ByokValidationPhase",
]

# byok.v1.KeyValidation.phase
INITIALIZING: Final = "INITIALIZING"
"""The first validation of a BYOK key has not ended yet."""
VALID: Final = "VALID"
"""Confluent Cloud can use the key."""
INVALID: Final = "INVALID"
"""Confluent Cloud cannot use the key; ``validation.message`` says why."""
VALIDATION_PHASES: Tuple[str, ...] = (INITIALIZING, VALID, INVALID)

# byok.v1.Key.state
AVAILABLE: Final = "AVAILABLE"
"""No cluster uses the key yet."""
IN_USE: Final = "IN_USE"
"""A cluster uses the key; it cannot be deleted."""
KEY_STATES: Tuple[str, ...] = (AVAILABLE, IN_USE)

if TYPE_CHECKING:
    ByokValidationPhase: TypeAlias = Union[Literal["INITIALIZING", "VALID", "INVALID"], str]
    ByokKeyState: TypeAlias = Union[Literal["AVAILABLE", "IN_USE"], str]
    ByokProvider: TypeAlias = Union[Literal["AWS", "Azure", "GCP"], str]
    ByokKeyKind: TypeAlias = Union[Literal["AwsKey", "AzureKey", "GcpKey"], str]
else:
    # At run time the fields are plain strings: the same validation (and speed), and
    # unknown values pass.
    ByokValidationPhase = ByokKeyState = ByokProvider = ByokKeyKind = str
