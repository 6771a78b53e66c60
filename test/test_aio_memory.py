"""``async for`` over 10,000 API keys holds one page at a time, never the listing.

The emulator runs in a child process (test_pagination_memory.py's), so tracemalloc sees
only this process: the client and the event loop.
"""

from __future__ import annotations

import tracemalloc
from typing import Iterator

import pytest
from test_pagination_memory import KEYS, PAGE_SIZE, emulator_in_child

from openapi_client import Configuration, aio


@pytest.fixture(scope="module")
def seeded() -> Iterator[Configuration]:
    """A configuration for an emulator, in a child process, seeded with KEYS API keys."""
    with emulator_in_child(KEYS) as configuration:
        yield configuration


async def test_async_for_over_ten_thousand_keys_peaks_at_about_one_page(seeded: Configuration) -> None:
    async with aio.ApiClient(seeded) as client:
        api = aio.IamApiKeysApi(client)
        tracemalloc.start()
        try:
            # Fill pydantic-core's bounded process-wide string cache first (see the sync test).
            warm_ids = [key.id async for key in api.iter_iam_v2_api_keys(page_size=PAGE_SIZE)]

            before = tracemalloc.get_traced_memory()[0]
            page = await api.list_iam_v2_api_keys_with_http_info(page_size=PAGE_SIZE)
            page_bytes = tracemalloc.get_traced_memory()[0] - before
            assert len(page.data.data) == PAGE_SIZE
            del page

            baseline = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            count = 0
            last_id = None
            async for key in api.iter_iam_v2_api_keys(page_size=PAGE_SIZE):
                count += 1
                last_id = key.id
            peak_growth = tracemalloc.get_traced_memory()[1] - baseline
        finally:
            tracemalloc.stop()

    assert count == KEYS and len(set(warm_ids)) == KEYS and last_id == warm_ids[-1]
    # A page is let go before the next one is fetched: the peak is the page being decoded,
    # not that page plus the one before it (~2 pages), let alone the listing (~100).
    assert peak_growth < 1.5 * page_bytes, f"peak grew {peak_growth} bytes, one page is {page_bytes}"
