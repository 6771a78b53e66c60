"""A short ``total_timeout`` (configured or per call) costs the async client no memory per
call: aiohttp's timeouts are kept per setting, never per call. The emulator runs in a
child process (test_pagination_memory.py's), so tracemalloc sees only this process."""

from __future__ import annotations

import tracemalloc
from typing import Any, Dict, Iterator

import pytest
from test_pagination_memory import emulator_in_child

from openapi_client import ApiRetry, Configuration, aio

CALLS = 500


@pytest.fixture(scope="module")
def seeded() -> Iterator[Configuration]:
    with emulator_in_child(3) as configuration:
        yield configuration


@pytest.mark.parametrize("where", ["configured", "per call"])
async def test_many_calls_with_a_short_total_timeout_keep_memory_flat(seeded: Configuration, where: str) -> None:
    short = ApiRetry(total=1, total_timeout=30.0)
    options: Dict[str, Any] = {"_retries": short} if where == "per call" else {}
    if where == "configured":
        seeded.retries = short
    try:
        async with aio.ApiClient(seeded) as client:
            api = aio.IamApiKeysApi(client)
            for _ in range(200):  # warm up: pools, caches of fixed size
                await api.list_iam_v2_api_keys(page_size=1, **options)
            tracemalloc.start()
            try:
                before = tracemalloc.get_traced_memory()[0]
                for _ in range(CALLS):
                    await api.list_iam_v2_api_keys(page_size=1, **options)
                grown = tracemalloc.get_traced_memory()[0] - before
            finally:
                tracemalloc.stop()
    finally:
        seeded.retries = ApiRetry()
    # One kept timeout per call was ~220 bytes each: 500 calls would add ~110 KB (they
    # leave ~8 KB, bounded caches filling).
    assert grown < 40_000, f"{CALLS} calls kept {grown} bytes"
