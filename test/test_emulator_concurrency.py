"""Many client threads on one emulator: no lost update, no duplicate, exact final state."""

from __future__ import annotations

import threading
from typing import Callable, Dict, List

import openapi_client
from openapi_client import ByokKeysApi, ByokV1AwsKey, ByokV1Key, IamApiKeysApi, IamV2ApiKey, IamV2ApiKeySpec
from openapi_client.testing import FakeConfluentCloud

THREADS = 16


def run_in_threads(work: Callable[[int], None]) -> None:
    """Run ``work(index)`` in 16 threads released at once; re-raise nothing silently."""
    barrier = threading.Barrier(THREADS)
    errors: List[BaseException] = []

    def runner(index: int) -> None:
        barrier.wait()
        try:
            work(index)
        except BaseException as exc:  # a failed worker must fail the test, not vanish
            errors.append(exc)

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_16_threads_creating_and_deleting_keys_lose_no_update(cloud: FakeConfluentCloud) -> None:
    survivors: Dict[int, List[str]] = {}

    with cloud.api_client(retries=False, connection_pool_maxsize=THREADS) as client:
        iam = IamApiKeysApi(client)

        def work(index: int) -> None:
            owner = f"sa-worker{index}"
            made = [
                iam.create_iam_v2_api_key(IamV2ApiKey(spec=IamV2ApiKeySpec(owner={"id": owner}))).id or ""
                for _ in range(20)
            ]
            for key_id in made[:8]:
                iam.delete_iam_v2_api_key(key_id)
            survivors[index] = made[8:]

        run_in_threads(work)

        listed = [key.id for key in iam.iter_iam_v2_api_keys(page_size=100)]
        expected = {key_id for ids in survivors.values() for key_id in ids}
        assert len(listed) == len(set(listed)) == THREADS * 12
        assert set(listed) == expected
        for index, ids in survivors.items():
            assert [key.id for key in iam.iter_iam_v2_api_keys(spec_owner=f"sa-worker{index}")] == ids
    assert sum(1 for r in cloud.requests if r.method == "POST" and r.status == 202) == THREADS * 20
    assert sum(1 for r in cloud.requests if r.method == "DELETE" and r.status == 204) == THREADS * 8


def test_racing_registrations_of_one_key_yield_exactly_one_winner(cloud: FakeConfluentCloud) -> None:
    outcomes: List[str] = []
    lock = threading.Lock()
    arn = "arn:aws:kms:us-west-2:111122223333:key/contended"

    with cloud.api_client(retries=False, connection_pool_maxsize=THREADS) as client:
        byok = ByokKeysApi(client)

        def work(index: int) -> None:
            try:
                byok.create_byok_v1_key(ByokV1Key(key=ByokV1AwsKey(key_arn=arn), display_name=f"try {index}"))
                outcome = "created"
            except openapi_client.ConflictException:
                outcome = "conflict"
            with lock:
                outcomes.append(outcome)

        run_in_threads(work)

        assert sorted(outcomes) == ["conflict"] * (THREADS - 1) + ["created"]
        assert len(byok.list_byok_v1_keys().data) == 1
