"""Issue 9, client items 2, 4, 5, 8, 10, and the transport seam of issue 13 §4, over real sockets."""

from __future__ import annotations

import http.client
import json
import math
import socket
from typing import Any, Callable, Iterator, List, Optional

import payloads
import pytest
import urllib3
from hostile import HostileServer, Request, answer
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples
from urllib3.util import parse_url

import openapi_client
from openapi_client import ApiClient, ApiRetry, ByokKeysApi, Configuration, IamApiKeysApi
from openapi_client._http_request import credentials_allowed

# Proxy variables of the machine running the suite must not route these tests (test/conftest.py).
pytestmark = pytest.mark.usefixtures("no_proxy_environment")

KEY_JSON = json.dumps(payloads.API_KEY).encode()
SECRET = "s3cr3t-VALUE-that-must-never-show"


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer(lambda conn, request: conn.sendall(answer(200, KEY_JSON))) as running:
        yield running


# -- 2. credentials in clear text, judged by the parser that connects -----------------------------


@pytest.mark.parametrize(
    "host",
    [
        "http://evil.example:1\\@localhost",
        "http://localhost@evil.example",
        "http://user:pw@127.0.0.1",
        "http://127.0.0.1?x=1",
        "http://127.0.0.1/#frag",
        "http://127.0.0.1/path?q",
        "ftp://127.0.0.1",
        "http://",
        "127.0.0.1:8080",
        "http://127.0.0.1\r\nX: y",
    ],
)
def test_a_host_with_more_than_scheme_host_port_path_is_refused_at_configuration_time(host: str) -> None:
    with pytest.raises(openapi_client.ApiValueError) as info:
        Configuration(host=host, username="KEY", password=SECRET)
    assert "host" in str(info.value) and SECRET not in str(info.value)


def test_changing_the_host_later_is_checked_too() -> None:
    config = Configuration(host="http://127.0.0.1:1", username="KEY", password=SECRET)
    with pytest.raises(openapi_client.ApiValueError):
        config.host = "http://127.0.0.1@192.0.2.1"


@settings(max_examples=examples(300), deadline=None)
@given(
    host=st.one_of(
        st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=40).map(lambda t: "http://" + t),
        st.sampled_from(["127.0.0.1", "localhost", "[::1]", "192.0.2.1", "evil.example", "127.0.0.1.evil"]).flatmap(
            lambda h: st.sampled_from(["", ":1", "\\@evil", "@localhost", ":1\\@localhost", "%00", "."]).map(
                lambda tail: f"http://{h}{tail}"
            )
        ),
    )
)
def test_property_credentials_go_in_clear_text_only_where_urllib3_would_connect_to_loopback(host: str) -> None:
    try:
        config = Configuration(host=host, username="KEY", password=SECRET, retries=False)
    except openapi_client.ApiValueError:
        return
    with ApiClient(config) as client:
        target = parse_url(config.host).host or ""
        try:
            _, url, headers, _ = client.param_serialize("GET", "/iam/v2/api-keys", auth_settings=("cloud-api-key",))
        except openapi_client.InsecureTransportError:
            assert not (_is_loopback_ip(target) or target == "localhost"), "loopback was refused"
            return
        # Whatever was allowed connects (per urllib3, which does the connecting) to this machine.
        connects_to = parse_url(url).host or ""
        assert connects_to.strip("[]") in ("localhost", "::1") or _is_loopback_ip(connects_to), url
        assert "Authorization" in headers


def _is_loopback_ip(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def test_a_plain_http_proxy_off_this_machine_counts_as_clear_text(server: HostileServer) -> None:
    config = Configuration(host=server.url, username="KEY", password=SECRET, proxy="http://192.0.2.1:3128")
    with ApiClient(config) as client, pytest.raises(openapi_client.InsecureTransportError) as info:
        IamApiKeysApi(client).get_iam_v2_api_key("K")
    assert "proxy" in str(info.value) and SECRET not in str(info.value)
    assert server.requests == []


def test_a_proxy_may_carry_its_own_credentials_but_no_query() -> None:
    assert (
        Configuration(proxy="http://user:pw@127.0.0.1:3128", trust_env=False).proxy == "http://user:pw@127.0.0.1:3128"
    )
    with pytest.raises(openapi_client.ApiValueError, match="proxy"):
        Configuration(proxy="http://127.0.0.1:3128/?x=1")


def test_https_through_any_proxy_is_tunnelled_so_allowed() -> None:
    assert credentials_allowed("https://api.confluent.cloud", "http://192.0.2.1:3128", False)
    assert not credentials_allowed("http://127.0.0.1:8080", "http://192.0.2.1:3128", False)
    assert credentials_allowed("http://127.0.0.1:8080", "http://127.0.0.1:3128", False)
    assert credentials_allowed("http://192.0.2.1", None, True)


# -- 5. header values that cannot be sent; blank credentials ---------------------------------------

BAD_HEADER_VALUES = ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\x00b", "caf\u00e9\u20ac", "\u2028", "tab\x7f"]


@pytest.mark.parametrize("value", BAD_HEADER_VALUES)
@pytest.mark.parametrize(
    "where",
    ["access_token", "password", "username", "_request_auth", "_headers", "user_agent", "set_default_header"],
)
def test_unsendable_header_values_are_refused_naming_where_and_nothing_is_sent(
    server: HostileServer, value: str, where: str
) -> None:
    def attempt() -> None:
        if where in ("access_token", "password", "username"):
            credentials = {"username": "KEY", "password": SECRET}
            if where == "access_token":
                credentials = {"access_token": value}
            else:
                credentials[where] = value
            client = ApiClient(Configuration(host=server.url, **credentials))
        else:
            client = ApiClient(Configuration(host=server.url, username="KEY", password=SECRET))
        options: Any = {}
        if where == "_request_auth":
            options["_request_auth"] = {"in": "header", "key": "Authorization", "value": value}
        elif where == "_headers":
            options["_headers"] = {"X-Trace": value}
        elif where == "user_agent":
            client.user_agent = value
        elif where == "set_default_header":
            client.set_default_header("X-Team", value)
        IamApiKeysApi(client).get_iam_v2_api_key("K", **options)

    with pytest.raises(openapi_client.ApiValueError) as info:
        attempt()
    message = str(info.value)
    assert where in message
    assert value not in message and SECRET not in message
    assert server.requests == []


@pytest.mark.parametrize(
    "call",
    [
        lambda api, _: api.get_iam_v2_api_key("abc\ud800"),
        lambda api, _: api.list_iam_v2_api_keys(spec_owner="sa-\udfff"),
        lambda api, _: api.list_iam_v2_api_keys(page_token="\ud83d"),
        lambda _, byok: byok.list_byok_v1_keys(display_name="x\udc80y"),
        lambda _, byok: byok.delete_byok_v1_key("\ud800\ud800"),
    ],
)
def test_lone_surrogates_are_refused_naming_the_parameter(server: HostileServer, call: Any) -> None:
    config = Configuration(host=server.url, username="KEY", password=SECRET)
    with ApiClient(config) as client, pytest.raises(openapi_client.ApiValueError) as info:
        call(IamApiKeysApi(client), ByokKeysApi(client))
    assert "parameter '" in str(info.value) and "surrogate" in str(info.value)
    assert server.requests == []


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key_id=st.text(min_size=1, max_size=40))
def test_property_any_id_is_either_sent_in_one_path_segment_or_refused(server: HostileServer, key_id: str) -> None:
    before = len(server.requests)
    with ApiClient(Configuration(host=server.url, username="KEY", password=SECRET, retries=False)) as client:
        try:
            IamApiKeysApi(client).get_iam_v2_api_key(key_id)
        except openapi_client.ApiValueError as exc:
            assert "parameter 'id'" in str(exc) and key_id not in str(exc)
            assert len(server.requests) == before
            return
    target = server.requests[-1].target
    assert target.startswith("/iam/v2/api-keys/") and "/" not in target[len("/iam/v2/api-keys/") :]


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "", "password": SECRET},
        {"username": "KEY", "password": ""},
        {"username": "   ", "password": SECRET},
        {"username": "KEY", "password": "\t "},
        {"username": "KEY"},
        {"password": SECRET},
        {"access_token": ""},
        {"access_token": "  "},
    ],
)
def test_blank_or_half_credentials_are_refused(server: HostileServer, credentials: Any) -> None:
    with pytest.raises(openapi_client.ApiValueError) as info:
        Configuration(host=server.url, **credentials)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("key, secret", [("", ""), (" ", "s"), ("KEY", ""), ("KEY", None), (None, "s")])
def test_blank_or_half_credentials_from_the_environment_are_refused(
    monkeypatch: pytest.MonkeyPatch, key: Optional[str], secret: Optional[str]
) -> None:
    for name, value in (("CONFLUENT_CLOUD_API_KEY", key), ("CONFLUENT_CLOUD_API_SECRET", secret)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    with pytest.raises(openapi_client.ApiValueError) as info:
        Configuration(host="http://127.0.0.1:1")
    assert "CONFLUENT_CLOUD_API" in str(info.value)


def test_credentials_blanked_on_a_live_configuration_are_refused_before_sending(server: HostileServer) -> None:
    config = Configuration(host=server.url, username="KEY", password=SECRET)
    with ApiClient(config) as client:
        config.password = ""
        with pytest.raises(openapi_client.ApiValueError):
            IamApiKeysApi(client).get_iam_v2_api_key("K")
    assert server.requests == []


# -- 4. pagination never loops ---------------------------------------------------------------------


def paging_server(next_of: Callable[[Optional[str]], Optional[str]]) -> HostileServer:
    def handler(conn: socket.socket, request: Request) -> None:
        token = None
        if "page_token=" in request.target:
            token = request.target.split("page_token=", 1)[1].split("&", 1)[0]
        following = next_of(token)
        next_link = f"https://api.confluent.cloud/iam/v2/api-keys?page_token={following}" if following else None
        page = {"api_version": "iam/v2", "kind": "ApiKeyList", "metadata": {"next": next_link}, "data": []}
        conn.sendall(answer(200, json.dumps(page).encode()))

    return HostileServer(handler)


@pytest.mark.parametrize("cycle_length", [1, 2, 3, 7])
def test_a_next_link_cycle_of_any_length_ends_the_walk(cycle_length: int) -> None:
    def next_of(token: Optional[str]) -> str:
        number = 0 if token is None else int(token[1:])
        return f"t{(number + 1) % cycle_length if number + 1 > cycle_length else number + 1}"

    with paging_server(next_of) as server:
        config = Configuration(host=server.url, username="K", password="SECRET")
        with ApiClient(config) as client, pytest.raises(openapi_client.ApiResponseError) as info:
            list(IamApiKeysApi(client).iter_iam_v2_api_keys())
    assert "list_iam_v2_api_keys" in str(info.value) and "first seen on page" in str(info.value)
    assert len(server.requests) <= cycle_length + 2


@pytest.mark.parametrize("max_pages", [1, 2, 5])
def test_the_caller_can_cap_the_pages(max_pages: int) -> None:
    with (
        paging_server(lambda token: f"t{int((token or 't0')[1:]) + 1}") as server,
        ApiClient(Configuration(host=server.url, username="K", password="SECRET")) as client,
    ):
        pages = IamApiKeysApi(client).iter_iam_v2_api_keys_pages(max_pages=max_pages)
        with pytest.raises(openapi_client.ApiResponseError, match=f"max_pages={max_pages}"):
            for _ in pages:
                pass
    assert len(server.requests) == max_pages


def test_a_walk_within_the_cap_ends_normally() -> None:
    with paging_server(lambda token: None if token == "t2" else f"t{int((token or 't0')[1:]) + 1}") as server:
        client = ApiClient(Configuration(host=server.url, username="K", password="SECRET"))
        with client:
            assert len(list(IamApiKeysApi(client).iter_iam_v2_api_keys_pages(max_pages=3))) == 3


@pytest.mark.parametrize("max_pages", [0, -1, 1.5, True, "3"])
def test_a_bad_page_cap_is_refused(server: HostileServer, max_pages: Any) -> None:
    config = Configuration(host=server.url, username="K", password="SECRET")
    with ApiClient(config) as client, pytest.raises(openapi_client.ApiValueError, match="max_pages"):
        next(ByokKeysApi(client).iter_byok_v1_keys(max_pages=max_pages))
    assert server.requests == []


# -- 8. waiter arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["timeout", "poll_interval"])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, -1.0, 0.0])
def test_waiter_arguments_must_be_finite_and_positive(server: HostileServer, name: str, value: float) -> None:
    with ApiClient(Configuration(host=server.url, username="K", password="SECRET")) as client:
        for wait in (IamApiKeysApi(client).wait_for_iam_v2_api_key, ByokKeysApi(client).wait_for_byok_v1_key):
            with pytest.raises(openapi_client.ApiValueError, match=name):
                wait("K", **{name: value})
    assert server.requests == []


# -- 10. proxies from the environment ----------------------------------------------------------------


class ForwardingProxy(HostileServer):
    """A plain-http forwarding proxy on loopback: it relays absolute-form requests."""

    def __init__(self) -> None:
        super().__init__(self._forward)

    def _forward(self, conn: socket.socket, request: Request) -> None:
        target = parse_url(request.target)
        upstream = http.client.HTTPConnection(target.host or "", target.port or 80, timeout=5)
        headers = {k: v for k, v in request.headers.items() if k not in ("host", "proxy-connection")}
        upstream.request(request.method, target.request_uri, body=request.body or None, headers=headers)
        reply = upstream.getresponse()
        body = reply.read()
        upstream.close()
        conn.sendall(answer(reply.status, body, [("Content-Type", reply.getheader("Content-Type", ""))]))


@pytest.fixture
def proxy() -> Iterator[ForwardingProxy]:
    running = ForwardingProxy()
    yield running
    running.close()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy"])
def test_the_environment_proxy_is_used(
    monkeypatch: pytest.MonkeyPatch, server: HostileServer, proxy: ForwardingProxy, variable: str
) -> None:
    monkeypatch.setenv(variable, proxy.url)
    with ApiClient(Configuration(host=server.url, username="KEY", password=SECRET)) as client:
        assert IamApiKeysApi(client).get_iam_v2_api_key("K").id == payloads.API_KEY["id"]
    assert [r.target for r in proxy.requests] == [f"{server.url}/iam/v2/api-keys/K"]
    assert len(server.requests) == 1


def test_trust_env_false_ignores_the_environment(
    monkeypatch: pytest.MonkeyPatch, server: HostileServer, proxy: ForwardingProxy
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with ApiClient(Configuration(host=server.url, username="KEY", password=SECRET, trust_env=False)) as client:
        IamApiKeysApi(client).get_iam_v2_api_key("K")
    assert proxy.requests == [] and len(server.requests) == 1


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "*", "localhost,127.0.0.1", " 127.0.0.1 ", "{port}"])
def test_no_proxy_bypasses_the_proxy(
    monkeypatch: pytest.MonkeyPatch, server: HostileServer, proxy: ForwardingProxy, no_proxy: str
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", no_proxy.replace("{port}", f"127.0.0.1:{server.port}"))
    with ApiClient(Configuration(host=server.url, username="KEY", password=SECRET)) as client:
        IamApiKeysApi(client).get_iam_v2_api_key("K")
    assert proxy.requests == [] and len(server.requests) == 1


def test_a_remote_plain_http_proxy_from_the_environment_is_refused_for_credentials(
    monkeypatch: pytest.MonkeyPatch, server: HostileServer
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://192.0.2.1:3128")
    config = Configuration(host=server.url, username="KEY", password=SECRET)
    with ApiClient(config) as client, pytest.raises(openapi_client.InsecureTransportError, match="proxy"):
        IamApiKeysApi(client).get_iam_v2_api_key("K")


def test_the_explicit_proxy_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, server: HostileServer, proxy: ForwardingProxy
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://192.0.2.1:3128")
    with ApiClient(Configuration(host=server.url, username="KEY", password=SECRET, proxy=proxy.url)) as client:
        IamApiKeysApi(client).get_iam_v2_api_key("K")
    assert len(proxy.requests) == 1


# -- transport seam (issue 13 §4) --------------------------------------------------------------------


class RecordingPoolManager(urllib3.PoolManager):
    """A real pool that notes each request it sends (what users do for instrumentation)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sent: List[str] = []

    def urlopen(self, method: str, url: str, redirect: bool = True, **kw: Any) -> Any:
        self.sent.append(f"{method} {url}")
        return super().urlopen(method, url, redirect=redirect, **kw)


def test_a_pool_of_your_own_carries_every_request_and_retry(
    monkeypatch: pytest.MonkeyPatch, proxy: ForwardingProxy
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)  # ignored: your pool decides the route

    def handler(conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(503 if len(running.requests) == 1 else 200, KEY_JSON))

    with HostileServer(handler) as running:
        pool = RecordingPoolManager(maxsize=2)
        config = Configuration(host=running.url, username="KEY", password=SECRET, retries=ApiRetry(backoff_factor=0))
        with ApiClient(config, pool_manager=pool) as client:
            IamApiKeysApi(client).get_iam_v2_api_key("K")
            assert client.rest_client.pool_manager is pool
    assert pool.sent == [f"GET {running.url}/iam/v2/api-keys/K"] * 2
    assert proxy.requests == []


def test_a_urllib3_retry_is_refused_with_a_clear_error() -> None:
    with pytest.raises(openapi_client.ApiTypeError, match="ApiRetry"):
        Configuration(host="http://127.0.0.1:1", retries=urllib3.Retry(3))
