"""A user's rotation job: replace every API key of a service account older than N days.

Part of the typing corpus (tools/typecheck.py): written the way a user writes it, with no
``None`` checks for what the API document guarantees, no casts and no ``type: ignore``.
test_corpus_runs.py runs it against the emulator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional

import openapi_client
from openapi_client.models.request_dicts import IamV2ApiKeyDict


@dataclass(frozen=True)
class NewCredential:
    api_key: str
    api_secret: str
    resource: Optional[str]
    replaces: str


def rotate(
    api: openapi_client.IamApiKeysApi, owner: str, max_age: dt.timedelta, now: dt.datetime
) -> List[NewCredential]:
    """Create a replacement for each stale key of ``owner`` (same resource), then delete the old one."""
    stale = [
        key
        for key in api.iter_iam_v2_api_keys(spec_owner=owner)
        if key.metadata.created_at is not None and now - key.metadata.created_at > max_age
    ]
    issued: List[NewCredential] = []
    for old in stale:
        resource = old.spec.resource
        body: IamV2ApiKeyDict = {
            "spec": {
                "owner": {"id": old.spec.owner.id},
                "resource": {"id": resource.id} if resource is not None else None,
                "display_name": old.spec.display_name or old.id,
                "description": f"replaces {old.id}",
            }
        }
        created = api.create_iam_v2_api_key(body)
        api.wait_for_iam_v2_api_key(created.id, timeout=30, poll_interval=0.05)
        issued.append(
            NewCredential(
                api_key=created.id,
                api_secret=created.spec.secret.get_secret_value(),
                resource=resource.id if resource is not None else None,
                replaces=old.id,
            )
        )
        api.delete_iam_v2_api_key(old.id)
    return issued


def secrets_by_key(issued: List[NewCredential]) -> Dict[str, str]:
    return {credential.api_key: credential.api_secret for credential in issued}


def main(configuration: openapi_client.Configuration, owner: str) -> List[NewCredential]:
    with openapi_client.ApiClient(configuration) as api_client:
        api = openapi_client.IamApiKeysApi(api_client)
        now = dt.datetime.now(dt.timezone.utc)
        return rotate(api, owner, dt.timedelta(days=90), now)
