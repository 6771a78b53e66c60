"""Safe defaults: TLS verified, no credentials in clear text, unusable responses refused.

Nothing here sends traffic beyond this machine: the non-loopback hosts are documentation
addresses (192.0.2.0/24) and reserved names (.invalid), and the tests show the client
refuses them before opening any connection.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar, Iterator, List, Tuple

import payloads
import pytest
import urllib3

from openapi_client import (
    ApiClient,
    ByokKeysApi,
    Configuration,
    IamApiKeysApi,
    IamV2ApiKey,
    ObjectReference,
    operations,
)
from openapi_client.exceptions import (
    ApiConnectionError,
    ApiException,
    ApiResponseError,
    InsecureTransportError,
    ServiceException,
)
from openapi_client.models import IamV2ApiKeySpec
from openapi_client.testing import FakeConfluentCloud

# -- TLS ----------------------------------------------------------------------------------


def test_tls_verification_is_on_by_default() -> None:
    configuration = Configuration()
    assert configuration.verify_ssl is True
    assert configuration.host.startswith("https://")
    with ApiClient(configuration) as client:
        assert client.rest_client.pool_manager.connection_pool_kw["cert_reqs"] == ssl.CERT_REQUIRED


def test_turning_verification_off_is_explicit() -> None:
    with ApiClient(Configuration(verify_ssl=False)) as client:
        assert client.rest_client.pool_manager.connection_pool_kw["cert_reqs"] == ssl.CERT_NONE


class _KeyHandler(BaseHTTPRequestHandler):
    """Answers every GET with one API key, and remembers the paths it was asked for."""

    # Head and body go out in two writes: without this, Nagle holds the body ~40 ms for the ACK.
    disable_nagle_algorithm = True
    seen: ClassVar[List[str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        body = json.dumps(payloads.API_KEY).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@pytest.fixture(scope="module")
def self_signed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[str, Path]]:
    """An HTTPS server on loopback whose certificate no default trust store accepts."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a throw-away certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeyHandler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", cert
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_an_untrusted_certificate_is_refused_before_any_request(self_signed_server: Tuple[str, Path]) -> None:
    host, _ = self_signed_server
    _KeyHandler.seen.clear()
    configuration = Configuration(host=host, username="k", password="s", retries=False)
    with ApiClient(configuration) as client, pytest.raises(ApiConnectionError) as refused:
        IamApiKeysApi(client).get_iam_v2_api_key("HDS3YFUAYMZL4GDB")
    assert "certificate" in str(refused.value).lower()
    assert _KeyHandler.seen == [], "the request reached a server whose certificate was not verified"


def test_a_trusted_ca_bundle_lets_the_call_through(self_signed_server: Tuple[str, Path]) -> None:
    host, cert = self_signed_server
    _KeyHandler.seen.clear()
    configuration = Configuration(host=host, username="k", password="s", retries=False, ssl_ca_cert=str(cert))
    with ApiClient(configuration) as client:
        key = IamApiKeysApi(client).get_iam_v2_api_key("HDS3YFUAYMZL4GDB")
    assert key.id == payloads.API_KEY["id"]
    assert _KeyHandler.seen == ["/iam/v2/api-keys/HDS3YFUAYMZL4GDB"]


def test_an_explicit_opt_out_works_and_is_warned_about(self_signed_server: Tuple[str, Path]) -> None:
    host, _ = self_signed_server
    configuration = Configuration(host=host, username="k", password="s", retries=False, verify_ssl=False)
    with ApiClient(configuration) as client, pytest.warns(urllib3.exceptions.InsecureRequestWarning):
        key = IamApiKeysApi(client).get_iam_v2_api_key("HDS3YFUAYMZL4GDB")
    assert key.id == payloads.API_KEY["id"]


# -- credentials over plain http ---------------------------------------------------------

REMOTE_PLAIN_HOSTS = [
    "http://192.0.2.1",
    "http://198.51.100.7:8080",
    "http://example.invalid",
    "HTTP://api.example.invalid",
    "http://127.0.0.1.example.invalid",
    "http://localhost.example.invalid",
    "http://[::ffff:192.0.2.1]",
    "http://[2001:db8::1]:443",
]
LOOPBACK_PLAIN_HOSTS = ["http://127.0.0.1:1", "http://127.8.9.10", "http://localhost:8080", "http://[::1]:9"]

CREDENTIALS = [
    pytest.param({"username": "ABCDEFGH12345678", "password": "s3cr3t"}, id="api-key"),
    pytest.param({"access_token": "eyJhbGciOi.token"}, id="bearer-token"),
]


@pytest.mark.parametrize("host", REMOTE_PLAIN_HOSTS)
@pytest.mark.parametrize("credentials", CREDENTIALS)
def test_credentials_are_never_sent_in_clear_text_to_another_machine(host: str, credentials: Any) -> None:
    with ApiClient(Configuration(host=host, retries=False, timeout=(0.5, 0.5), **credentials)) as client:
        calls = [
            lambda: ByokKeysApi(client).list_byok_v1_keys(),
            lambda: ByokKeysApi(client).delete_byok_v1_key("cck-1"),
        ]
        if "username" in credentials:
            calls += [
                lambda: IamApiKeysApi(client).list_iam_v2_api_keys(),
                lambda: IamApiKeysApi(client).create_iam_v2_api_key(
                    IamV2ApiKey(spec=IamV2ApiKeySpec(owner=ObjectReference(id="sa-1")))
                ),
            ]
        for call in calls:
            # A connection attempt would end in ApiConnectionError/ApiTimeoutError instead.
            with pytest.raises(InsecureTransportError) as refused:
                call()
            assert "allow_insecure_http" in str(refused.value)
            for secret in (*credentials.values(),):
                assert secret not in str(refused.value)
        assert not client.rest_client.pool_manager.pools, "a connection pool was opened for the refused host"


def test_credentials_in_a_per_call_auth_are_refused_too() -> None:
    with ApiClient(Configuration(host="http://192.0.2.1", retries=False)) as client:
        with pytest.raises(InsecureTransportError):
            IamApiKeysApi(client).get_iam_v2_api_key(
                "abc", _request_auth={"in": "header", "key": "Authorization", "value": "Basic eDp5"}
            )
        assert not client.rest_client.pool_manager.pools


@pytest.mark.parametrize("host", LOOPBACK_PLAIN_HOSTS)
def test_loopback_http_may_carry_credentials(host: str) -> None:
    # param_serialize builds the request without sending it.
    with ApiClient(Configuration(host=host, username="k", password="s")) as client:
        _, url, headers, _ = client.param_serialize(
            "GET", "/iam/v2/api-keys", auth_settings=operations.LIST_IAM_V2_API_KEYS.auth
        )
    assert url == host + "/iam/v2/api-keys"
    assert headers["Authorization"].startswith("Basic ")


def test_allow_insecure_http_is_an_explicit_opt_in() -> None:
    refused = Configuration(host="http://192.0.2.1", username="k", password="s")
    with ApiClient(refused) as client, pytest.raises(InsecureTransportError):
        client.param_serialize("GET", "/iam/v2/api-keys", auth_settings=operations.LIST_IAM_V2_API_KEYS.auth)
    opted_in = Configuration(host="http://192.0.2.1", username="k", password="s", allow_insecure_http=True)
    with ApiClient(opted_in) as client:
        _, _, headers, _ = client.param_serialize(
            "GET", "/iam/v2/api-keys", auth_settings=operations.LIST_IAM_V2_API_KEYS.auth
        )
    assert headers["Authorization"].startswith("Basic ")


def test_plain_http_on_loopback_works_end_to_end(cloud: FakeConfluentCloud) -> None:
    assert cloud.host.startswith("http://127.0.0.1:")
    with cloud.api_client(retries=False) as client:
        page = IamApiKeysApi(client).list_iam_v2_api_keys()
    assert page.kind == "ApiKeyList"
    assert cloud.requests[-1].headers["Authorization"].startswith("Basic ")


def test_a_redirect_is_not_followed(cloud: FakeConfluentCloud) -> None:
    # Following it would carry the Authorization header to whatever host it names.
    cloud.respond_next(status=307, headers={"Location": "http://192.0.2.1/iam/v2/api-keys"}, body=b"{}")
    with cloud.api_client(retries=False) as client:
        with pytest.raises(ApiException) as answered:
            IamApiKeysApi(client).list_iam_v2_api_keys()
        assert answered.value.status == 307
        assert [key.key_port for key in client.rest_client.pool_manager.pools.keys()] == [cloud.port]  # noqa: SIM118
    assert len(cloud.requests) == 1


# -- responses the client cannot use -------------------------------------------------------


def _get_key(cloud: FakeConfluentCloud, **overrides: Any) -> IamV2ApiKey:
    with cloud.api_client(retries=False, **overrides) as client:
        return IamApiKeysApi(client).get_iam_v2_api_key("HDS3YFUAYMZL4GDB")


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"<html><body>Service maintenance</body></html>", "text/html", "not JSON"),
        (b"Service maintenance", "text/plain; charset=utf-8", "not JSON"),
        (b"{'id': 'single quotes'}", "application/json", "not a valid IamV2ApiKey"),
        (b"[1, 2, 3]", "application/json", "not a valid IamV2ApiKey"),
        (b'{"id": 42}', "application/json", "not a valid IamV2ApiKey"),
        (b"\xff\xfe\x00garbage", "application/json", "not a valid IamV2ApiKey"),
        (b"", "application/json", "has no body"),
    ],
    ids=["html", "text", "bad-json", "wrong-shape", "wrong-type", "binary", "empty"],
)
def test_an_unusable_success_response_is_a_clear_error(
    cloud: FakeConfluentCloud, body: bytes, content_type: str, expected: str
) -> None:
    cloud.respond_next(status=200, body=body, content_type=content_type)
    # strict_answers: a JSON object of the wrong types is refused too (by default it is kept).
    with pytest.raises(ApiResponseError) as refused:
        _get_key(cloud, strict_answers=True)
    assert expected in str(refused.value)
    assert refused.value.status == 200
    assert refused.value.request_id is not None and refused.value.request_id in str(refused.value)


def test_a_truncated_response_is_a_clear_error(cloud: FakeConfluentCloud) -> None:
    whole = json.dumps(payloads.API_KEY).encode()
    cloud.respond_next(body=whole[: len(whole) // 2], declared_length=len(whole))
    with pytest.raises(ApiResponseError) as refused:
        _get_key(cloud)
    assert "cut short" in str(refused.value)
    # The connection was dropped, not reused: the next call works normally.
    with pytest.raises(ApiException) as not_found:
        _get_key(cloud)
    assert not_found.value.status == 404


def test_a_response_over_max_response_bytes_is_refused(cloud: FakeConfluentCloud) -> None:
    page = {**payloads.API_KEY_LIST, "data": [payloads.API_KEY] * 2_000}
    body = json.dumps(page).encode()
    assert len(body) > 2_000_000
    cloud.respond_next(body=body, path="/iam/v2/api-keys")
    client = cloud.api_client(retries=False, max_response_bytes=1_000_000)
    with client, pytest.raises(ApiResponseError) as refused:
        IamApiKeysApi(client).list_iam_v2_api_keys()
    message = str(refused.value)
    assert "1000000-byte limit" in message and "max_response_bytes" in message


def test_the_default_limit_still_admits_the_largest_real_page(cloud: FakeConfluentCloud) -> None:
    cloud.seed_api_keys(100)
    with cloud.api_client(retries=False) as client:
        page = IamApiKeysApi(client).list_iam_v2_api_keys(page_size=100)
        assert len(page.data) == 100
        assert len(json.dumps(page.to_dict())) < client.configuration.max_response_bytes // 100


def test_an_error_response_that_is_not_json_still_gives_its_status(cloud: FakeConfluentCloud) -> None:
    cloud.respond_next(status=502, body=b"<html>Bad gateway</html>", content_type="text/html")
    with pytest.raises(ServiceException) as failed:
        _get_key(cloud)
    assert failed.value.status == 502
    assert failed.value.failure is None
    assert "Bad gateway" in (failed.value.body or "")
