"""Key lifecycle behaviour workflows are tested against (issue 14): credential propagation,
revocation on delete, flaky authentication, and BYOK keys waiting for the customer's grant."""

from __future__ import annotations

import base64
import time
from typing import Any, Dict, Tuple

import pytest
import urllib3

from openapi_client.testing import FakeConfluentCloud

IAM = "/iam/v2/api-keys"
BYOK = "/byok/v1/keys"


def basic(key: str, secret: str) -> Dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}


def create_cloud_key(cloud: FakeConfluentCloud) -> Tuple[str, str]:
    created = urllib3.request(
        "POST",
        cloud.host + IAM,
        json={"spec": {"owner": {"id": "sa-1"}, "resource": {"id": "CLOUD"}}},
        headers=basic(cloud.api_key, cloud.api_secret),
    ).json()
    return created["id"], created["spec"]["secret"]


def status_with(cloud: FakeConfluentCloud, key: str, secret: str, path: str = IAM) -> int:
    return urllib3.request("GET", cloud.host + path, headers=basic(key, secret), retries=False).status


def test_a_new_keys_credentials_are_refused_until_the_propagation_delay_passes() -> None:
    with FakeConfluentCloud(api_key_propagation_delay=0.4) as cloud:
        key, secret = create_cloud_key(cloud)
        early = [status_with(cloud, key, secret, path) for path in (IAM, BYOK)]
        # The key itself is readable at once by others (propagation is about its credentials).
        readable = urllib3.request("GET", f"{cloud.host}{IAM}/{key}", headers=basic(cloud.api_key, cloud.api_secret))
        time.sleep(0.5)
        later = [status_with(cloud, key, secret, path) for path in (IAM, BYOK)]

    assert early == [401, 401] and readable.status == 200
    assert later == [200, 200]


def test_seeded_and_global_keys_are_usable_at_once() -> None:
    with FakeConfluentCloud(api_key_propagation_delay=30) as cloud:
        key, secret = cloud.add_global_api_key()
        assert status_with(cloud, key, secret, BYOK) == 200


def test_deleting_a_key_revokes_its_credentials_at_once(cloud: FakeConfluentCloud) -> None:
    key, secret = create_cloud_key(cloud)
    assert status_with(cloud, key, secret) == 200

    deleted = urllib3.request("DELETE", f"{cloud.host}{IAM}/{key}", headers=basic(cloud.api_key, cloud.api_secret))

    assert deleted.status == 204
    assert status_with(cloud, key, secret) == 401
    assert status_with(cloud, key, secret, BYOK) == 401


@pytest.mark.parametrize("times", [1, 3])
def test_flapping_refuses_exactly_the_next_authentications_with_that_key(cloud: FakeConfluentCloud, times: int) -> None:
    key, secret = create_cloud_key(cloud)
    other_key, other_secret = create_cloud_key(cloud)
    assert status_with(cloud, key, secret) == 200

    cloud.flap_api_key_auth(key, times=times)

    assert status_with(cloud, other_key, other_secret) == 200  # only that key flaps
    assert [status_with(cloud, key, secret, BYOK) for _ in range(times)] == [401] * times
    assert status_with(cloud, key, secret) == 200
    assert status_with(cloud, key, "wrong secret") == 401


@pytest.mark.parametrize(("key_id", "times", "error"), [("NOSUCHKEY", 1, KeyError), (None, 0, ValueError)])
def test_flap_arguments_are_checked(cloud: FakeConfluentCloud, key_id: Any, times: int, error: type) -> None:
    with pytest.raises(error):
        cloud.flap_api_key_auth(key_id or create_cloud_key(cloud)[0], times=times)


def register(cloud: FakeConfluentCloud) -> str:
    answer = urllib3.request(
        "POST",
        cloud.host + BYOK,
        json={"key": {"kind": "AwsKey", "key_arn": "arn:aws:kms:us-west-2:111122223333:key/k1"}},
        headers=basic(cloud.api_key, cloud.api_secret),
    )
    assert answer.status == 201
    return answer.json()["id"]  # type: ignore[no-any-return]


def validation(cloud: FakeConfluentCloud, key_id: str) -> Dict[str, Any]:
    answer = urllib3.request("GET", f"{cloud.host}{BYOK}/{key_id}", headers=basic(cloud.api_key, cloud.api_secret))
    return answer.json()["validation"]  # type: ignore[no-any-return]


def test_a_byok_key_waits_for_the_grant_then_validates_after_the_delay() -> None:
    with FakeConfluentCloud(byok_requires_grant=True, byok_validation_delay=0.3) as cloud:
        key_id = register(cloud)
        time.sleep(0.4)
        before_grant = validation(cloud, key_id)
        cloud.grant_byok_access(key_id)
        just_granted = validation(cloud, key_id)
        time.sleep(0.4)
        valid = validation(cloud, key_id)
        cloud.grant_byok_access(key_id)  # granting again changes nothing
        again = validation(cloud, key_id)

    assert before_grant["phase"] == just_granted["phase"] == "INITIALIZING"
    assert "region" not in before_grant
    assert valid["phase"] == "VALID" and valid["region"] == "us-west-2"
    assert again == valid


def test_without_byok_requires_grant_keys_validate_by_themselves(cloud: FakeConfluentCloud) -> None:
    key_id = register(cloud)
    assert validation(cloud, key_id)["phase"] == "VALID"
    with pytest.raises(KeyError):
        cloud.grant_byok_access("cck-nope0")
