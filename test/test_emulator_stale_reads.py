"""Reads that lag writes, by a count of reads (for issue 20's rotation tests).

Over real loopback HTTP: after each write to a key, its next ``stale_reads`` reads see the
version before the write (absent after a create, the old fields after an update, still
there after a delete), through GET and lists, for API keys and BYOK keys; writes always see
the latest version; seeding is seen at once; the setting can be changed at run time, over
the admin surface, and is back to its start value after ``reset()``.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import pytest
import urllib3
from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule
from property_budget import examples

import openapi_client
from openapi_client.testing import FakeConfluentCloud

KEYS = "/iam/v2/api-keys"
BYOK = "/byok/v1/keys"


def call(cloud: FakeConfluentCloud, method: str, path: str, body: Optional[Any] = None) -> urllib3.BaseHTTPResponse:
    headers = urllib3.make_headers(basic_auth=f"{cloud.api_key}:{cloud.api_secret}")
    return urllib3.request(method, cloud.host + path, json=body, headers=headers, retries=False)


def create_key(cloud: FakeConfluentCloud, owner: str = "sa-1") -> str:
    answer = call(cloud, "POST", KEYS, {"spec": {"owner": {"id": owner}, "display_name": "v0"}})
    assert answer.status == 202
    return str(answer.json()["id"])


def listed(cloud: FakeConfluentCloud, path: str = KEYS) -> List[str]:
    return [item["id"] for item in call(cloud, "GET", f"{path}?page_size=100").json()["data"]]


@pytest.mark.parametrize("lag", [1, 3])
def test_a_created_key_is_missing_for_its_next_reads_then_found(lag: int) -> None:
    with FakeConfluentCloud(stale_reads=lag) as cloud:
        key_id = create_key(cloud)

        statuses = [call(cloud, "GET", f"{KEYS}/{key_id}").status for _ in range(lag + 2)]

    assert statuses == [404] * lag + [200, 200]


def test_a_list_page_reaching_a_key_counts_as_one_read_of_it() -> None:
    with FakeConfluentCloud(stale_reads=2) as cloud:
        seeded = cloud.seed_api_keys(2)  # seeded keys are seen at once
        key_id = create_key(cloud)

        assert listed(cloud) == seeded
        assert call(cloud, "GET", f"{KEYS}/{key_id}").status == 404
        assert listed(cloud) == [*seeded, key_id]


def test_an_update_shows_the_previous_fields_to_the_next_reads_while_writes_see_the_new() -> None:
    with FakeConfluentCloud() as cloud:
        key_id = create_key(cloud)
        cloud.stale_reads = 2
        patched = call(cloud, "PATCH", f"{KEYS}/{key_id}", {"spec": {"display_name": "v1"}}).json()
        assert patched["spec"]["display_name"] == "v1"  # the write's own answer is the new version

        names = [call(cloud, "GET", f"{KEYS}/{key_id}").json()["spec"]["display_name"] for _ in range(3)]
        call(cloud, "PATCH", f"{KEYS}/{key_id}", {"spec": {"display_name": "v2"}})
        call(cloud, "PATCH", f"{KEYS}/{key_id}", {"spec": {"display_name": "v3"}})
        later = [call(cloud, "GET", f"{KEYS}/{key_id}").json()["spec"]["display_name"] for _ in range(3)]

    assert names == ["v0", "v0", "v1"]
    assert later == ["v2", "v2", "v3"]  # the stale version is the one just before the latest write


def test_a_deleted_key_is_still_read_and_listed_but_writes_see_it_gone() -> None:
    with FakeConfluentCloud(stale_reads=2) as cloud:
        (key_id,) = cloud.seed_api_keys(1)
        assert call(cloud, "DELETE", f"{KEYS}/{key_id}").status == 204

        assert listed(cloud) == [key_id]
        assert call(cloud, "DELETE", f"{KEYS}/{key_id}").status == 404
        assert call(cloud, "PATCH", f"{KEYS}/{key_id}", {"spec": {"description": "x"}}).status == 404
        assert call(cloud, "GET", f"{KEYS}/{key_id}").status == 200
        assert call(cloud, "GET", f"{KEYS}/{key_id}").status == 404
        assert listed(cloud) == []


def test_byok_keys_lag_the_same_way() -> None:
    with FakeConfluentCloud(stale_reads=1) as cloud:
        created = call(cloud, "POST", BYOK, {"key": {"kind": "GcpKey", "key_id": "projects/p/k"}, "display_name": "a"})
        key_id = created.json()["id"]
        assert listed(cloud, BYOK) == []
        assert call(cloud, "GET", f"{BYOK}/{key_id}").json()["display_name"] == "a"

        call(cloud, "PATCH", f"{BYOK}/{key_id}", {"display_name": "b"})
        assert call(cloud, "GET", f"{BYOK}/{key_id}").json()["display_name"] == "a"
        assert call(cloud, "GET", f"{BYOK}/{key_id}").json()["display_name"] == "b"

        assert call(cloud, "DELETE", f"{BYOK}/{key_id}").status == 204
        assert listed(cloud, BYOK) == [key_id]
        assert listed(cloud, BYOK) == []


def test_the_setting_through_the_admin_surface_and_reset() -> None:
    with FakeConfluentCloud() as cloud:
        answer = urllib3.request(
            "PATCH",
            f"{cloud.admin_url}/settings",
            body=json.dumps({"stale_reads": 1}),
            headers={"Content-Type": "application/json"},
        )
        assert answer.json()["stale_reads"] == 1 == cloud.stale_reads
        key_id = create_key(cloud)
        assert call(cloud, "GET", f"{KEYS}/{key_id}").status == 404

        cloud.reset()
        assert cloud.stale_reads == 0
        key_id = create_key(cloud)
        assert call(cloud, "GET", f"{KEYS}/{key_id}").status == 200


@pytest.mark.parametrize("reads", [-1, 1.5, True, "2"])
def test_a_setting_that_is_not_a_count_of_reads_is_refused(reads: Any) -> None:
    with pytest.raises(ValueError, match="stale_reads"):
        FakeConfluentCloud(stale_reads=reads)


def test_the_sdk_waiter_sees_a_lagging_create_through(
    iam: openapi_client.IamApiKeysApi, cloud: FakeConfluentCloud
) -> None:
    cloud.stale_reads = 3
    created = iam.create_iam_v2_api_key(
        openapi_client.IamV2ApiKey(spec=openapi_client.IamV2ApiKeySpec(owner=openapi_client.ObjectReference(id="sa-1")))
    )
    assert created.id is not None

    found = iam.wait_for_iam_v2_api_key(created.id, timeout=5.0, poll_interval=0.01)

    assert found.id == created.id
    assert [r.status for r in cloud.requests if r.method == "GET"] == [404, 404, 404, 200]


class LaggingReads(RuleBasedStateMachine):
    """A model of the promise: what each read sees is the model's version before the key's
    latest write for the next K reads after it, else the latest version."""

    def __init__(self) -> None:
        super().__init__()
        self.cloud = FakeConfluentCloud().start()
        self.latest: Dict[str, Optional[str]] = {}  # key -> display name now (None: deleted)
        self.stale: Dict[str, Optional[str]] = {}  # key -> what lagging reads see
        self.left: Dict[str, int] = {}
        self.lag = 0

    @initialize(lag=st.integers(0, 3))
    def choose_lag(self, lag: int) -> None:
        self.lag = self.cloud.stale_reads = lag

    def wrote(self, key_id: str, before: Optional[str], after: Optional[str]) -> None:
        self.latest[key_id] = after
        if self.lag:
            self.stale[key_id], self.left[key_id] = before, self.lag

    def expected(self, key_id: str) -> Optional[str]:
        if self.left.get(key_id, 0) > 0:
            self.left[key_id] -= 1
            return self.stale[key_id]
        return self.latest[key_id]

    @rule()
    def create(self) -> None:
        # One owner per key: renaming two keys of one owner alike would be a 409.
        self.wrote(create_key(self.cloud, owner=f"sa-{len(self.latest)}"), None, "v0")

    @precondition(lambda self: any(name is not None for name in self.latest.values()))
    @rule(data=st.data(), name=st.sampled_from(["a", "b", "c"]))
    def rename(self, data: st.DataObject, name: str) -> None:
        key_id = data.draw(st.sampled_from(sorted(k for k, v in self.latest.items() if v is not None)))
        assert call(self.cloud, "PATCH", f"{KEYS}/{key_id}", {"spec": {"display_name": name}}).status == 200
        self.wrote(key_id, self.latest[key_id], name)

    @precondition(lambda self: any(name is not None for name in self.latest.values()))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        key_id = data.draw(st.sampled_from(sorted(k for k, v in self.latest.items() if v is not None)))
        assert call(self.cloud, "DELETE", f"{KEYS}/{key_id}").status == 204
        self.wrote(key_id, self.latest[key_id], None)

    @precondition(lambda self: bool(self.latest))
    @rule(data=st.data())
    def read(self, data: st.DataObject) -> None:
        key_id = data.draw(st.sampled_from(sorted(self.latest)))
        answer = call(self.cloud, "GET", f"{KEYS}/{key_id}")
        seen = answer.json()["spec"]["display_name"] if answer.status == 200 else None
        assert seen == self.expected(key_id)

    @rule()
    def list_all(self) -> None:
        page = call(self.cloud, "GET", f"{KEYS}?page_size=100").json()["data"]
        seen = {item["id"]: item["spec"]["display_name"] for item in page}
        # A page of 100 walks every key (fewer exist): each counts one read.
        for key_id in sorted(self.latest):
            assert seen.get(key_id) == self.expected(key_id)

    def teardown(self) -> None:
        self.cloud.stop()


LaggingReads.TestCase.settings = settings(max_examples=examples(20), stateful_step_count=20, deadline=None)
test_reads_lag_writes_as_the_model_says = LaggingReads.TestCase
