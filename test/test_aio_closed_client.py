"""An ``aio.ApiClient`` that was closed, or is used from another event loop than its own
(a second ``asyncio.run``), refuses with :class:`ClientClosedError` before sending anything,
and never opens a session that nothing would close. Over loopback, against the emulator."""

from __future__ import annotations

import asyncio
import gc
import warnings

import pytest

from openapi_client import ClientClosedError, aio
from openapi_client.testing import FakeConfluentCloud


def api_calls(cloud: FakeConfluentCloud) -> int:
    return len([r for r in cloud.requests if r.path.startswith("/iam/")])


def no_unclosed_session_after(action: object) -> None:
    """Run ``action`` and collect garbage: aiohttp reports a session nobody closed then."""
    reported: list = []

    def handler(loop: asyncio.AbstractEventLoop, context: dict) -> None:
        reported.append(context.get("message"))

    async def run() -> None:
        asyncio.get_running_loop().set_exception_handler(handler)
        await action()  # type: ignore[operator]
        gc.collect()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(run())
        gc.collect()
    assert not [m for m in reported if m and "Unclosed" in m]
    assert not [w for w in caught if "Unclosed" in str(w.message)]


@pytest.mark.parametrize("how", ["async with", "close()"])
def test_a_closed_client_refuses_and_opens_no_session(cloud: FakeConfluentCloud, how: str) -> None:
    client = aio.ApiClient(cloud.configuration())
    api = aio.IamApiKeysApi(client)
    outcome: list = []

    async def use_after_close() -> None:
        if how == "async with":
            async with client:
                await api.list_iam_v2_api_keys()
        else:
            await api.list_iam_v2_api_keys()
            await client.close()
        sent = api_calls(cloud)
        for _ in range(2):
            with pytest.raises(ClientClosedError) as refused:
                await api.list_iam_v2_api_keys()
            outcome.append(str(refused.value))
        assert api_calls(cloud) == sent  # nothing went out
        assert client.rest_client._session is not None and client.rest_client._session.closed

    no_unclosed_session_after(use_after_close)
    assert "closed" in outcome[0] and "make a new one" in outcome[0]


def test_a_client_used_from_a_second_event_loop_refuses_clearly(cloud: FakeConfluentCloud) -> None:
    client = aio.ApiClient(cloud.configuration())
    api = aio.IamApiKeysApi(client)
    asyncio.run(api.list_iam_v2_api_keys())
    sent = api_calls(cloud)

    async def second_loop() -> str:
        with pytest.raises(ClientClosedError) as refused:
            await api.list_iam_v2_api_keys()
        return str(refused.value)

    message = asyncio.run(second_loop())
    assert "event loop" in message and "RuntimeError" not in message
    assert api_calls(cloud) == sent
    # It still closes without an error, from any loop.
    asyncio.run(client.close())
    with pytest.raises(ClientClosedError):
        asyncio.run(api.list_iam_v2_api_keys())


def test_a_client_made_per_event_loop_works_in_each(cloud: FakeConfluentCloud) -> None:
    async def one_run() -> int:
        async with aio.ApiClient(cloud.configuration()) as client:
            page = await aio.IamApiKeysApi(client).list_iam_v2_api_keys()
            return len(page.data)

    cloud.seed_api_keys(2)
    assert [asyncio.run(one_run()) for _ in range(3)] == [2, 2, 2]


def test_a_closed_client_with_a_token_due_makes_no_exchange(cloud: FakeConfluentCloud) -> None:
    from test_credentials_emulator import oauth_for

    from openapi_client import Configuration

    provider = oauth_for(cloud)
    client = aio.ApiClient(Configuration(host=cloud.host, credentials=provider))

    async def after_close() -> None:
        await client.close()
        with pytest.raises(ClientClosedError):
            await aio.IamApiKeysApi(client).list_iam_v2_api_keys()

    no_unclosed_session_after(after_close)
    assert cloud.sts_exchanges == 0 and cloud.idp_grants == 0 and provider.exchanges == 0
