"""A credential provider's renewal driven over the blocking transport: the twin of
:mod:`openapi_client.aio._token_flow`. The provider's sans-I/O flow yields token requests,
sent through a transport of the provider's own (the call's deadline, the bounded body read
and the redaction of API calls), and local steps, simply run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Union

from openapi_client.credentials._http import ERROR_ANSWER_BYTES, LocalStep, TokenAnswer, TokenConnection, TokenFlow
from openapi_client.exceptions import ApiConnectionError, ApiResponseError

if TYPE_CHECKING:
    from openapi_client.rest import RESTClientObject

__all__ = ["run_token_flow"]


def run_token_flow(
    transport: RESTClientObject, connection: TokenConnection, flow: TokenFlow, deadline: Optional[float]
) -> str:
    """Drive a provider's renewal (a sans-I/O flow) over ``transport``: each token request
    within ``deadline`` (the call's), its answer read by the same bounded decoder as an API
    answer, every secret it carries masked in what fails; a local step is simply run."""
    sent: Union[TokenAnswer, str, None] = None
    while True:
        try:
            step = flow.send(sent) if sent is not None else next(flow)
        except StopIteration as done:
            return str(done.value)
        if isinstance(step, LocalStep):
            sent = step.run()
            continue
        step.check_route(connection, transport.calls.route(step.url))
        try:
            response = transport.request(
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
            body = response.read()
        except (ApiConnectionError, ApiResponseError) as exc:
            raise step.failure(exc, deadline) from None
        sent = TokenAnswer(response.status, response.reason, response.headers, body)
