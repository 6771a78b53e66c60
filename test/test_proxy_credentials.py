"""A proxy URL's ``user:password@`` part, through both clients, over real sockets.

* Both clients send it to the proxy as the same ``Proxy-Authorization`` (Basic, of the
  percent-decoded user and password), whether the URL is ``Configuration.proxy`` or an
  ``HTTP_PROXY``/``HTTPS_PROXY`` variable, as requests, curl and the Confluent CLI do (urllib3's
  ``ProxyManager`` sent none). A ``Proxy-Authorization`` given in ``proxy_headers`` is sent instead.
* A proxy echoing those credentials (the header, the password) in its answer shows none of
  them in the error or the logs, the environment's proxy included.
"""

from __future__ import annotations

import base64
import json
import logging
import socket
from typing import Any, Dict, Optional
from urllib.parse import unquote

import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer

from openapi_client import Configuration
from openapi_client.exceptions import ApiException, OpenApiException

# Proxy variables of the machine running the suite must not route these tests (test/conftest.py).
pytestmark = pytest.mark.usefixtures("no_proxy_environment")


# (user-info as written in the URL): plain, percent-encoded ("@", ":", "/" and "!" in it), and
# a user name alone (a token), sent with an empty password.
USERINFO = {
    "plain": "proxyuser:Pr0xyPassw0rd",
    "percent-encoded": "proxy%40user:P%40ss%3Aw0rd%2F%21x",
    "user-only": "Pr0xyT0ken-0001x",
}


def basic(userinfo: str) -> str:
    """The ``Proxy-Authorization`` a proxy URL's user-info makes."""
    user, _, password = userinfo.partition(":")
    return "Basic " + base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode("latin-1")).decode("ascii")


def refuse(conn: socket.socket, request: Request) -> None:
    conn.sendall(answer(407, b'{"errors":[]}', [("Proxy-Authenticate", 'Basic realm="proxy"')]))


async def call_through(
    kind: str,
    proxy_server: HostileServer,
    userinfo: str,
    source: str,
    https: bool,
    monkeypatch: pytest.MonkeyPatch,
    proxy_headers: Optional[Dict[str, str]] = None,
) -> OpenApiException:
    """One call through ``proxy_server`` (named with ``userinfo``) to an http or https
    target, the proxy given in the configuration or in the environment variable for the
    target's scheme; the error it ends in."""
    proxy = f"http://{userinfo}@127.0.0.1:{proxy_server.port}"
    if source == "environment":
        monkeypatch.setenv("HTTPS_PROXY" if https else "HTTP_PROXY", proxy)
    # A plain-http target on this machine: the request itself goes to the proxy (which answers it).
    configuration = Configuration(
        host="https://api.example.com" if https else "http://127.0.0.1:9",
        username="KEY",
        password="api-secret-0001",
        retries=False,
        proxy=proxy if source == "configuration" else None,
        proxy_headers=proxy_headers,
    )
    async with Clients(kind, configuration) as c:
        with pytest.raises(OpenApiException) as failed:
            await c.iam("get_iam_v2_api_key", "KEY1")
    return failed.value


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("userinfo", list(USERINFO))
@pytest.mark.parametrize("source", ["configuration", "environment"])
@pytest.mark.parametrize("https", [False, True], ids=["http-target", "https-target"])
async def test_both_clients_send_the_credentials_of_the_proxy_url(
    kind: str, userinfo: str, source: str, https: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    with HostileServer(refuse) as proxy_server:
        await call_through(kind, proxy_server, USERINFO[userinfo], source, https, monkeypatch)
        [request] = proxy_server.requests
    if https:
        assert request.method == "CONNECT" and request.target == "api.example.com:443"
    else:
        assert request.method == "GET" and request.target.startswith("http://127.0.0.1:9/iam/v2/api-keys/KEY1")
    assert request.headers.get("proxy-authorization") == basic(USERINFO[userinfo])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("https", [False, True], ids=["http-target", "https-target"])
async def test_a_proxy_authorization_in_proxy_headers_is_sent_instead(
    kind: str, https: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = basic("someone:Given-Passw0rd")
    with HostileServer(refuse) as proxy_server:
        await call_through(
            kind, proxy_server, USERINFO["plain"], "configuration", https, monkeypatch, {"proxy-authorization": given}
        )
        [request] = proxy_server.requests
    assert request.headers.get("proxy-authorization") == given


# (user-info as written, the secrets it holds as written and decoded)
ECHOED = {
    "password": ("proxyuser:Pr0xy%3AP%40ss%2Fw0rd", ("Pr0xy:P@ss/w0rd", "Pr0xy%3AP%40ss%2Fw0rd")),
    "user-only": ("Pr0xyT0ken-0001x", ("Pr0xyT0ken-0001x",)),
}


def echo_credentials(conn: socket.socket, request: Request) -> None:
    """A proxy's error page quoting the Proxy-Authorization it got, raw and decoded, in its
    body and its headers."""
    sent = request.headers.get("proxy-authorization", "")
    decoded = base64.b64decode(sent.partition(" ")[2] or b"").decode("latin-1")
    user, _, password = decoded.partition(":")
    body = json.dumps({"errors": [{"detail": f"proxy refused {sent!r} ({decoded}), {user} with {password!r}"}]})
    conn.sendall(answer(407, body.encode(), [("X-Seen", sent), ("X-Password", password), ("X-Decoded", decoded)]))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("echoed", list(ECHOED))
async def test_an_environment_proxy_echoing_its_credentials_shows_none_of_them(
    kind: str, echoed: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    userinfo, known = ECHOED[echoed]
    with HostileServer(echo_credentials) as proxy_server:
        error = await call_through(kind, proxy_server, userinfo, "environment", False, monkeypatch)
        sent = proxy_server.requests[0].headers.get("proxy-authorization", "")
    assert sent == basic(userinfo)
    assert isinstance(error, ApiException) and error.status == 407
    assert "proxy refused" in str(error)
    secrets = (*known, sent, sent.partition(" ")[2])
    texts: Dict[str, Any] = {
        "str": str(error),
        "repr": repr(error),
        "body": error.body or "",
        "headers": repr(error.headers),
        "logs": caplog.text,
    }
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, (where, secret, text)
