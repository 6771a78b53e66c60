"""BYOK access grants: exact content per cloud, safe as shell text, and the pending-access wait."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
from pathlib import Path
from typing import List

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples

from openapi_client import ByokKeysApi, ByokV1AwsKey, ByokV1AzureKey, ByokV1GcpKey, ByokV1Key, ByokV1KeyKey
from openapi_client.exceptions import KeyValidationFailedError
from openapi_client.testing import FakeConfluentCloud
from openapi_client.workflows import (
    AwsKeyPolicyGrant,
    AzureRoleAssignmentGrant,
    ByokAccessPendingError,
    GcpIamBindingGrant,
    GrantNotAvailableError,
    access_grant,
    wait_for_byok_access,
)

AWS_ARN = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
VAULT = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v1"
GCP_KEY = "projects/acme-prod/locations/us-central1/keyRings/kafka-ring/cryptoKeys/orders-key"


def register(byok: ByokKeysApi, variant: object) -> ByokV1Key:
    return byok.create_byok_v1_key(ByokV1Key(key=variant))


def test_aws_grant_is_the_two_key_policy_statements_for_the_keys_roles(byok: ByokKeysApi) -> None:
    key = register(byok, ByokV1AwsKey(key_arn=AWS_ARN))
    grant = access_grant(key)
    assert isinstance(grant, AwsKeyPolicyGrant)
    roles = key.key.actual_instance.roles  # type: ignore[union-attr]
    assert roles and grant.roles == tuple(roles) and grant.key_arn == AWS_ARN
    statements = json.loads(grant.text())
    assert statements == [
        {
            "Sid": "Allow Confluent accounts to use the key",
            "Effect": "Allow",
            "Principal": {"AWS": roles},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
        },
        {
            "Sid": "Allow Confluent accounts to attach persistent resources",
            "Effect": "Allow",
            "Principal": {"AWS": roles},
            "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            "Resource": "*",
        },
    ]
    assert AWS_ARN in grant.describe()


def test_azure_grant_assigns_both_roles_on_the_vault_to_the_application(byok: ByokKeysApi) -> None:
    key = register(
        byok,
        ByokV1AzureKey(key_id="https://v1.vault.azure.net/keys/k1", key_vault_id=VAULT, tenant_id="t-1"),
    )
    grant = access_grant(key)
    assert isinstance(grant, AzureRoleAssignmentGrant)
    app = key.key.actual_instance.application_id  # type: ignore[union-attr]
    assert grant.application_id == app
    commands = grant.text().split(" && \\\n")
    assert len(commands) == 2
    for command, role in zip(
        commands, ["e147488a-f6f5-4113-8e2d-b22465e65bf6", "21090545-7ca7-4776-b22c-e363652d74d2"]
    ):
        words = shlex.split(command.replace("\\\n", " "))
        assert words[:4] == ["az", "role", "assignment", "create"]
        assert words[words.index("--role") + 1] == role
        assert words[words.index("--scope") + 1] == VAULT
        assert words[words.index("--assignee-principal-type") + 1] == "ServicePrincipal"
        object_id = words[words.index("--assignee-object-id") + 1]
        assert object_id.startswith(f"$(az ad sp show --id {app} --query id --out tsv 2>/dev/null")
        assert object_id.endswith(f"|| az ad sp create --id {app} --query id --out tsv)")


def test_gcp_grant_creates_the_custom_role_and_binds_it_to_the_group(byok: ByokKeysApi) -> None:
    key = register(byok, ByokV1GcpKey(key_id=GCP_KEY))
    grant = access_grant(key)
    assert isinstance(grant, GcpIamBindingGrant)
    group = key.key.actual_instance.security_group  # type: ignore[union-attr]
    assert (grant.project, grant.location, grant.key_ring, grant.crypto_key) == (
        "acme-prod",
        "us-central1",
        "kafka-ring",
        "orders-key",
    )
    assert grant.role_id == "kafka_ring_orders_key_custom_kms_role"
    assert grant.member == f"group:{group}"
    create_role, bind = (shlex.split(part.replace("\\\n", " ")) for part in grant.text().split(" && \\\n"))
    assert create_role[:5] == ["gcloud", "iam", "roles", "create", grant.role_id]
    permissions = (
        "cloudkms.cryptoKeyVersions.useToDecrypt,cloudkms.cryptoKeyVersions.useToEncrypt,cloudkms.cryptoKeys.get"
    )
    assert f"--permissions={permissions}" in create_role
    assert bind[:5] == ["gcloud", "kms", "keys", "add-iam-policy-binding", "orders-key"]
    assert {
        "--project=acme-prod",
        "--keyring=kafka-ring",
        "--location=us-central1",
        f"--member=group:{group}",
        "--role=projects/acme-prod/roles/kafka_ring_orders_key_custom_kms_role",
    } <= set(bind)


def test_gcp_key_version_is_ignored_and_long_names_fall_back_to_the_default_role() -> None:
    long_ring = "r" * 70
    key = ByokV1Key(
        id="cck-1",
        key=ByokV1KeyKey(
            ByokV1GcpKey.model_validate(
                {
                    "key_id": f"projects/p/locations/l/keyRings/{long_ring}/cryptoKeys/k/cryptoKeyVersions/3",
                    "security_group": "g@example.com",
                }
            )
        ),
    )
    grant = access_grant(key)
    assert isinstance(grant, GcpIamBindingGrant)
    assert grant.crypto_key == "k" and grant.role_id == "custom_kms_role"


@pytest.mark.parametrize(
    "variant",
    [
        {"kind": "AwsKey", "key_arn": AWS_ARN},
        {"kind": "AzureKey", "key_id": "https://v.vault.azure.net/keys/k", "key_vault_id": VAULT, "tenant_id": "t"},
        {"kind": "GcpKey", "key_id": GCP_KEY},
        {"kind": "GcpKey", "key_id": "not-a-gcp-path", "security_group": "g@example.com"},
        {"kind": "OracleKey", "key_ocid": "x"},
    ],
)
def test_no_grant_without_its_principal_or_for_unknown_kinds(variant: dict) -> None:
    key = ByokV1Key.from_dict({"id": "cck-9", "key": variant})
    with pytest.raises(GrantNotAvailableError, match="cck-9"):
        access_grant(key)


# Any text but NUL (no shell argument can hold it) and the recorder's record separator.
_hostile = st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\x1e"), min_size=1)

# Stand-ins for the cloud CLIs: each appends its name and arguments, NUL-terminated, then
# a record separator; "az ad sp ..." prints an object id as the real one does.
_RECORDER = """#!/bin/sh
{ printf '%s\\0' "${0##*/}" "$@"; printf '\\036'; } >> "$CLI_LOG"
if [ "$1 $2" = "ad sp" ]; then echo object-id-1; fi
"""


def run_in_shell(text: str, tmp_path: Path) -> List[List[str]]:
    """Run ``text`` with bash, ``az``/``gcloud`` replaced by recorders; their argument lists."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in ("az", "gcloud"):
        tool = bin_dir / name
        tool.write_text(_RECORDER, encoding="utf-8")
        tool.chmod(0o755)
    log = tmp_path / "calls.log"
    log.write_bytes(b"")
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "CLI_LOG": str(log), "LC_ALL": "C.UTF-8"}
    subprocess.run(["bash", "-c", text], check=True, env=env, timeout=30)
    records = log.read_bytes().decode("utf-8").split("\x1e")[:-1]
    return [record.split("\x00")[:-1] for record in records]


def test_azure_command_runs_as_two_role_assignments(tmp_path: Path) -> None:
    grant = AzureRoleAssignmentGrant("cck-1", "https://v.vault.azure.net/keys/k", VAULT, "app-1")
    calls = [c for c in run_in_shell(grant.text(), tmp_path) if c[1] == "role"]
    assert [c[c.index("--role") + 1] for c in calls] == list(grant.role_definition_ids)
    for call in calls:
        assert call[:4] == ["az", "role", "assignment", "create"]
        assert call[call.index("--scope") + 1] == VAULT
        assert call[call.index("--assignee-object-id") + 1] == "object-id-1"


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(app=_hostile, vault=_hostile)
def test_azure_command_passes_hostile_values_as_single_arguments(app: str, vault: str, tmp_path: Path) -> None:
    grant = AzureRoleAssignmentGrant("cck-1", "https://v.vault.azure.net/keys/k", vault, app)
    calls = run_in_shell(grant.text(), tmp_path)
    lookups = [c for c in calls if c[1:3] == ["ad", "sp"]]
    assert lookups and all(c[c.index("--id") + 1] == app for c in lookups)
    assignments = [c for c in calls if c[1] == "role"]
    assert len(assignments) == 2 and all(c[c.index("--scope") + 1] == vault for c in assignments)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(project=_hostile, group=_hostile, ring=_hostile)
def test_gcp_command_passes_hostile_values_as_single_arguments(
    project: str, group: str, ring: str, tmp_path: Path
) -> None:
    grant = GcpIamBindingGrant("cck-1", project, "l", ring, "k", group, "custom_kms_role")
    create_role, bind = run_in_shell(grant.text(), tmp_path)
    assert f"--project={project}" in create_role and f"--project={project}" in bind
    assert f"--member=group:{group}" in bind and f"--keyring={ring}" in bind


@given(roles=st.lists(_hostile, min_size=1, max_size=3))
def test_aws_text_is_json_whatever_the_roles(roles: list) -> None:
    grant = AwsKeyPolicyGrant("cck-1", AWS_ARN, tuple(roles))
    assert [s["Principal"]["AWS"] for s in json.loads(grant.text())] == [roles, roles]


def test_grants_are_frozen() -> None:
    grant = AwsKeyPolicyGrant("cck-1", AWS_ARN, ("arn:aws:iam::1:role/r",))
    with pytest.raises(AttributeError):
        grant.roles = ()  # type: ignore[misc]


def test_waiting_for_access_shows_the_grant_when_validation_stays_pending() -> None:
    with FakeConfluentCloud(byok_validation_delay=60) as cloud, cloud.api_client() as client:
        key = register(ByokKeysApi(client), ByokV1AwsKey(key_arn=AWS_ARN))
        started = time.monotonic()
        with pytest.raises(ByokAccessPendingError) as caught:
            wait_for_byok_access(client, key.id or "", timeout=0.2, poll_interval=0.05)
        assert time.monotonic() - started < 5
        error = caught.value
        assert isinstance(error.grant, AwsKeyPolicyGrant)
        assert "INITIALIZING" in str(error) and error.grant.text() in str(error)
        assert isinstance(error, TimeoutError)


def test_waiting_for_access_returns_the_valid_key_and_stops_at_invalid(cloud: FakeConfluentCloud) -> None:
    with cloud.api_client() as client:
        key = register(ByokKeysApi(client), ByokV1GcpKey(key_id=GCP_KEY))
        assert wait_for_byok_access(client, key.id or "", timeout=5, poll_interval=0.05).id == key.id
        broken = register(ByokKeysApi(client), ByokV1AwsKey(key_arn=AWS_ARN))
        cloud.set_byok_validation(broken.id or "", "INVALID", message="access denied")
        with pytest.raises(KeyValidationFailedError, match="access denied"):
            wait_for_byok_access(client, broken.id or "", timeout=5, poll_interval=0.05)


def test_applying_the_grant_lets_validation_finish() -> None:
    with FakeConfluentCloud(byok_requires_grant=True) as cloud, cloud.api_client() as client:
        key = register(
            ByokKeysApi(client),
            ByokV1AzureKey(key_id="https://v.vault.azure.net/keys/k", key_vault_id=VAULT, tenant_id="t"),
        )
        with pytest.raises(ByokAccessPendingError) as caught:
            wait_for_byok_access(client, key.id or "", timeout=0.2, poll_interval=0.05)
        assert isinstance(caught.value.grant, AzureRoleAssignmentGrant)
        cloud.grant_byok_access(key.id)
        assert wait_for_byok_access(client, key.id or "", timeout=5, poll_interval=0.05).id == key.id
