"""4. Listing 10,000 API keys through ``iter_iam_v2_api_keys(page_size=100)``: peak memory.

The emulator runs in a child process, so only the client's allocations are traced. "One
page" is what one decoded page (100 keys and its raw body) keeps alive, measured the
same way in the same run; the iterator should peak at about two of them (the page being
walked, plus the next one while it is decoded), never at the whole listing.
"""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from typing import List, Tuple

from benchmarks.harness import Result, Settings
from openapi_client import ApiClient, Configuration, IamApiKeysApi

__all__ = ["run", "EmulatorProcess"]

TARGET_PAGES = 2.5
PAGE_SIZE = 100

_EMULATOR = """
import sys
from openapi_client.testing import FakeConfluentCloud
with FakeConfluentCloud() as cloud:
    cloud.seed_api_keys(int(sys.argv[1]), owner="sa-12mgdv", resource="lkc-95w6wy", description="seeded")
    print(cloud.host, cloud.api_key, cloud.api_secret, flush=True)
    sys.stdin.read()
"""


class EmulatorProcess:
    """``FakeConfluentCloud`` seeded with ``count`` API keys, in a child process until exit."""

    def __init__(self, count: int) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _EMULATOR, str(count)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        self.host, self.api_key, self.api_secret = self._process.stdout.readline().split()

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def measure(api: IamApiKeysApi) -> Tuple[int, int, int]:
    """(bytes one decoded page keeps alive, peak growth while iterating everything, keys seen)."""
    # pydantic-core keeps a process-wide cache of up to 16,384 short strings (about 1.3 MB
    # here): bounded, and not the iterator's doing. Tracing starts before a first full pass
    # fills it, so that entries it later replaces are counted going out as well as in.
    tracemalloc.start()
    try:
        for _ in api.iter_iam_v2_api_keys(page_size=PAGE_SIZE):
            pass
        before = tracemalloc.get_traced_memory()[0]
        page = api.list_iam_v2_api_keys_with_http_info(page_size=PAGE_SIZE)
        page_bytes = tracemalloc.get_traced_memory()[0] - before
        del page
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        seen = 0
        for key in api.iter_iam_v2_api_keys(page_size=PAGE_SIZE):
            seen += key.id is not None
        peak_growth = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    return page_bytes, peak_growth, seen


def run(settings: Settings) -> List[Result]:
    count = 2_000 if settings.quick else 10_000
    with EmulatorProcess(count) as emulator:
        config = Configuration(host=emulator.host, username=emulator.api_key, password=emulator.api_secret)
        with ApiClient(config) as client:
            page_bytes, peak_growth, seen = measure(IamApiKeysApi(client))
    if seen != count:
        raise AssertionError(f"the iterator yielded {seen} keys, expected {count}")
    return [
        Result(
            "pagination",
            f"iterate {count:,} keys, peak growth (pages of {PAGE_SIZE})",
            peak_growth / 1024,
            page_bytes / 1024,
            "KiB",
            TARGET_PAGES,
            f"whole listing would be ~{count // PAGE_SIZE} pages",
        )
    ]
