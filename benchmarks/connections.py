"""5. Connection reuse: 1,000 sequential calls must not open more connections than the pool holds.

The canned server counts the connections it accepts; sequential calls need exactly one.
"""

from __future__ import annotations

from typing import List

from benchmarks.harness import Result, Settings
from benchmarks.loopback import API_KEY_ID, CannedServer
from openapi_client import ApiClient, Configuration, IamApiKeysApi

__all__ = ["run"]

CALLS = 1000


def run(settings: Settings) -> List[Result]:
    with CannedServer() as server:
        config = Configuration(host=server.url, username="BENCHKEY", password="bench-secret")
        with ApiClient(config) as client:
            api = IamApiKeysApi(client)
            for index in range(CALLS):
                if index % 2:
                    api.get_iam_v2_api_key(API_KEY_ID)
                else:
                    api.list_iam_v2_api_keys(page_size=100)
            accepts = server.accepts()
    return [
        Result(
            "connections",
            f"{CALLS:,} sequential calls: TCP connections opened / pool size",
            accepts,
            config.connection_pool_maxsize,
            "conns",
            1.0,
            f"{accepts} accepted; sequential calls need 1",
        )
    ]
