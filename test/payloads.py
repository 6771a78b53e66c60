"""Realistic response documents, shaped like what Confluent Cloud returns."""

from __future__ import annotations

import json
from typing import Any, Dict

HOST = "https://api.confluent.cloud"

API_KEY: Dict[str, Any] = {
    "api_version": "iam/v2",
    "kind": "ApiKey",
    "id": "HDS3YFUAYMZL4GDB",
    "metadata": {
        "self": f"{HOST}/iam/v2/api-keys/HDS3YFUAYMZL4GDB",
        "resource_name": "crn://api.confluent.cloud/organization=9bb441c4-edef-46ac-8a41-c49e44a3fd9a/api-key=HDS3YFUAYMZL4GDB",
        "created_at": "2024-03-20T15:30:00Z",
        "updated_at": "2024-03-21T08:01:02.123456Z",
    },
    "spec": {
        "display_name": "CI kafka access key",
        "description": "Lets the nightly job produce to the orders topic",
        "owner": {
            "id": "sa-r7d2m1",
            "related": f"{HOST}/iam/v2/service-accounts/sa-r7d2m1",
            "resource_name": "crn://api.confluent.cloud/organization=9bb441c4-edef-46ac-8a41-c49e44a3fd9a/service-account=sa-r7d2m1",
            "api_version": "iam/v2",
            "kind": "ServiceAccount",
        },
        "resource": {
            "id": "lkc-c29js0",
            "environment": "env-abc123",
            "related": f"{HOST}/cmk/v2/clusters/lkc-c29js0",
            "resource_name": "crn://api.confluent.cloud/organization=9bb441c4-edef-46ac-8a41-c49e44a3fd9a/environment=env-abc123/cloud-cluster=lkc-c29js0",
            "api_version": "cmk/v2",
            "kind": "Cluster",
        },
    },
}

SECRET = "R15hoiDIq8Nxu/lY4mPO3DwAVIfU5W7OI+efsB607mLgHTnVW5XJGVqX2ysDx987"

CREATED_API_KEY: Dict[str, Any] = json.loads(json.dumps(API_KEY))
CREATED_API_KEY["spec"]["secret"] = SECRET

CLOUD_API_KEY: Dict[str, Any] = {
    "api_version": "iam/v2",
    "kind": "ApiKey",
    "id": "QWERTYUIOPASDFGH",
    "metadata": {"self": f"{HOST}/iam/v2/api-keys/QWERTYUIOPASDFGH", "created_at": "2023-01-01T00:00:00Z"},
    "spec": {
        "display_name": "",
        "owner": {
            "id": "u-a83k9b",
            "related": f"{HOST}/iam/v2/users/u-a83k9b",
            "resource_name": "crn://x/user=u-a83k9b",
        },
        "resource": None,
    },
}

API_KEY_LIST: Dict[str, Any] = {
    "api_version": "iam/v2",
    "kind": "ApiKeyList",
    "metadata": {
        "first": f"{HOST}/iam/v2/api-keys",
        "next": f"{HOST}/iam/v2/api-keys?page_size=2&page_token=UvmDWOB1iwfAIBPj6EYb",
        "total_size": 3,
    },
    "data": [API_KEY, CLOUD_API_KEY],
}

VALIDATION = {"phase": "VALID", "since": "2024-03-20T15:30:00Z", "region": "us-west-2"}

AWS_KEY: Dict[str, Any] = {
    "api_version": "byok/v1",
    "kind": "Key",
    "id": "cck-abc12",
    "metadata": {
        "self": f"{HOST}/byok/v1/keys/cck-abc12",
        "resource_name": "crn://api.confluent.cloud/organization=9bb441c4/byok-key=cck-abc12",
        "created_at": "2024-03-20T15:30:00Z",
        "updated_at": "2024-03-20T15:30:00Z",
    },
    "key": {
        "kind": "AwsKey",
        "key_arn": "arn:aws:kms:us-west-2:037803949979:key/0e2609e3-a0bf-4f39-aedf-8b1f63b16d81",
        "roles": [
            "arn:aws:iam::123456789876:role/block_storage_manager",
            "arn:aws:iam::987654321234:role/cc-kafka-1111aaaa-11aa-11aa-11aa-111111aaaaaa",
        ],
    },
    "display_name": "Key for billing cluster",
    "provider": "AWS",
    "state": "AVAILABLE",
    "validation": VALIDATION,
}

AZURE_KEY: Dict[str, Any] = {
    "api_version": "byok/v1",
    "kind": "Key",
    "id": "cck-az001",
    "metadata": {"self": f"{HOST}/byok/v1/keys/cck-az001", "created_at": "2024-03-20T15:30:00Z"},
    "key": {
        "kind": "AzureKey",
        "key_id": "https://vault-name.vault.azure.net/keys/key-name",
        "key_vault_id": "/subscriptions/s-1/resourceGroups/g-1/providers/Microsoft.KeyVault/vaults/vault-name",
        "tenant_id": "00000000-0000-0000-0000-000000000000",
        "application_id": "11111111-1111-1111-1111-111111111111",
    },
    "provider": "Azure",
    "state": "IN_USE",
    "validation": {"phase": "INVALID", "since": "2024-03-20T15:30:00Z", "message": "Access to key denied."},
}

GCP_KEY: Dict[str, Any] = {
    "api_version": "byok/v1",
    "kind": "Key",
    "id": "cck-gcp01",
    "metadata": {"self": f"{HOST}/byok/v1/keys/cck-gcp01", "created_at": "2024-03-20T15:30:00Z"},
    "key": {
        "kind": "GcpKey",
        "key_id": "projects/p/locations/us/keyRings/r/cryptoKeys/k",
        "security_group": "testgroupid@domain.com",
    },
    "display_name": "GCP key",
    "provider": "GCP",
    "state": "AVAILABLE",
    "validation": {"phase": "INITIALIZING", "since": "2024-03-20T15:30:00Z"},
}

BYOK_KEY_LIST: Dict[str, Any] = {
    "api_version": "byok/v1",
    "kind": "KeyList",
    "metadata": {"first": f"{HOST}/byok/v1/keys", "next": None},
    "data": [AWS_KEY, AZURE_KEY, GCP_KEY],
}

FAILURE: Dict[str, Any] = {
    "errors": [
        {
            "id": "ed42afdc-f0d5-4c0d-b428-9fc6ed6e279d",
            "status": "422",
            "code": "invalid_configuration",
            "title": "Validation Failed",
            "detail": "The property '/spec/owner' is missing",
            "source": {"pointer": "/spec/owner"},
        },
        {"status": "400", "code": "invalid_filter", "title": "Invalid Filter", "source": {"parameter": "num_doors"}},
    ]
}
