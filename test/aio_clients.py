"""One test, both clients: call an operation through the sync or the async client alike.

The sync client runs in a worker thread (``asyncio.to_thread``) so that a single async test
body drives either one; the behaviour under test is the client's, not the thread's.
"""

from __future__ import annotations

import asyncio
import functools
from types import TracebackType
from typing import Any, List, Optional, Type

import openapi_client
from openapi_client import aio

KINDS = ("sync", "aio")


class Clients:
    """``async with Clients(kind, configuration) as c: await c.iam("get_iam_v2_api_key", id)``."""

    def __init__(self, kind: str, configuration: openapi_client.Configuration) -> None:
        self.kind = kind
        self.configuration = configuration
        self.client: Any = None

    async def __aenter__(self) -> Clients:
        if self.kind == "aio":
            self.client = aio.ApiClient(self.configuration)
            self._iam: Any = aio.IamApiKeysApi(self.client)
            self._byok: Any = aio.ByokKeysApi(self.client)
        else:
            self.client = openapi_client.ApiClient(self.configuration)
            self._iam = openapi_client.IamApiKeysApi(self.client)
            self._byok = openapi_client.ByokKeysApi(self.client)
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        if self.kind == "aio":
            await self.client.close()
        else:
            self.client.close()

    async def iam(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``IamApiKeysApi.<method>`` and return its result."""
        return await self._call(getattr(self._iam, method), *args, **kwargs)

    async def byok(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``ByokKeysApi.<method>`` and return its result."""
        return await self._call(getattr(self._byok, method), *args, **kwargs)

    async def iam_iterated(self, method: str, **kwargs: Any) -> List[Any]:
        """Everything ``IamApiKeysApi.<method>`` (an ``iter_*`` helper) yields: ``async for``
        on aio, ``list()`` on sync."""
        if self.kind == "aio":
            return [item async for item in getattr(self._iam, method)(**kwargs)]
        return await asyncio.to_thread(lambda: list(getattr(self._iam, method)(**kwargs)))

    async def _call(self, bound: Any, *args: Any, **kwargs: Any) -> Any:
        if self.kind == "aio":
            return await bound(*args, **kwargs)
        return await asyncio.to_thread(functools.partial(bound, *args, **kwargs))
