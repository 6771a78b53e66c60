"""TLS and proxy settings reach both transports alike (urllib3 and aiohttp), over loopback.

Most servers are the sync suites' own (the self-signed HTTPS server of test_safe_defaults.py,
the forwarding proxy of test_client_hardening.py), so the two clients meet the very same
peers; a mutual-TLS server is added here for client certificates.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator, Tuple

import payloads
import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, answer
from test_client_hardening import KEY_JSON, ForwardingProxy
from test_safe_defaults import _KeyHandler, self_signed_server

import openapi_client
from openapi_client import Configuration

# Proxy variables of the machine running the suite must not route these tests (test/conftest.py).
pytestmark = pytest.mark.usefixtures("no_proxy_environment")

__all__ = ["self_signed_server"]  # the fixture, used here by name

SECRET = "aio-transport-secret-value"
KEY_ID = payloads.API_KEY["id"]


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer(lambda conn, request: conn.sendall(answer(200, KEY_JSON))) as running:
        yield running


@pytest.fixture
def proxy() -> Iterator[ForwardingProxy]:
    running = ForwardingProxy()
    yield running
    running.close()


async def get_key(kind: str, configuration: Configuration) -> Any:
    async with Clients(kind, configuration) as c:
        return await c.iam("get_iam_v2_api_key", KEY_ID)


# -- TLS ---------------------------------------------------------------------------------------


async def test_an_untrusted_certificate_is_refused_before_any_request(
    kind: str, self_signed_server: Tuple[str, Path]
) -> None:
    host, _ = self_signed_server
    _KeyHandler.seen.clear()
    configuration = Configuration(host=host, username="k", password=SECRET, retries=False)
    with pytest.raises(openapi_client.ApiConnectionError) as refused:
        await get_key(kind, configuration)
    assert "certificate" in str(refused.value).lower()
    assert not isinstance(refused.value, openapi_client.ApiTimeoutError)
    assert _KeyHandler.seen == []


async def test_a_trusted_ca_bundle_lets_the_call_through(kind: str, self_signed_server: Tuple[str, Path]) -> None:
    host, cert = self_signed_server
    _KeyHandler.seen.clear()
    configuration = Configuration(host=host, username="k", password=SECRET, retries=False, ssl_ca_cert=str(cert))
    assert (await get_key(kind, configuration)).id == KEY_ID
    assert _KeyHandler.seen == [f"/iam/v2/api-keys/{KEY_ID}"]


async def test_tls_server_name_is_the_name_the_certificate_is_checked_against(
    kind: str, self_signed_server: Tuple[str, Path]
) -> None:
    host, cert = self_signed_server  # its certificate names 127.0.0.1 only
    by_name = host.replace("127.0.0.1", "localhost")
    settings: Any = {"host": by_name, "username": "k", "password": SECRET, "retries": False}
    with pytest.raises(openapi_client.ApiConnectionError) as mismatch:
        await get_key(kind, Configuration(**settings, ssl_ca_cert=str(cert)))
    assert "TLS failure" in str(mismatch.value)
    configuration = Configuration(**settings, ssl_ca_cert=str(cert))
    configuration.tls_server_name = "127.0.0.1"
    assert (await get_key(kind, configuration)).id == KEY_ID


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
async def test_turning_verification_off_is_honoured(kind: str, self_signed_server: Tuple[str, Path]) -> None:
    host, _ = self_signed_server
    configuration = Configuration(host=host, username="k", password=SECRET, retries=False, verify_ssl=False)
    assert (await get_key(kind, configuration)).id == KEY_ID


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
async def test_clients_with_other_tls_settings_do_not_change_a_default_clients(
    kind: str, self_signed_server: Tuple[str, Path], tmp_path: Path
) -> None:
    # Default-settings clients share one TLS context: the relaxed or extended settings of the
    # clients made in between must not reach it, and a CA file is read again by each client.
    host, cert = self_signed_server
    settings: Any = {"host": host, "username": "k", "password": SECRET, "retries": False}
    bundle = tmp_path / "bundle.pem"
    for relaxed in ({"verify_ssl": False}, {"ssl_ca_cert": str(cert)}):
        bundle.write_bytes(cert.read_bytes())
        assert (await get_key(kind, Configuration(**settings, **relaxed))).id == KEY_ID
        unchecked_name = Configuration(**settings, ssl_ca_cert=str(cert))
        unchecked_name.assert_hostname = False
        assert (await get_key(kind, unchecked_name)).id == KEY_ID
        with pytest.raises(openapi_client.ApiConnectionError, match=r"(?i)certificate"):
            await get_key(kind, Configuration(**settings))
    assert (await get_key(kind, Configuration(**settings, ssl_ca_cert=str(bundle)))).id == KEY_ID
    bundle.write_bytes(_certificate(tmp_path, "other")[0].read_bytes())  # the CA renewed: no longer this server's
    with pytest.raises(openapi_client.ApiConnectionError):
        await get_key(kind, Configuration(**settings, ssl_ca_cert=str(bundle)))


def _certificate(folder: Path, name: str) -> Tuple[Path, Path]:
    """A throw-away self-signed certificate for 127.0.0.1 and its key."""
    cert, key = folder / f"{name}.pem", folder / f"{name}-key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", f"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def mutual_tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[str, Path, Path, Path]]:
    """An HTTPS server on loopback that only talks to clients showing the client certificate:
    (url, server certificate, client certificate, client key)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make throw-away certificates")
    folder = tmp_path_factory.mktemp("mtls")
    server_cert, server_key = _certificate(folder, "server")
    client_cert, client_key = _certificate(folder, "client")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(server_cert, server_key)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(client_cert)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeyHandler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", server_cert, client_cert, client_key
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def test_a_client_certificate_is_presented(kind: str, mutual_tls_server: Tuple[str, Path, Path, Path]) -> None:
    host, server_cert, client_cert, client_key = mutual_tls_server
    settings: Any = {"host": host, "username": "k", "password": SECRET, "retries": False}
    settings["ssl_ca_cert"] = str(server_cert)
    _KeyHandler.seen.clear()
    with pytest.raises(openapi_client.ApiConnectionError):
        await get_key(kind, Configuration(**settings))
    assert _KeyHandler.seen == []
    with_certificate = Configuration(**settings, cert_file=str(client_cert), key_file=str(client_key))
    assert (await get_key(kind, with_certificate)).id == KEY_ID
    assert _KeyHandler.seen == [f"/iam/v2/api-keys/{KEY_ID}"]


# -- proxies -------------------------------------------------------------------------------------


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy"])
async def test_the_environment_proxy_is_used(
    kind: str, monkeypatch: pytest.MonkeyPatch, server: HostileServer, proxy: ForwardingProxy, variable: str
) -> None:
    monkeypatch.setenv(variable, proxy.url)
    assert (await get_key(kind, Configuration(host=server.url, username="KEY", password=SECRET))).id == KEY_ID
    assert [r.target for r in proxy.requests] == [f"{server.url}/iam/v2/api-keys/{KEY_ID}"]
    assert len(server.requests) == 1


async def test_trust_env_false_ignores_the_environment(
    kind: str, monkeypatch: pytest.MonkeyPatch, server: HostileServer, proxy: ForwardingProxy
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    await get_key(kind, Configuration(host=server.url, username="KEY", password=SECRET, trust_env=False))
    assert proxy.requests == [] and len(server.requests) == 1


async def test_no_proxy_bypasses_the_proxy(
    kind: str, monkeypatch: pytest.MonkeyPatch, server: HostileServer, proxy: ForwardingProxy
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    await get_key(kind, Configuration(host=server.url, username="KEY", password=SECRET))
    assert proxy.requests == [] and len(server.requests) == 1


async def test_the_explicit_proxy_wins_and_carries_its_headers(
    kind: str, monkeypatch: pytest.MonkeyPatch, server: HostileServer, proxy: ForwardingProxy
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://192.0.2.1:3128")
    configuration = Configuration(
        host=server.url, username="KEY", password=SECRET, proxy=proxy.url, proxy_headers={"X-Proxy-Tag": "ci"}
    )
    await get_key(kind, configuration)
    assert len(proxy.requests) == 1 and proxy.requests[0].headers.get("x-proxy-tag") == "ci"


async def test_a_remote_plain_http_proxy_is_refused_for_credentials(
    kind: str, monkeypatch: pytest.MonkeyPatch, server: HostileServer
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://192.0.2.1:3128")
    with pytest.raises(openapi_client.InsecureTransportError, match="proxy") as refused:
        await get_key(kind, Configuration(host=server.url, username="KEY", password=SECRET))
    assert SECRET not in str(refused.value)
    assert server.requests == []
