"""A proxy's password never shows (issue 19, items 6 and 7), through both clients.

* Item 6: a proxy that refuses the tunnel (407), answers garbage or hangs up makes a
  connection error whose message, in the async client, quoted aiohttp's ``url='http://user:
  password@...'``: the password is masked, wherever the proxy came from.
* Item 7: an ``HTTPS_PROXY``/``HTTP_PROXY`` value neither library can use (no scheme, a bad
  port, garbage, another scheme) raised urllib3's own exceptions, some quoting the password,
  or went out anyway; now both clients raise ``ApiValueError`` naming the variable, with the
  password masked, and send nothing.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import traceback
from typing import Any, Callable, Dict, Optional
from urllib.parse import quote

import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer
from hypothesis import HealthCheck, example, given, settings, strategies as st
from property_budget import examples

from openapi_client import Configuration
from openapi_client._redaction import MASK
from openapi_client.exceptions import ApiConnectionError, ApiException, ApiValueError, OpenApiException

# Proxy variables of the machine running the suite must not route these tests (test/conftest.py).
pytestmark = pytest.mark.usefixtures("no_proxy_environment")


def refuse_tunnel(conn: socket.socket, request: Request) -> None:
    conn.sendall(answer(407, b"", [("Proxy-Authenticate", 'Basic realm="proxy"')]))


def answer_garbage(conn: socket.socket, request: Request) -> None:
    conn.sendall(b"this is no HTTP answer\r\n\r\n")
    conn.close()


def hang_up(conn: socket.socket, request: Request) -> None:
    conn.close()


PROXIES: Dict[str, Callable[[socket.socket, Request], None]] = {
    "407": refuse_tunnel,
    "garbage": answer_garbage,
    "hang-up": hang_up,
}


def spellings(password: str) -> set[str]:
    """The password as written in the URL and as it means (percent-decoded)."""
    from urllib.parse import unquote

    return {s for s in (password, unquote(password)) if len(s) >= 4}


async def call_through_proxy(kind: str, proxy: Optional[str], host: str) -> BaseException:
    configuration = Configuration(host=host, username="KEY", password="api-secret-0001", proxy=proxy, retries=False)
    async with Clients(kind, configuration) as c:
        with pytest.raises(OpenApiException) as failed:
            await c.iam("get_iam_v2_api_key", "KEY1")
    return failed.value


def assert_masked(error: BaseException, password: str) -> None:
    # The traceback too: what logging.exception prints, with every chained exception.
    printed = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    for text in (str(error), repr(error), repr(getattr(error, "args", ())), printed):
        for spelling in spellings(password):
            assert spelling not in text, text


# -- item 6 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("behaviour", list(PROXIES))
@pytest.mark.parametrize("source", ["configuration", "environment"])
async def test_a_failing_proxy_never_shows_its_password(
    kind: str, behaviour: str, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = "Pr0xy-Passw0rd!"
    with HostileServer(PROXIES[behaviour]) as proxy_server:
        proxy = f"http://proxyuser:{quote(password, safe='!')}@127.0.0.1:{proxy_server.port}"
        if source == "environment":
            monkeypatch.setenv("HTTPS_PROXY", proxy)
        error = await call_through_proxy(kind, proxy if source == "configuration" else None, "https://api.example.com")
        assert proxy_server.requests, "the call went through the proxy"
    assert isinstance(error, ApiConnectionError)
    assert_masked(error, password)
    assert "proxyuser" not in str(error) or MASK in str(error)


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    password=st.text(min_size=6, max_size=24).filter(lambda p: p.strip() == p),
    behaviour=st.sampled_from(list(PROXIES)),
)
def test_property_any_proxy_password_is_masked_in_both_clients(password: str, behaviour: str) -> None:
    encoded = quote(password, safe="")
    with HostileServer(PROXIES[behaviour]) as proxy_server:
        proxy = f"http://u:{encoded}@127.0.0.1:{proxy_server.port}"
        if any(ord(c) > 255 for c in password):
            with pytest.raises(ApiValueError) as refused:  # HTTP Basic cannot carry it to the proxy
                Configuration(proxy=proxy)
            assert_masked(refused.value, encoded)
            assert "latin-1" in str(refused.value)
            return
        for kind in KINDS:
            error = asyncio.run(call_through_proxy(kind, proxy, "https://api.example.com"))
            assert isinstance(error, ApiConnectionError)
            assert_masked(error, encoded)


# -- item 7 -----------------------------------------------------------------------------------

SECRET = "Env-Pr0xy-Secret"


def unusable_values(port: int) -> Dict[str, str]:
    """Values naming a live listener, so that anything sent would be seen."""
    return {
        "no-scheme": f"user:{SECRET}@127.0.0.1:{port}",
        "no-scheme-no-user": f"127.0.0.1:{port}",
        "port-out-of-range": f"http://user:{SECRET}@127.0.0.1:{port + 100000}",
        "port-not-a-number": f"http://user:{SECRET}@127.0.0.1:{port}x",
        "socks": f"socks5://user:{SECRET}@127.0.0.1:{port}",
        "ftp": f"ftp://user:{SECRET}@127.0.0.1:{port}",
        "garbage": f"::::{SECRET}::::",
        "no-host": f"http://user:{SECRET}@",
        "space-in-host": f"http://user:{SECRET}@127.0.0.1 :{port}",
        "query": f"http://user:{SECRET}@127.0.0.1:{port}/?x=1",
    }


def _unusable_case_ids() -> list[str]:
    return list(unusable_values(1))


async def call_with_proxy_variable(kind: str, variable: str, value: str, target: HostileServer, https: bool) -> Any:
    saved = os.environ.get(variable)
    os.environ[variable] = value
    try:
        host = "https://api.example.com" if https else target.url
        configuration = Configuration(host=host, username="KEY", password="api-secret-0001", retries=False)
        async with Clients(kind, configuration) as c:
            with pytest.raises(OpenApiException) as refused:
                await c.iam("get_iam_v2_api_key", "KEY1")
        return refused.value
    finally:
        if saved is None:
            del os.environ[variable]
        else:
            os.environ[variable] = saved


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", _unusable_case_ids())
@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"])
async def test_an_unusable_proxy_variable_is_refused_by_name_before_sending(
    kind: str, case: str, variable: str
) -> None:
    with HostileServer(lambda conn, request: conn.sendall(answer(200, b"{}"))) as listener:
        value = unusable_values(listener.port)[case]
        error = await call_with_proxy_variable(kind, variable, value, listener, https=variable.lower() == "https_proxy")
        assert listener.accepted == 0 and not listener.requests  # nothing sent, to either
    assert isinstance(error, ApiValueError), repr(error)
    assert variable in str(error)
    assert SECRET not in str(error) and SECRET not in repr(error)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_bypassed_or_usable_proxy_variable_is_not_refused(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with HostileServer(lambda conn, request: conn.sendall(answer(404, b'{"errors":[]}'))) as server:
        monkeypatch.setenv("HTTP_PROXY", "::::garbage::::")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        configuration = Configuration(host=server.url, username="KEY", password="api-secret-0001", retries=False)
        async with Clients(kind, configuration) as c:
            with pytest.raises(ApiException) as answered:
                await c.iam("get_iam_v2_api_key", "KEY1")
    assert answered.value.status == 404  # NO_PROXY bypassed the unusable value: it does not matter


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    password=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="@/\\?#\x00"), min_size=6, max_size=20
    ),
    junk=st.sampled_from(["", "x", "99999", ":1:2", " "]),
    scheme=st.sampled_from(["", "socks4://", "gopher://", "http://", "HTTP:/"]),
)
@example(password="000000", junk="", scheme="http://")  # a usable proxy: answered, not refused
@example(password="pass word", junk="", scheme="http://")  # white space: refused before it is parsed
def test_property_an_unusable_proxy_variable_never_shows_its_password(password: str, junk: str, scheme: str) -> None:
    # Some drawn values are usable proxies: the listener then answers as the proxy, with an
    # error, so that every value ends in an exception whose text can be searched.
    with HostileServer(lambda conn, request: conn.sendall(answer(404, b'{"errors":[]}'))) as listener:
        value = f"{scheme}user:{password}@127.0.0.1:{listener.port}{junk}"
        for kind in KINDS:
            accepted = listener.accepted
            error = asyncio.run(call_with_proxy_variable(kind, "HTTP_PROXY", value, listener, https=False))
            if isinstance(error, ApiValueError):
                assert "HTTP_PROXY" in str(error) and listener.accepted == accepted
            for text in (str(error), repr(error)):
                assert password not in text


# -- a proxy echoing its own credentials -------------------------------------------------------


def echo_proxy_credentials(conn: socket.socket, request: Request) -> None:
    """A proxy's error page quoting the Proxy-Authorization it got, raw and decoded."""
    import base64

    sent = request.headers.get("proxy-authorization", "")
    decoded = base64.b64decode(sent.partition(" ")[2] or b"").decode("latin-1")
    body = json.dumps({"errors": [{"detail": f"proxy refused {sent!r} ({decoded})"}]}).encode()
    conn.sendall(answer(407, body, [("X-Seen", sent)]))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("given_as", ["url", "url-percent-encoded", "proxy_headers"])
async def test_a_proxy_echoing_its_credentials_shows_none_of_them(kind: str, given_as: str) -> None:
    import urllib3

    password = "Pr0xy:P@ss/w0rd"
    with HostileServer(echo_proxy_credentials) as proxy_server:
        address = f"127.0.0.1:{proxy_server.port}"
        settings: Dict[str, Any] = {"proxy": f"http://{address}"}
        if given_as == "proxy_headers":
            settings["proxy_headers"] = urllib3.make_headers(proxy_basic_auth=f"proxyuser:{password}")
        else:
            settings["proxy"] = f"http://proxyuser:{quote(password, safe='')}@{address}"
        # A plain-http target: the request itself goes to the proxy, which answers it.
        configuration = Configuration(
            host="http://127.0.0.1:9", username="KEY", password="api-secret-0001", retries=False, **settings
        )
        async with Clients(kind, configuration) as c:
            with pytest.raises(ApiException) as refused:
                await c.iam("get_iam_v2_api_key", "KEY1")
        sent = proxy_server.requests[0].headers.get("proxy-authorization", "")
    error = refused.value
    assert error.status == 407
    assert sent.startswith("Basic ")  # both clients send the URL's user-info (test_proxy_credentials.py)
    texts = [str(error), repr(error), error.body or "", *error.headers.values()]
    for text in texts:
        for secret in (password, quote(password, safe=""), sent, sent.partition(" ")[2]):
            assert not secret or secret not in text, (secret, text)
    assert "proxy refused" in str(error)
