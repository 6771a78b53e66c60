"""``BaseApiClient.auth_flow``, the renew flow both clients drive, tested directly: it does
no I/O, so each step it asks for is answered here by hand (issue 21: the I/O-free core gets
direct tests; the loopback tests in test_call_deadline.py and test_credentials_emulator.py
show the same flow on the wire)."""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import pytest

from openapi_client._request import Request
from openapi_client.api_client import BaseApiClient, Renew, Send

# The flow reads only the headers and hands the plan on untouched.
REQUEST = Request("GET", "https://api.example/iam/v2/api-keys", {"Authorization": "Bearer old"}, None, None, None)  # type: ignore[arg-type]


class Answer:
    def __init__(self, status: int) -> None:
        self.status = status
        self.released = False

    def release_conn(self) -> None:
        self.released = True


class Provider:
    scheme = "confluent-sts-access-token"

    def __init__(self, due: bool = False) -> None:
        self.due = due

    def needs_refresh(self) -> bool:
        return self.due


def drive(provider: Optional[Any], answers: List[int], renewals: List[Any]) -> Tuple[List[Any], Any]:
    """Run the flow, answering each Send with the next status and each Renew with the next
    renewal (an exception is thrown in); the steps it asked for, and what it returned."""
    flow = BaseApiClient.auth_flow(provider, lambda: REQUEST)
    steps: List[Any] = []
    sent: Any = None
    responses = iter(Answer(status) for status in answers)
    outcomes = iter(renewals)
    while True:
        try:
            step = flow.send(sent) if steps else next(flow)
        except StopIteration as done:
            return steps, done.value
        steps.append(step)
        if isinstance(step, Send):
            sent = next(responses)
            steps.append(sent)
        else:
            outcome = next(outcomes)
            if isinstance(outcome, BaseException):
                try:
                    flow.throw(outcome)
                except type(outcome):
                    return steps, outcome
            sent = outcome


def test_a_fixed_credential_is_sent_once_and_its_answer_returned() -> None:
    steps, result = drive(Provider(), [200], [])
    assert steps[0] == Send(REQUEST) and result is steps[1] and result.status == 200


def test_a_due_credential_is_renewed_before_the_request_is_built() -> None:
    provider = Provider(due=True)
    steps, result = drive(provider, [200], [None])
    assert steps[0] == Renew(provider, None) and steps[1] == Send(REQUEST) and result.status == 200


def test_a_401_renews_once_and_resends_with_the_new_value() -> None:
    provider = Provider()
    steps, result = drive(provider, [401, 200], ["Bearer new"])
    first, renew, resend = steps[1], steps[2], steps[3]
    assert renew == Renew(provider, "Bearer old")
    assert first.status == 401 and first.released  # its connection is given back before the resend
    assert resend.request.headers["Authorization"] == "Bearer new"
    assert resend.request._replace(headers=REQUEST.headers) == REQUEST  # the same request, plan included
    assert result.status == 200 and not result.released


def test_a_second_401_is_the_answer_never_a_second_renewal() -> None:
    steps, result = drive(Provider(), [401, 401], ["Bearer new"])
    assert [type(s).__name__ for s in steps] == ["Send", "Answer", "Renew", "Send", "Answer"]
    assert result.status == 401


@pytest.mark.parametrize("renewed", [None, "Bearer old"])
def test_without_a_new_value_the_401_is_the_answer(renewed: Optional[str]) -> None:
    steps, result = drive(Provider(), [401], [renewed])
    assert result is steps[1] and result.status == 401 and not result.released


def test_a_failed_renewal_releases_the_refused_answer_and_propagates() -> None:
    failure = RuntimeError("exchange failed")
    steps, result = drive(Provider(), [401], [failure])
    assert result is failure and steps[1].released


def test_without_a_credential_a_401_is_the_answer() -> None:
    steps, result = drive(None, [401], [])
    assert [type(s).__name__ for s in steps] == ["Send", "Answer"] and result.status == 401
