"""The auto-pagination iterator holds about one page at a time, never the whole listing.

The emulator runs in a child process seeded with 10,000 API keys, so tracemalloc sees only
the client. The bound is three decoded pages; the listing is a hundred.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tracemalloc
from typing import Iterator

import pytest

from openapi_client import ApiClient, Configuration, IamApiKeysApi

KEYS = 10_000
PAGE_SIZE = 100

_EMULATOR = """
import sys
from openapi_client.testing import FakeConfluentCloud
with FakeConfluentCloud() as cloud:
    cloud.seed_api_keys(int(sys.argv[1]), owner="sa-owner", resource="lkc-cluster")
    print(cloud.host, cloud.api_key, cloud.api_secret, flush=True)
    sys.stdin.read()
"""


@contextlib.contextmanager
def emulator_in_child(keys: int) -> Iterator[Configuration]:
    """A configuration for an emulator in a child process seeded with ``keys`` API keys
    (shared with test_aio_memory.py)."""
    emulator = subprocess.Popen(
        [sys.executable, "-c", _EMULATOR, str(keys)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert emulator.stdin is not None and emulator.stdout is not None
    try:
        host, api_key, api_secret = emulator.stdout.readline().split()
        yield Configuration(host=host, username=api_key, password=api_secret)
    finally:
        emulator.stdin.close()
        try:
            emulator.wait(10)
        except subprocess.TimeoutExpired:
            emulator.kill()
            emulator.wait()


@pytest.fixture(scope="module")
def seeded_api() -> Iterator[IamApiKeysApi]:
    with emulator_in_child(KEYS) as configuration, ApiClient(configuration) as client:
        yield IamApiKeysApi(client)


def test_iterating_ten_thousand_keys_peaks_under_three_pages(seeded_api: IamApiKeysApi) -> None:
    tracemalloc.start()
    try:
        # pydantic-core caches up to 16,384 short strings process-wide; a first pass under
        # tracing fills that bounded cache so it does not pass for growth of the iterator.
        warm_ids = [key.id for key in seeded_api.iter_iam_v2_api_keys(page_size=PAGE_SIZE)]

        before = tracemalloc.get_traced_memory()[0]
        page = seeded_api.list_iam_v2_api_keys_with_http_info(page_size=PAGE_SIZE)
        page_bytes = tracemalloc.get_traced_memory()[0] - before
        assert len(page.data.data) == PAGE_SIZE
        del page

        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        count = 0
        last_id = None
        for key in seeded_api.iter_iam_v2_api_keys(page_size=PAGE_SIZE):
            count += 1
            last_id = key.id
        peak_growth = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()

    assert count == KEYS
    assert len(set(warm_ids)) == KEYS
    assert last_id == warm_ids[-1]
    # Holding every page would cost ~100 pages; one page plus the next being decoded is ~2.
    assert peak_growth < 3 * page_bytes, f"peak grew {peak_growth} bytes, one page is {page_bytes}"
