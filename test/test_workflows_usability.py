"""wait_until_usable over real HTTP: own-credential probes, caller probes, settle delays."""

from __future__ import annotations

import logging
import time
from typing import List, Tuple

import pytest
from hypothesis import given, strategies as st

import openapi_client
from openapi_client import ConfluentOAuth, IamApiKeysApi, IamV2ApiKey, IamV2ApiKeySpec, ObjectReference
from openapi_client.testing import FakeConfluentCloud
from openapi_client.workflows import (
    ApiKeyKind,
    KeyNotUsableError,
    Strategy,
    UsabilityOptions,
    api_key_kind,
    wait_until_usable,
)
from openapi_client.workflows.usability import UsabilityTracker

FAST = UsabilityOptions(timeout=5.0, poll_interval=0.02, settle_delays={kind: 0.0 for kind in ApiKeyKind})


def create(iam: IamApiKeysApi, resource: str | None = None, owner: str = "sa-ready") -> IamV2ApiKey:
    return iam.create_iam_v2_api_key(
        IamV2ApiKey(
            spec=IamV2ApiKeySpec(
                owner=ObjectReference(id=owner), resource=ObjectReference(id=resource) if resource else None
            )
        )
    )


def requests_since_create(cloud: FakeConfluentCloud) -> List[str]:
    """``METHOD path status`` of each request after the last create (the emulator masks
    credentials in its log, so a probe is known by what it asks, not by who asks)."""
    recorded = cloud.requests
    last_create = max(i for i, r in enumerate(recorded) if r.method == "POST")
    return [f"{r.method} {r.path} {r.status}" for r in recorded[last_create + 1 :]]


def test_a_cloud_key_is_probed_with_its_own_credentials_until_accepted_twice(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi
) -> None:
    key = create(iam)
    assert key.id is not None
    cloud.fail_next(3, status=401, path=f"/iam/v2/api-keys/{key.id}", method="GET")  # not propagated yet
    usability = wait_until_usable(iam.api_client, key, options=FAST)
    assert usability.strategy is Strategy.CLOUD_API_PROBE
    assert usability.probes == 5  # three refusals, then two acceptances in a row
    path = f"GET /iam/v2/api-keys/{key.id}"
    assert requests_since_create(cloud) == [f"{path} 401"] * 3 + [f"{path} 200"] * 2


def test_a_refusal_after_an_acceptance_starts_the_count_over(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    key = create(iam, "CLOUD")
    assert key.id is not None
    path = f"/iam/v2/api-keys/{key.id}"
    cloud.fail_next(1, status=401, path=path, method="GET")
    cloud.respond_next(1, status=200, body=key.to_json().encode(), path=path, method="GET")
    cloud.fail_next(1, status=401, path=path, method="GET")  # a node that had not heard of it yet
    usability = wait_until_usable(iam.api_client, key, options=FAST, consecutive_successes=3)
    assert usability.probes == 6


def test_403_counts_as_authenticated(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    key = create(iam)
    cloud.fail_next(5, status=403, path=f"/iam/v2/api-keys/{key.id}", method="GET")
    assert wait_until_usable(iam.api_client, key, options=FAST).probes == 2


def test_timeout_names_the_key_and_the_probes(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    key = create(iam)
    cloud.fail_next(1000, status=401, path=f"/iam/v2/api-keys/{key.id}", method="GET")
    started = time.monotonic()
    with pytest.raises(KeyNotUsableError) as caught:
        wait_until_usable(iam.api_client, key, options=FAST, timeout=0.3)
    assert time.monotonic() - started < 3
    assert caught.value.key_id == key.id and caught.value.probes >= 2
    assert key.id in str(caught.value)
    assert key.spec is not None and key.spec.secret is not None
    assert key.spec.secret.get_secret_value() not in str(caught.value)


def test_cluster_keys_use_the_callers_probe(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    key = create(iam, "lkc-abc123")
    seen: List[Tuple[str, str]] = []
    answers = iter([False, True, False, True, True])

    def probe(key_id: str, secret: str) -> bool:
        seen.append((key_id, secret))
        return next(answers)

    usability = wait_until_usable(iam.api_client, key, probe=probe, options=FAST)
    assert usability.strategy is Strategy.CALLER_PROBE and usability.probes == 5
    assert key.spec is not None and key.spec.secret is not None
    assert set(seen) == {(key.id, key.spec.secret.get_secret_value())}
    assert requests_since_create(cloud) == []


@pytest.mark.parametrize(
    "resource", ["lkc-abc123", "lsrc-abc123", "lksqlc-abc123", "env-abc123.aws.us-east-2", "tableflow"]
)
def test_keys_nothing_can_probe_wait_until_readable_then_settle(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi, resource: str
) -> None:
    key = create(iam, resource)
    kind = api_key_kind(resource)
    started = time.monotonic()
    usability = wait_until_usable(iam.api_client, key, options=FAST, settle_delays={kind: 0.3})
    assert usability.strategy is Strategy.SETTLE_DELAY
    assert time.monotonic() - started >= 0.3
    # One admin GET (readable); the key's own credentials would get 401 on the Cloud API.
    assert requests_since_create(cloud) == [f"GET /iam/v2/api-keys/{key.id} 200"]


def test_settle_delay_follows_a_slow_read(iam: IamApiKeysApi) -> None:
    with FakeConfluentCloud(api_key_visibility_delay=0.3) as slow, slow.api_client() as client:
        key = create(IamApiKeysApi(client), "lkc-abc123")
        usability = wait_until_usable(client, key, options=FAST)
        assert usability.seconds >= 0.25


def test_disabled_returns_at_once_without_a_request(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    key = create(iam)
    cloud.clear_requests()
    usability = wait_until_usable(iam.api_client, key, enabled=False)
    assert usability.strategy is Strategy.DISABLED and usability.probes == 0
    assert cloud.requests == []


def test_logs_name_the_key_but_never_its_secret(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi, caplog: pytest.LogCaptureFixture
) -> None:
    key = create(iam)
    cloud.fail_next(2, status=401, path=f"/iam/v2/api-keys/{key.id}", method="GET")
    with caplog.at_level(logging.DEBUG):
        wait_until_usable(iam.api_client, key, options=FAST)
    assert key.spec is not None and key.spec.secret is not None
    secret = key.spec.secret.get_secret_value()
    assert any(key.id in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)
    assert all(secret not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("option", "value"),
    [("timeout", -1.0), ("poll_interval", 0.0), ("consecutive_successes", 0), ("consecutive_successes", True)],
)
def test_bad_options_name_the_parameter(iam: IamApiKeysApi, option: str, value: object) -> None:
    key = create(iam)
    with pytest.raises(openapi_client.ApiValueError, match=option):
        wait_until_usable(iam.api_client, key, **{option: value})  # type: ignore[arg-type]


def test_a_key_without_its_secret_is_refused(iam: IamApiKeysApi) -> None:
    listed = create(iam)
    fetched = iam.get_iam_v2_api_key(listed.id or "")
    with pytest.raises(openapi_client.ApiValueError, match="key"):
        wait_until_usable(iam.api_client, fetched)


def test_propagation_delay_is_waited_out() -> None:
    with FakeConfluentCloud(api_key_propagation_delay=0.4) as slow, slow.api_client() as client:
        key = create(IamApiKeysApi(client))
        usability = wait_until_usable(client, key, options=FAST)
        assert usability.seconds >= 0.35 and usability.probes >= 3


def test_flapping_authentication_needs_a_fresh_streak(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    key = create(iam)
    cloud.flap_api_key_auth(key.id, times=1)
    assert wait_until_usable(iam.api_client, key, options=FAST).probes == 3


def test_a_global_key_is_probed_on_the_byok_api(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    key = create(iam, "GLOBAL")
    usability = wait_until_usable(iam.api_client, key, options=FAST)
    assert usability.strategy is Strategy.BYOK_API_PROBE
    assert requests_since_create(cloud) == ["GET /byok/v1/keys 200"] * 2


@pytest.mark.parametrize(
    ("resource", "kind"),
    [
        (None, ApiKeyKind.CLOUD),
        ("CLOUD", ApiKeyKind.CLOUD),
        ("cloud", ApiKeyKind.CLOUD),
        ("Global", ApiKeyKind.GLOBAL),
        ("TABLEFLOW", ApiKeyKind.TABLEFLOW),
        ("lkc-12345", ApiKeyKind.KAFKA),
        ("lsrc-12345", ApiKeyKind.SCHEMA_REGISTRY),
        ("lksqlc-12345", ApiKeyKind.KSQLDB),
        ("env-abc123.aws.us-east-2", ApiKeyKind.FLINK),
        ("something-else", ApiKeyKind.OTHER),
    ],
)
def test_kinds_from_resource_ids(resource: str | None, kind: ApiKeyKind) -> None:
    assert api_key_kind(resource) is kind


@given(st.lists(st.booleans(), max_size=30), st.integers(min_value=1, max_value=4))
def test_tracker_is_usable_exactly_after_n_acceptances_in_a_row(outcomes: List[bool], needed: int) -> None:
    tracker = UsabilityTracker("k", Strategy.CALLER_PROBE, UsabilityOptions(consecutive_successes=needed), 0.0)
    streak = 0
    for outcome in outcomes:
        tracker.record(outcome)
        streak = streak + 1 if outcome else 0
        assert tracker.usable == (streak >= needed)
    assert tracker.probes == len(outcomes)


def test_an_exception_from_the_callers_probe_ends_the_wait(iam: IamApiKeysApi) -> None:
    key = create(iam, "lkc-abc123")

    def probe(key_id: str, secret: str) -> bool:
        raise ConnectionRefusedError("cluster unreachable")

    started = time.monotonic()
    with pytest.raises(ConnectionRefusedError):
        wait_until_usable(iam.api_client, key, probe=probe, options=FAST)
    assert time.monotonic() - started < 1


def test_a_server_error_on_a_probe_is_not_an_acceptance(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    key = create(iam)
    with openapi_client.ApiClient(cloud.configuration(retries=False)) as strict:
        cloud.fail_next(1, status=500, path=f"/iam/v2/api-keys/{key.id}", method="GET")
        cloud.fail_next(1, status=429, path=f"/iam/v2/api-keys/{key.id}", method="GET")
        assert wait_until_usable(strict, key, options=FAST).probes == 4  # two without a verdict, then two accepted


def test_probes_with_an_oauth_client_use_the_new_key_not_a_refreshed_token(cloud: FakeConfluentCloud) -> None:
    provider = ConfluentOAuth(
        cloud.identity_pool_id, lambda: cloud.issue_subject_token(), sts_url=f"{cloud.host}/sts/v1/oauth2/token"
    )
    config = openapi_client.Configuration(host=cloud.host, credentials=provider)
    with openapi_client.ApiClient(config) as client:
        key = create(IamApiKeysApi(client))
        exchanges = cloud.sts_exchanges
        cloud.fail_next(2, status=401, path=f"/iam/v2/api-keys/{key.id}", method="GET")
        assert wait_until_usable(client, key, options=FAST).probes == 4  # each 401 was the key's own "not yet"
        assert cloud.sts_exchanges == exchanges


@pytest.mark.parametrize(
    ("resource", "kind", "strategy"),
    [
        # As Confluent Cloud answers a create (Terraform provider's test data, test/corpus).
        (
            {"id": "aws.us-east-1", "environment": "env-3732nw", "kind": "Region", "api_version": "fcpm/v2"},
            "flink",
            Strategy.SETTLE_DELAY,
        ),
        (
            {"id": "cloud", "kind": "Cloud", "related": "cloud", "api_version": "iam/v2"},
            "cloud",
            Strategy.CLOUD_API_PROBE,
        ),
        (
            {"id": "global", "kind": "Global", "related": "global", "api_version": "global/v1"},
            "global",
            Strategy.BYOK_API_PROBE,
        ),
        ({"id": "tableflow", "kind": "Tableflow", "api_version": "tableflow/v1"}, "tableflow", Strategy.SETTLE_DELAY),
        # Only the kind tells: the strategy must see the resource, not its id alone.
        ({"id": "flink-eu", "kind": "Region", "api_version": "fcpm/v2"}, "flink", Strategy.SETTLE_DELAY),
        ({"id": "org-wide", "kind": "Global", "api_version": "global/v1"}, "global", Strategy.BYOK_API_PROBE),
    ],
)
def test_the_strategy_reads_the_whole_resource_as_the_service_writes_it(
    resource: dict, kind: str, strategy: Strategy
) -> None:
    from openapi_client.workflows.usability import plan_usability

    created = IamV2ApiKey.from_dict(
        {"id": "AK4NBR7MUYHVJMHW", "spec": {"secret": "s3cr3t", "owner": {"id": "sa-12mgdv"}, "resource": resource}}
    )
    assert created is not None
    check = plan_usability(created, has_probe=False, options=None, overrides={})
    assert (check.kind, check.strategy) == (ApiKeyKind(kind), strategy)
    assert check.options.settle_delay(check.kind) == (30.0 if kind in ("flink", "tableflow") else 60.0)
