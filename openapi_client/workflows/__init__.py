"""Key lifecycle workflows: usable-waiting, rotation, BYOK access grants, key ages.

The decision logic (what to do next, markers, results, grant content) lives in pure
modules (:mod:`.usability`, :mod:`.rotation`, :mod:`.grants`, :mod:`.ages`;
key kinds come from :mod:`openapi_client.api_key_kinds`); :mod:`.sync` drives it over a
blocking :class:`~openapi_client.ApiClient`.
"""

from openapi_client.api_key_kinds import ApiKeyKind, api_key_kind
from openapi_client.workflows.ages import key_age, older_than
from openapi_client.workflows.grants import (
    AccessGrant,
    AwsKeyPolicyGrant,
    AzureRoleAssignmentGrant,
    ByokAccessPendingError,
    GcpIamBindingGrant,
    GrantNotAvailableError,
    access_grant,
)
from openapi_client.workflows.rotation import (
    Handover,
    KeyHandover,
    KeySelection,
    LeaseOptions,
    Outcome,
    RotationError,
    RotationPlan,
    RotationResult,
    RotationStep,
    RotationSummary,
)
from openapi_client.workflows.sync import (
    Progress,
    rotate_api_key,
    rotate_api_keys,
    wait_for_byok_access,
    wait_until_usable,
)
from openapi_client.workflows.usability import (
    DEFAULT_SETTLE_DELAYS,
    KeyNotUsableError,
    Probe,
    Strategy,
    Usability,
    UsabilityOptions,
)

__all__ = [
    "DEFAULT_SETTLE_DELAYS",
    "AccessGrant",
    "ApiKeyKind",
    "AwsKeyPolicyGrant",
    "AzureRoleAssignmentGrant",
    "ByokAccessPendingError",
    "GcpIamBindingGrant",
    "GrantNotAvailableError",
    "Handover",
    "KeyHandover",
    "KeyNotUsableError",
    "KeySelection",
    "LeaseOptions",
    "Outcome",
    "Probe",
    "Progress",
    "Usability",
    "UsabilityOptions",
    "RotationError",
    "RotationPlan",
    "RotationResult",
    "RotationStep",
    "RotationSummary",
    "Strategy",
    "access_grant",
    "api_key_kind",
    "key_age",
    "older_than",
    "rotate_api_key",
    "rotate_api_keys",
    "wait_for_byok_access",
    "wait_until_usable",
]
