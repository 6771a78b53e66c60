"""A credential provider's renewal driven on the event loop: the asyncio twin of
:func:`openapi_client.rest.run_token_flow`. The provider's sans-I/O flow yields token
requests, sent through an asyncio transport of the client's own (the call's deadline, the
bounded body read and the redaction of API calls), and local steps, run in a worker thread."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Optional, Union

from openapi_client.credentials._http import ERROR_ANSWER_BYTES, LocalStep, TokenAnswer, TokenConnection, TokenFlow
from openapi_client.exceptions import ApiConnectionError, ApiResponseError, ApiTimeoutError

if TYPE_CHECKING:
    from openapi_client.aio.rest import RESTClientObject

__all__ = ["run_token_flow"]


async def run_token_flow(
    transport: RESTClientObject, connection: TokenConnection, flow: TokenFlow, deadline: Optional[float]
) -> str:
    """Drive a provider's renewal (a sans-I/O flow) over ``transport``, on the event loop: the
    asyncio twin of :func:`openapi_client.rest.run_token_flow`. A local step (a token file,
    the user's function) may block, so it runs in a worker thread, awaited until ``deadline``."""
    sent: Union[TokenAnswer, str, None] = None
    while True:
        try:
            step = flow.send(sent) if sent is not None else next(flow)
        except StopIteration as done:
            return str(done.value)
        if isinstance(step, LocalStep):
            sent = await _local(step, deadline)
            continue
        step.check_route(connection, transport.calls.route(step.url))
        try:
            response = await transport.request(
                "POST",
                step.url,
                headers=step.headers,
                body=step.body,
                preload_content=False,
                redactor=step.redactor,
                deadline=step.deadline(connection, deadline),
            )
            if response.status != 200:
                response._max_bytes = ERROR_ANSWER_BYTES  # only a short reason is read from it
            body = await response.read()
        except (ApiConnectionError, ApiResponseError) as exc:
            raise step.failure(exc, deadline) from None
        sent = TokenAnswer(response.status, response.reason, response.headers, body)


async def _local(step: LocalStep, deadline: Optional[float]) -> str:
    running = asyncio.to_thread(step.run)
    if deadline is None:
        return await running
    try:
        return await asyncio.wait_for(running, max(0.0, deadline - time.monotonic()))
    except asyncio.TimeoutError:
        raise ApiTimeoutError(f"{step.step}: the call's time budget (total_timeout) ran out") from None
