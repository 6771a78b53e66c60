"""Whatever number a token service writes for ``expires_in``, or an access token carries as
its ``exp`` claim (400-digit integers, floats past the double range, negative giants,
strings, nesting), the exchange ends in a token or in the SDK's own error, never in
``OverflowError`` or another stray exception. Over loopback, property-tested."""

from __future__ import annotations

import base64
import json
import socket
import time
from typing import Any, Dict

from hostile import HostileServer, Request, answer
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples

from openapi_client.credentials import ConfluentOAuth, TokenExchangeError

SUBJECT = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJsaWZldGltZSJ9.c2ln"
ABSENT = object()

numbers = st.one_of(
    st.integers(),
    st.integers(min_value=10**300, max_value=10**500),
    st.integers(min_value=-(10**500), max_value=-(10**300)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["900", "1e400", None, True, [], {}]),
)


def part(data: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def raw_json(value: Any) -> str:
    """``value`` as JSON, with the spellings Python's json writes for non-finite floats."""
    return json.dumps(value)


class TokenService:
    def __init__(self) -> None:
        self.body = b"{}"

    def __call__(self, conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(200, self.body))


@given(expires_in=st.one_of(st.just(ABSENT), numbers), exp=st.one_of(st.just(ABSENT), numbers))
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_expires_in_or_exp_gives_a_token_or_an_sdk_error(expires_in: Any, exp: Any) -> None:
    service = TokenService()
    claims: Dict[str, Any] = {"sub": "pool"}
    if exp is not ABSENT:
        claims["exp"] = exp
    token = f"{part({'alg': 'RS256'})}.{part(claims)}.c2ln"
    fields = [f'"access_token": "{token}"', '"token_type": "Bearer"']
    if expires_in is not ABSENT:
        fields.append(f'"expires_in": {raw_json(expires_in)}')
    service.body = ("{" + ", ".join(fields) + "}").encode()
    with HostileServer(service) as server:
        provider = ConfluentOAuth("pool-x", lambda: SUBJECT, sts_url=server.url + "/sts/v1/oauth2/token")
        try:
            header = provider.authorization(deadline=time.monotonic() + 5)
        except TokenExchangeError as error:
            assert "expired" in str(error)  # the only refusal a lifetime can cause
        else:
            assert header == f"Bearer {token}"
        finally:
            provider.close()


def test_a_400_digit_expires_in_counts_as_the_default_life() -> None:
    service = TokenService()
    token = f"{part({'alg': 'RS256'})}.{part({'sub': 'pool'})}.c2ln"
    service.body = ('{"access_token": "' + token + '", "expires_in": 1' + "0" * 400 + "}").encode()
    with HostileServer(service) as server:
        provider = ConfluentOAuth("pool-x", lambda: SUBJECT, sts_url=server.url + "/sts/v1/oauth2/token")
        assert provider.authorization() == f"Bearer {token}"
        assert not provider.needs_refresh()
        provider.close()


def test_a_400_digit_exp_claim_is_ignored() -> None:
    service = TokenService()
    token = f"{part({'alg': 'RS256'})}.{part({'sub': 'pool', 'exp': 10**400})}.c2ln"
    service.body = json.dumps({"access_token": token, "expires_in": 600}).encode()
    with HostileServer(service) as server:
        provider = ConfluentOAuth("pool-x", lambda: SUBJECT, sts_url=server.url + "/sts/v1/oauth2/token")
        assert provider.authorization() == f"Bearer {token}"
        provider.close()
