"""A user's BYOK registration: register keys in each documented form and wait for validation.

Part of the typing corpus (tools/typecheck.py); test_corpus_runs.py runs it on the emulator.
"""

from __future__ import annotations

from typing import List

import openapi_client
from openapi_client import ByokV1AwsKey, ByokV1AzureKey, ByokV1GcpKey, ByokV1Key, ByokV1KeyKey
from openapi_client.models.enums import INITIALIZING, INVALID, VALID
from openapi_client.models.request_dicts import ByokV1KeyDict
from openapi_client.models.responses import ByokV1KeyCreated, ByokV1KeyRead

AWS_ARN = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def bodies() -> List[ByokV1Key]:
    """The same kind of request, written each way the docs show."""
    return [
        ByokV1Key(key=ByokV1AwsKey(key_arn=AWS_ARN), display_name="variant passed directly"),
        ByokV1Key(key=ByokV1KeyKey(ByokV1GcpKey(key_id="projects/p/locations/l/keyRings/r/cryptoKeys/a"))),
        ByokV1Key(key=ByokV1KeyKey(root=ByokV1GcpKey(key_id="projects/p/locations/l/keyRings/r/cryptoKeys/b"))),
        ByokV1Key(
            key=ByokV1KeyKey(
                actual_instance=ByokV1AzureKey(
                    key_id="https://vault-name.vault.azure.net/keys/key-name",
                    key_vault_id="/subscriptions/0/resourceGroups/g/providers/Microsoft.KeyVault/vaults/v",
                    tenant_id="00000000-0000-0000-0000-000000000000",
                )
            ),
            display_name="wrapped as generated clients do",
        ),
    ]


def register(api: openapi_client.ByokKeysApi) -> List[ByokV1KeyCreated]:
    created = [api.create_byok_v1_key(body) for body in bodies()]
    as_dict: ByokV1KeyDict = {"key": {"kind": "AwsKey", "key_arn": AWS_ARN + "-dict"}, "display_name": "a dict body"}
    created.append(api.create_byok_v1_key(as_dict))
    return created


def roles_to_grant(key: ByokV1KeyRead) -> List[str]:
    variant = key.key.actual_instance
    return list(variant.roles or []) if isinstance(variant, ByokV1AwsKey) else []


def wait_all(api: openapi_client.ByokKeysApi, created: List[ByokV1KeyCreated]) -> List[ByokV1KeyRead]:
    ready: List[ByokV1KeyRead] = []
    for key in created:
        current = api.get_byok_v1_key(key.id)
        if current.validation.phase == INITIALIZING:
            print(f"{key.id}: grant {roles_to_grant(current)} then wait")
        try:
            ready.append(api.wait_for_byok_v1_key(key.id, timeout=30, poll_interval=0.05))
        except openapi_client.KeyValidationFailedError as failed:
            assert failed.key.validation.phase == INVALID
            print(f"{key.id}: {failed.key.validation.message}")
    assert all(key.validation.phase == VALID for key in ready)
    return ready


def main(configuration: openapi_client.Configuration) -> List[ByokV1KeyRead]:
    with openapi_client.ApiClient(configuration) as api_client:
        api = openapi_client.ByokKeysApi(api_client)
        return wait_all(api, register(api))
