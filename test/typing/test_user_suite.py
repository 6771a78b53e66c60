"""A user's own pytest suite for their key automation, built on the ``fake_confluent_cloud`` fixture.

Part of the typing corpus (tools/typecheck.py), and run by pytest like any test: the scripts
of this folder do what they claim against the emulator.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import byok_registration
import inventory_export
import pytest
import rotate_keys

import openapi_client
from openapi_client.models.enums import AVAILABLE, VALID
from openapi_client.testing import FakeConfluentCloud


@pytest.fixture
def cloud(fake_confluent_cloud: FakeConfluentCloud) -> FakeConfluentCloud:
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=200)
    fake_confluent_cloud.seed_api_keys(2, owner="sa-payments", resource="lkc-orders", created_at=long_ago)
    fake_confluent_cloud.seed_api_keys(1, owner="sa-payments")
    return fake_confluent_cloud


def test_rotation_replaces_only_stale_keys_and_keeps_their_targets(cloud: FakeConfluentCloud) -> None:
    issued = rotate_keys.main(cloud.configuration(), "sa-payments")
    assert len(issued) == 2 and {c.resource for c in issued} == {"lkc-orders"}
    with cloud.api_client() as api_client:
        api = openapi_client.IamApiKeysApi(api_client)
        remaining = {key.id: key for key in api.iter_iam_v2_api_keys(spec_owner="sa-payments")}
    assert set(rotate_keys.secrets_by_key(issued)) <= set(remaining)
    assert not {c.replaces for c in issued} & set(remaining)
    for credential in issued:
        assert remaining[credential.api_key].spec.owner.id == "sa-payments"
        assert len(credential.api_secret) > 20


def test_inventory_lists_every_key_once(cloud: FakeConfluentCloud) -> None:
    byok_registration.main(cloud.configuration())
    rows = list(csv.reader(io.StringIO(inventory_export.main(cloud.configuration()))))
    assert tuple(rows[0]) == inventory_export.HEADER
    kinds = [row[0] for row in rows[1:]]
    assert kinds.count("api-key") == 3 and kinds.count("byok") == 5
    assert all(row[4].startswith(AVAILABLE) for row in rows[1:] if row[0] == "byok")


def test_byok_registration_accepts_every_documented_form(cloud: FakeConfluentCloud) -> None:
    ready = byok_registration.main(cloud.configuration())
    assert len(ready) == 5 and all(key.validation.phase == VALID for key in ready)
    assert {key.provider for key in ready} == {"AWS", "Azure", "GCP"}
    assert [key.display_name for key in ready if key.display_name] == [
        "variant passed directly",
        "wrapped as generated clients do",
        "a dict body",
    ]
