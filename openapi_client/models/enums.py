"""The service's enumerated string values, each written once.

The document marks these as extensible: a newer service may send a value not listed here,
and models keep it as it is. Compare against these names rather than string literals.
Cloud providers belong to the key variants (``ByokV1AwsKey.PROVIDER``, ...), not here.
"""

from __future__ import annotations

from typing import Tuple

__all__ = [
    "AVAILABLE",
    "INITIALIZING",
    "INVALID",
    "IN_USE",
    "KEY_STATES",
    "VALID",
    "VALIDATION_PHASES",
]

# byok.v1.KeyValidation.phase
INITIALIZING = "INITIALIZING"
"""The first validation of a BYOK key has not ended yet."""
VALID = "VALID"
"""Confluent Cloud can use the key."""
INVALID = "INVALID"
"""Confluent Cloud cannot use the key; ``validation.message`` says why."""
VALIDATION_PHASES: Tuple[str, ...] = (INITIALIZING, VALID, INVALID)

# byok.v1.Key.state
AVAILABLE = "AVAILABLE"
"""No cluster uses the key yet."""
IN_USE = "IN_USE"
"""A cluster uses the key; it cannot be deleted."""
KEY_STATES: Tuple[str, ...] = (AVAILABLE, IN_USE)
