"""The access a customer must grant Confluent on a registered BYOK key (pure, no I/O).

A BYOK key stays ``INITIALIZING`` until Confluent's principals may use it in the
customer's own cloud account. The service names those principals on the key (AWS
``roles``, Azure ``application_id``, GCP ``security_group``); this module turns them into
the exact grant to apply, as data and as text to paste. The content follows what the
Confluent CLI prints after ``confluent byok create``/``describe`` (confluentinc/cli,
``internal/byok/command_create.go`` and ``gcp_policy_metadata.go``) and Confluent's
key-policy documentation; docs/Workflows.md lists the sources.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any, ClassVar, Dict, List, Optional, Tuple, Union

from openapi_client.exceptions import OpenApiException, WaiterTimeoutError
from openapi_client.models.byok_v1_aws_key import ByokV1AwsKey
from openapi_client.models.byok_v1_azure_key import ByokV1AzureKey
from openapi_client.models.byok_v1_gcp_key import ByokV1GcpKey
from openapi_client.models.byok_v1_key import ByokV1Key

__all__ = [
    "AccessGrant",
    "AwsKeyPolicyGrant",
    "AzureRoleAssignmentGrant",
    "ByokAccessPendingError",
    "GcpIamBindingGrant",
    "GrantNotAvailableError",
    "access_grant",
]

AWS_USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
AWS_GRANT_ACTIONS = ("kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant")

# Azure built-in role definition ids (stable across tenants), as the CLI assigns them.
AZURE_CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
AZURE_KEY_VAULT_READER = "21090545-7ca7-4776-b22c-e363652d74d2"

GCP_PERMISSIONS = (
    "cloudkms.cryptoKeyVersions.useToDecrypt",
    "cloudkms.cryptoKeyVersions.useToEncrypt",
    "cloudkms.cryptoKeys.get",
)
GCP_DEFAULT_ROLE = "custom_kms_role"
_GCP_ROLE_NAME = re.compile(r"^[A-Za-z0-9_.]{3,64}$")
_GCP_KEY_PATH = re.compile(
    r"^projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)/keyRings/(?P<key_ring>[^/]+)"
    r"/cryptoKeys/(?P<crypto_key>[^/]+)(?:/cryptoKeyVersions/[^/]+)?$"
)


class GrantNotAvailableError(OpenApiException, ValueError):
    """The key does not (yet) say whom to grant access to, or is of a kind not known here."""


class ByokAccessPendingError(WaiterTimeoutError):
    """A BYOK key was still being validated when the wait ended; ``grant`` is what to apply.

    The message carries the grant's text (no secret is involved), so a log line or a CI
    failure shows the customer exactly what is missing. ``grant`` is ``None`` when the key
    does not name its principal yet.
    """

    def __init__(self, key: ByokV1Key, timeout: float, grant: Optional[AccessGrant]) -> None:
        self.key = key
        self.grant = grant
        phase = key.validation.phase if key.validation is not None else None
        message = f"BYOK key {key.id} is still {phase or 'not validated'} after {timeout:g}s"
        if grant is not None:
            message += "; Confluent Cloud may not have access to it yet. " + grant.describe()
        super().__init__(message)

    @classmethod
    def for_key(cls, key: ByokV1Key, timeout: float) -> ByokAccessPendingError:
        """The error for ``key`` as last read, with the grant it still needs when it names
        its principal."""
        try:
            grant: Optional[AccessGrant] = access_grant(key)
        except GrantNotAvailableError:
            grant = None
        return cls(key, timeout, grant)


@dataclass(frozen=True)
class AwsKeyPolicyGrant:
    """Two statements to append to the AWS KMS key policy's ``Statement`` list.

    ``roles`` are the IAM role ARNs Confluent uses for this key. The first statement lets
    them use the key; the second lets them attach grants for persistent resources.
    """

    byok_key_id: str
    key_arn: str
    roles: Tuple[str, ...]

    provider: ClassVar[str] = "AWS"
    instructions: ClassVar[str] = (
        "Append these statements to the Statement list of the key policy of {target} "
        "in AWS KMS so that Confluent Cloud may use the key."
    )

    def statements(self) -> List[Dict[str, Any]]:
        """The policy statements, as JSON-ready dictionaries."""
        principal = {"AWS": list(self.roles)}
        return [
            {
                "Sid": "Allow Confluent accounts to use the key",
                "Effect": "Allow",
                "Principal": principal,
                "Action": list(AWS_USE_ACTIONS),
                "Resource": "*",
            },
            {
                "Sid": "Allow Confluent accounts to attach persistent resources",
                "Effect": "Allow",
                "Principal": principal,
                "Action": list(AWS_GRANT_ACTIONS),
                "Resource": "*",
            },
        ]

    def text(self) -> str:
        """The statements as an indented JSON array."""
        return json.dumps(self.statements(), indent=2)

    def describe(self) -> str:
        """What to do, followed by :meth:`text`."""
        return self.instructions.format(target=self.key_arn) + "\n\n" + self.text()


@dataclass(frozen=True)
class AzureRoleAssignmentGrant:
    """Two role assignments on the key vault for the service principal of ``application_id``.

    Confluent's multi-tenant application needs a service principal in the customer's
    tenant; the command looks it up (or creates it) and assigns it "Key Vault Crypto
    Service Encryption User" and "Key Vault Reader" on the vault.
    """

    byok_key_id: str
    key_identifier: str
    key_vault_id: str
    application_id: str
    role_definition_ids: Tuple[str, ...] = (AZURE_CRYPTO_SERVICE_ENCRYPTION_USER, AZURE_KEY_VAULT_READER)

    provider: ClassVar[str] = "Azure"
    instructions: ClassVar[str] = (
        "Run this Azure CLI command to give Confluent Cloud access to the key vault of {target}:"
    )

    def text(self) -> str:
        """The ``az role assignment create`` command (two assignments, joined by ``&&``)."""
        app = shlex.quote(self.application_id)
        object_id = (
            f'"$(az ad sp show --id {app} --query id --out tsv 2>/dev/null'
            f' || az ad sp create --id {app} --query id --out tsv)"'
        )
        commands = [
            " \\\n".join(
                [
                    "az role assignment create",
                    f"    --role {shlex.quote(role)}",
                    f"    --scope {shlex.quote(self.key_vault_id)}",
                    f"    --assignee-object-id {object_id}",
                    "    --assignee-principal-type ServicePrincipal",
                ]
            )
            for role in self.role_definition_ids
        ]
        return " && \\\n".join(commands)

    def describe(self) -> str:
        """What to do, followed by :meth:`text`."""
        return self.instructions.format(target=self.key_identifier) + "\n\n" + self.text()


@dataclass(frozen=True)
class GcpIamBindingGrant:
    """A custom role with the KMS permissions Confluent needs, bound on the key to ``member``.

    ``member`` is ``group:<security_group>``, the Google group Confluent made for this key.
    """

    byok_key_id: str
    project: str
    location: str
    key_ring: str
    crypto_key: str
    security_group: str
    role_id: str
    permissions: Tuple[str, ...] = GCP_PERMISSIONS

    provider: ClassVar[str] = "GCP"
    instructions: ClassVar[str] = "Run this Google Cloud CLI command to give Confluent Cloud access to {target}:"

    @property
    def member(self) -> str:
        return f"group:{self.security_group}"

    @property
    def role(self) -> str:
        """The full name of the custom role, ``projects/<project>/roles/<role_id>``."""
        return f"projects/{self.project}/roles/{self.role_id}"

    def text(self) -> str:
        """``gcloud iam roles create`` then ``gcloud kms keys add-iam-policy-binding``."""
        quote = shlex.quote
        create_role = [
            f"gcloud iam roles create {quote(self.role_id)}",
            f"    --project={quote(self.project)}",
            "    --description='Grant necessary permissions for Confluent to access KMS key'",
            f"    --permissions={quote(','.join(self.permissions))}",
        ]
        bind = [
            f"gcloud kms keys add-iam-policy-binding {quote(self.crypto_key)}",
            f"    --project={quote(self.project)}",
            f"    --keyring={quote(self.key_ring)}",
            f"    --location={quote(self.location)}",
            f"    --member={quote(self.member)}",
            f"    --role={quote(self.role)}",
        ]
        return " \\\n".join(create_role) + " && \\\n" + " \\\n".join(bind)

    def describe(self) -> str:
        """What to do, followed by :meth:`text`."""
        target = (
            f"projects/{self.project}/locations/{self.location}/keyRings/{self.key_ring}/cryptoKeys/{self.crypto_key}"
        )
        return self.instructions.format(target=target) + "\n\n" + self.text()


AccessGrant = Union[AwsKeyPolicyGrant, AzureRoleAssignmentGrant, GcpIamBindingGrant]


def gcp_role_id(key_ring: str, crypto_key: str) -> str:
    """The custom role's id: ``<ring>_<key>_custom_kms_role`` when that is a valid id."""
    candidate = f"{key_ring}_{crypto_key}_custom_kms_role".replace("-", "_")
    return candidate if _GCP_ROLE_NAME.match(candidate) else GCP_DEFAULT_ROLE


def access_grant(key: ByokV1Key) -> AccessGrant:
    """The grant the customer must apply in their cloud for the registered BYOK ``key``.

    Raises :class:`GrantNotAvailableError` when the key does not carry the principal yet
    (``roles``, ``application_id`` or ``security_group`` is empty) or is of an unknown kind.
    """
    byok_key_id = key.id or "<unregistered>"
    variant = key.key.actual_instance if key.key is not None else None
    if isinstance(variant, ByokV1AwsKey):
        if not variant.roles:
            raise GrantNotAvailableError(f"BYOK key {byok_key_id} has no roles yet: nothing to grant to")
        return AwsKeyPolicyGrant(byok_key_id, variant.key_arn, tuple(variant.roles))
    if isinstance(variant, ByokV1AzureKey):
        if not variant.application_id:
            raise GrantNotAvailableError(f"BYOK key {byok_key_id} has no application_id yet: nothing to grant to")
        return AzureRoleAssignmentGrant(byok_key_id, variant.key_id, variant.key_vault_id, variant.application_id)
    if isinstance(variant, ByokV1GcpKey):
        if not variant.security_group:
            raise GrantNotAvailableError(f"BYOK key {byok_key_id} has no security_group yet: nothing to grant to")
        path = _GCP_KEY_PATH.match(variant.key_id)
        if path is None:
            raise GrantNotAvailableError(
                f"BYOK key {byok_key_id}: key_id is not projects/…/locations/…/keyRings/…/cryptoKeys/…"
            )
        parts = path.groupdict()
        return GcpIamBindingGrant(
            byok_key_id,
            parts["project"],
            parts["location"],
            parts["key_ring"],
            parts["crypto_key"],
            variant.security_group,
            gcp_role_id(parts["key_ring"], parts["crypto_key"]),
        )
    kind = getattr(variant, "kind", None)
    raise GrantNotAvailableError(f"BYOK key {byok_key_id} is of kind {kind!r}: no grant is known for it")
