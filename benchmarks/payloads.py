"""Realistic response bodies, shaped like what the service (and the emulator) sends."""

from __future__ import annotations

import json
from typing import Any, Dict, List

__all__ = [
    "ORG",
    "HOST",
    "api_key",
    "api_key_list",
    "byok_key",
    "byok_key_list",
    "dumps",
]

ORG = "9bb441c4-edef-46ac-8a41-c49e44a3fd9a"
HOST = "https://api.confluent.cloud"


def dumps(value: Any) -> bytes:
    """Compact JSON, as a server writes it."""
    return json.dumps(value, separators=(",", ":")).encode()


def _reference(kind: str, api_version: str, object_id: str, path: str, crn: str, **extra: str) -> Dict[str, Any]:
    ref: Dict[str, Any] = {"id": object_id}
    ref.update(extra)
    ref.update(
        {
            "related": f"{HOST}/{path}/{object_id}",
            "resource_name": f"crn://confluent.cloud/organization={ORG}/{crn}={object_id}",
            "api_version": api_version,
            "kind": kind,
        }
    )
    return ref


def api_key(index: int = 0, *, with_secret: bool = False) -> Dict[str, Any]:
    """An API key for a service account on a Kafka cluster (``with_secret``: the create answer)."""
    key_id = f"ABCDEF{index:010d}"
    cluster = _reference(
        "Cluster",
        "cmk/v2",
        "lkc-95w6wy",
        "cmk/v2/clusters",
        "environment=env-a12b3/cloud-cluster",
        environment="env-a12b3",
    )
    spec: Dict[str, Any] = {
        "display_name": f"ci-deployer-{index}",
        "description": "Deploys connectors from the release pipeline",
        "owner": _reference("ServiceAccount", "iam/v2", "sa-12mgdv", "iam/v2/service-accounts", "service-account"),
        "resource": cluster,
        "resources": [cluster],
    }
    if with_secret:
        spec["secret"] = "x7Vq2Lr9Tz0Kp4Wm8Ys1Nd6Hf3Jc5Gb0Qa2Ue7Ri9Ol4Ek1Bn8Mv3Xt6Zw5Py2Cs"
    return {
        "api_version": "iam/v2",
        "kind": "ApiKey",
        "id": key_id,
        "metadata": {
            "self": f"{HOST}/iam/v2/api-keys/{key_id}",
            "resource_name": f"crn://confluent.cloud/organization={ORG}/api-key={key_id}",
            "created_at": "2026-10-02T08:15:30.123456Z",
            "updated_at": "2026-10-12T17:42:05.654321Z",
        },
        "spec": spec,
    }


_KEY_MATERIAL: Dict[str, Dict[str, Any]] = {
    "AwsKey": {
        "key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "roles": [
            "arn:aws:iam::123456789876:role/block_storage_manager",
            "arn:aws:iam::987654321234:role/cc-kafka-1111aaaa-11aa-11aa-11aa-111111aaaaaa",
        ],
        "kind": "AwsKey",
    },
    "AzureKey": {
        "application_id": "11111111-2222-3333-4444-555555555555",
        "key_id": "https://vault-name.vault.azure.net/keys/key-name",
        "key_vault_id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-name"
        "/providers/Microsoft.KeyVault/vaults/vault-name",
        "kind": "AzureKey",
        "tenant_id": "00000000-0000-0000-0000-000000000000",
    },
    "GcpKey": {
        "key_id": "projects/exampleproject/locations/us-central1/keyRings/testkeyring/cryptoKeys/testbyokkey",
        "security_group": "cc-byok-8f2d@confluent-managed.example.com",
        "kind": "GcpKey",
    },
}
_PROVIDERS = {"AwsKey": ("AWS", "us-west-2"), "AzureKey": ("Azure", "westeurope"), "GcpKey": ("GCP", "us-central1")}


def byok_key(kind: str = "AwsKey", index: int = 0) -> Dict[str, Any]:
    """A validated BYOK key of the given ``kind`` (AwsKey, AzureKey or GcpKey)."""
    key_id = f"cck-{index:05d}"
    provider, region = _PROVIDERS[kind]
    return {
        "api_version": "byok/v1",
        "kind": "Key",
        "id": key_id,
        "metadata": {
            "self": f"{HOST}/byok/v1/keys/{key_id}",
            "resource_name": f"crn://confluent.cloud/organization={ORG}/key={key_id}",
            "created_at": "2026-09-14T11:03:27.000001Z",
            "updated_at": "2026-09-14T11:05:01.250000Z",
        },
        "key": dict(_KEY_MATERIAL[kind]),
        "display_name": f"billing-cluster-key-{index}",
        "provider": provider,
        "state": "AVAILABLE",
        "validation": {
            "phase": "VALID",
            "since": "2026-09-14T11:05:01.250000Z",
            "region": region,
        },
    }


def _list(api_version: str, path: str, items: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {
        "api_version": api_version,
        "kind": "KeyList" if api_version == "byok/v1" else "ApiKeyList",
        "metadata": {
            "first": f"{HOST}/{path}?page_size={len(items)}",
            "next": f"{HOST}/{path}?page_size={len(items)}&page_token=UvmDWOB1iwfAIBPj6EYb",
            "total_size": 10 * len(items),
        },
        "data": items,
    }


def api_key_list(count: int = 100) -> Dict[str, Any]:
    """A page of ``count`` API keys with a ``next`` link."""
    return _list("iam/v2", "iam/v2/api-keys", [api_key(i) for i in range(count)])


def byok_key_list(count: int = 100) -> Dict[str, Any]:
    """A page of ``count`` BYOK keys, the three kinds in turn."""
    kinds = ("AwsKey", "AzureKey", "GcpKey")
    return _list("byok/v1", "byok/v1/keys", [byok_key(kinds[i % 3], i) for i in range(count)])
