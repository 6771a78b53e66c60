"""The admin surface: every test control over HTTP, standalone and in-process (issue 18, item 6).

All over real loopback sockets: the curl walkthrough of docs/Testing.md run as written
against the standalone command and an in-process emulator; each route and its Python twin
having the same effect; loopback peers only; admin requests neither logged, faulted nor
rate-limited; bad requests refused with a Failure naming the field.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional
from urllib.parse import quote, urlencode

import pytest
import urllib3
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples

import openapi_client
from openapi_client.credentials import ClientCredentialsGrant, ConfluentOAuth
from openapi_client.testing import FakeConfluentCloud
from openapi_client.testing._admin import is_loopback

DOCS = Path(__file__).resolve().parent.parent / "docs" / "Testing.md"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def walkthrough() -> str:
    """The shell block under "A walkthrough with curl" in docs/Testing.md, as written."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("### A walkthrough with curl") :]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


def admin(
    cloud: FakeConfluentCloud, method: str, route: str, body: Optional[Any] = None, **headers: str
) -> urllib3.BaseHTTPResponse:
    sent: Dict[str, str] = {"Content-Type": "application/json"} if body is not None else {}
    sent.update(headers)
    data = json.dumps(body).encode() if body is not None else None
    return urllib3.request(method, cloud.admin_url + route, body=data, headers=sent, retries=False)


def api(cloud: FakeConfluentCloud, method: str, path: str, body: Optional[Any] = None) -> urllib3.BaseHTTPResponse:
    headers = urllib3.make_headers(basic_auth=f"{cloud.api_key}:{cloud.api_secret}")
    return urllib3.request(method, cloud.host + path, json=body, headers=headers, retries=False)


@pytest.fixture
def standalone() -> Iterator[str]:
    """The standalone command on a free port; yields its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "openapi_client.testing", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = first.split()[-1]
        assert url.startswith("http://127.0.0.1:"), first
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def check_walkthrough_output(output: str) -> None:
    lines = output.splitlines()
    for expected in ("with a fault: 429", "then: 200", "first read: 404", "second read: 200"):
        assert expected in lines
    assert re.fullmatch(r'\{"ids":\["[A-Z0-9]{16}","[A-Z0-9]{16}","[A-Z0-9]{16}"\]\}', lines[0])
    flink = json.loads(lines[3])
    assert [item["id"] for item in flink["data"]] == ["FLINKKEY00000001"]
    log = json.loads(lines[-1])["requests"]
    assert [entry["status"] for entry in log] == [200, 200, 200, 429, 200, 202, 404, 200]
    sts = next(entry for entry in log if entry["path"] == "/sts/v1/oauth2/token")
    assert sts["body"].endswith("&subject_token=***")
    assert {entry["headers"].get("Authorization") for entry in log} == {"Basic ***", "Bearer ***", None}  # STS: none
    assert JWT.search(lines[-1]) is None


curl_and_bash = pytest.mark.skipif(
    shutil.which("curl") is None or shutil.which("bash") is None, reason="the walkthrough needs curl and bash"
)


@curl_and_bash
def test_the_curl_walkthrough_runs_as_written_against_the_standalone_command(standalone: str) -> None:
    result = subprocess.run(
        ["bash", "-c", walkthrough()],
        env={**os.environ, "EMULATOR": standalone},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    check_walkthrough_output(result.stdout)


@curl_and_bash
def test_the_curl_walkthrough_runs_against_an_in_process_emulator_too(cloud: FakeConfluentCloud) -> None:
    cloud.seed_api_keys(2)  # the walkthrough's reset forgets them
    result = subprocess.run(
        ["bash", "-c", walkthrough()],
        env={**os.environ, "EMULATOR": cloud.host},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    check_walkthrough_output(result.stdout)
    assert cloud.stale_reads == 1 and cloud.sts_exchanges == 1
    assert len(cloud.requests) == 8  # the admin requests are not in the log


def test_an_oauth_job_in_another_process_authenticates_through_the_standalone_command(standalone: str) -> None:
    info = urllib3.request("GET", f"{standalone}/_emulator").json()
    client = urllib3.request("POST", f"{standalone}/_emulator/oauth-clients").json()
    urllib3.request(
        "POST",
        f"{standalone}/_emulator/api-keys",
        body=json.dumps({"count": 2, "owner": "sa-job"}),
        headers={"Content-Type": "application/json"},
    )
    grant = ClientCredentialsGrant(info["idp_token_url"], client["client_id"], client["client_secret"])
    provider = ConfluentOAuth(info["identity_pool_id"], grant, sts_url=info["sts_token_url"])
    with openapi_client.ApiClient(openapi_client.Configuration(host=standalone, credentials=provider)) as api_client:
        keys = list(openapi_client.IamApiKeysApi(api_client).iter_iam_v2_api_keys(spec_owner="sa-job"))

    assert len(keys) == 2
    settings = urllib3.request("GET", f"{standalone}/_emulator/settings").json()
    assert (settings["idp_grants"], settings["sts_exchanges"]) == (1, 1)


# -- each route does what its Python twin does ---------------------------------------------------


def test_index_and_settings(cloud: FakeConfluentCloud) -> None:
    index = admin(cloud, "GET", "").json()
    assert index["host"] == cloud.host and index["identity_pool_id"] == cloud.identity_pool_id
    assert (index["api_key"], index["api_secret"], index["access_token"]) == (
        cloud.api_key,
        cloud.api_secret,
        cloud.access_token,
    )
    assert "POST /_emulator/faults" in index["routes"]

    changed = admin(cloud, "PATCH", "/settings", {"token_lifetime": 5, "idp_token_lifetime": 7, "stale_reads": 3})
    assert changed.status == 200
    assert (cloud.token_lifetime, cloud.idp_token_lifetime, cloud.stale_reads) == (5, 7, 3)
    current = admin(cloud, "GET", "/settings").json()
    assert current.pop("connections_accepted") >= 1
    assert current == {
        "token_lifetime": 5,
        "idp_token_lifetime": 7,
        "stale_reads": 3,
        "sts_exchanges": 0,
        "idp_grants": 0,
    }


def test_oauth_routes(cloud: FakeConfluentCloud) -> None:
    client = admin(cloud, "POST", "/oauth-clients").json()
    form = {
        "grant_type": "client_credentials",
        "client_id": client["client_id"],
        "client_secret": client["client_secret"],
    }
    assert urllib3.request("POST", cloud.idp_token_url, body=urlencode(form), headers=FORM).status == 200

    subject = admin(cloud, "POST", "/subject-tokens", {"lifetime": 60, "subject": "job-1"}).json()
    exchange = {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": subject["subject_token"],
        "identity_pool_id": cloud.identity_pool_id,
        "subject_token_type": subject["subject_token_type"],
        "requested_token_type": "urn:ietf:params:oauth:token-type:access_token",
    }
    token = urllib3.request("POST", cloud.sts_token_url, body=urlencode(exchange), headers=FORM).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert urllib3.request("GET", f"{cloud.host}/byok/v1/keys", headers=bearer).status == 200

    assert admin(cloud, "POST", "/revoked-tokens", {"token": token}).status == 204
    assert urllib3.request("GET", f"{cloud.host}/byok/v1/keys", headers=bearer).status == 401


def test_key_routes(cloud: FakeConfluentCloud) -> None:
    seeded = admin(
        cloud,
        "POST",
        "/api-keys",
        {"count": 2, "owner": "sa-x", "resource": None, "description": "d", "created_at": "2024-01-02T03:04:05Z"},
    )
    assert seeded.status == 201
    ids = seeded.json()["ids"]
    listed = api(cloud, "GET", "/iam/v2/api-keys?spec.owner=sa-x").json()["data"]
    assert [item["id"] for item in listed] == ids
    assert listed[0]["metadata"]["created_at"].startswith("2024-01-02T03:04:05") and "resource" not in listed[0]["spec"]

    documents = admin(cloud, "POST", "/api-keys", {"documents": [{"id": "DOC1", "spec": {"secret": ""}}]}).json()
    assert documents == {"ids": ["DOC1"]} and api(cloud, "GET", "/iam/v2/api-keys/DOC1").json() == {
        "id": "DOC1",
        "spec": {"secret": ""},
    }

    global_key = admin(cloud, "POST", "/global-api-keys", {"owner": "u-1"}).json()
    global_auth = urllib3.make_headers(basic_auth=f"{global_key['key']}:{global_key['secret']}")
    assert urllib3.request("GET", f"{cloud.host}/byok/v1/keys", headers=global_auth).status == 200
    assert admin(cloud, "POST", f"/api-keys/{global_key['key']}/auth-flaps", {"times": 2}).status == 204
    statuses = [urllib3.request("GET", f"{cloud.host}/byok/v1/keys", headers=global_auth).status for _ in range(3)]
    assert statuses == [401, 401, 200]

    (byok_id,) = admin(
        cloud, "POST", "/byok-keys", {"key": {"kind": "GcpKey", "key_id": "projects/p/k"}, "display_name": "g"}
    ).json()["ids"]
    assert admin(cloud, "POST", f"/byok-keys/{byok_id}/validation", {"phase": "INVALID", "message": "no"}).status == 204
    assert admin(cloud, "POST", f"/byok-keys/{byok_id}/state", {"state": "IN_USE"}).status == 204
    got = api(cloud, "GET", f"/byok/v1/keys/{byok_id}").json()
    assert (got["display_name"], got["state"], got["validation"]["phase"], got["validation"]["message"]) == (
        "g",
        "IN_USE",
        "INVALID",
        "no",
    )
    (raw,) = admin(cloud, "POST", "/byok-keys", {"documents": [{"id": "cck-raw", "provider": "AZURE"}]}).json()["ids"]
    assert api(cloud, "GET", f"/byok/v1/keys/{raw}").json() == {"id": "cck-raw", "provider": "AZURE"}


def test_a_grant_through_the_admin_surface_lets_validation_proceed() -> None:
    with FakeConfluentCloud(byok_requires_grant=True) as cloud:
        (key_id,) = admin(cloud, "POST", "/byok-keys", {"key": {"kind": "GcpKey", "key_id": "projects/p/k"}}).json()[
            "ids"
        ]
        assert api(cloud, "GET", f"/byok/v1/keys/{key_id}").json()["validation"]["phase"] == "INITIALIZING"
        assert admin(cloud, "POST", f"/byok-keys/{key_id}/grant").status == 204
        assert api(cloud, "GET", f"/byok/v1/keys/{key_id}").json()["validation"]["phase"] == "VALID"


@pytest.mark.parametrize(
    ("fault", "expect"),
    [
        ({"kind": "fail", "status": 429, "retry_after": 2, "headers": {"X-Extra": "1"}}, (429, "2", "1")),
        ({"kind": "respond", "status": 418, "body": "teapot", "content_type": "text/plain"}, (418, None, None)),
        ({"kind": "respond", "body_base64": "AAE=", "headers": {"X-Extra": "b"}}, (200, None, "b")),
    ],
)
def test_fault_routes(cloud: FakeConfluentCloud, fault: Dict[str, Any], expect: Any) -> None:
    assert (
        admin(cloud, "POST", "/faults", {**fault, "count": 2, "path": "/iam/v2/api-keys", "method": "GET"}).status
        == 201
    )

    answers = [api(cloud, "GET", "/iam/v2/api-keys") for _ in range(3)]

    for answer in answers[:2]:
        assert (answer.status, answer.headers.get("Retry-After"), answer.headers.get("X-Extra")) == expect
    assert answers[2].status == 200
    if "body_base64" in fault:
        assert answers[0].data == b"\x00\x01"


def test_drop_delay_and_clearing_faults(cloud: FakeConfluentCloud) -> None:
    admin(cloud, "POST", "/faults", {"kind": "drop", "path": "/byok/"})
    with pytest.raises(urllib3.exceptions.ProtocolError):
        api(cloud, "GET", "/byok/v1/keys")
    admin(cloud, "POST", "/faults", {"kind": "delay", "seconds": 0.3})
    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        urllib3.request("GET", f"{cloud.host}/openapi.json", timeout=0.1, retries=False)
    admin(cloud, "POST", "/faults", {"kind": "fail", "count": 5})
    assert admin(cloud, "DELETE", "/faults").status == 204
    assert api(cloud, "GET", "/iam/v2/api-keys").status == 200


def test_the_request_log_routes(cloud: FakeConfluentCloud) -> None:
    api(cloud, "POST", "/iam/v2/api-keys", {"spec": {"owner": {"id": "sa-1"}}})
    urllib3.request("PUT", f"{cloud.host}/byok/v1/keys?x=1", body=b"\xff\x00", retries=False)

    log = admin(cloud, "GET", "/requests").json()["requests"]

    assert [(entry["method"], entry["path"], entry["status"]) for entry in log] == [
        ("POST", "/iam/v2/api-keys", 202),
        ("PUT", "/byok/v1/keys", 405),
    ]
    assert json.loads(log[0]["body"]) == {"spec": {"owner": {"id": "sa-1"}}}
    assert log[0]["headers"]["authorization"] == "Basic ***"
    assert log[1]["raw_path"] == "/byok/v1/keys?x=1" and log[1]["query"] == {"x": ["1"]}
    assert log[1]["body_base64"] == "/wA=" and log[1]["body_size"] == 2
    assert admin(cloud, "DELETE", "/requests").status == 204
    assert cloud.requests == []


def test_reset_forgets_everything_but_the_emulators_own_credentials() -> None:
    with FakeConfluentCloud(stale_reads=1, rate_limit=3, rate_limit_window=60) as cloud:
        cloud.seed_api_keys(3)
        cloud.seed_byok_key({"kind": "GcpKey", "key_id": "k"})
        client_id, client_secret = cloud.add_oauth_client()
        cloud.revoke_token(cloud.access_token)
        cloud.fail_next(5)
        cloud.stale_reads = 4
        cloud.token_lifetime = 1
        for _ in range(3):
            api(cloud, "GET", "/iam/v2/api-keys")

        assert admin(cloud, "POST", "/reset").status == 204

        assert api(cloud, "GET", "/iam/v2/api-keys").json()["data"] == []  # no fault, no 429, no keys
        assert api(cloud, "GET", "/byok/v1/keys").json()["data"] == []
        assert [r.status for r in cloud.requests] == [200, 200]
        assert (cloud.stale_reads, cloud.token_lifetime, cloud.sts_exchanges) == (1, 900, 0)
        bearer = {"Authorization": f"Bearer {cloud.access_token}"}
        assert urllib3.request("GET", f"{cloud.host}/byok/v1/keys", headers=bearer).status == 200
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
        assert urllib3.request("POST", cloud.idp_token_url, body=urlencode(form), headers=FORM).status == 401


# -- what the admin surface is not ---------------------------------------------------------------


def test_admin_requests_are_not_logged_faulted_or_rate_limited() -> None:
    with FakeConfluentCloud(rate_limit=1) as cloud:
        cloud.fail_next(1)  # armed for the next API request, whatever its path
        for _ in range(5):
            assert admin(cloud, "GET", "/settings").status == 200
        assert cloud.requests == []
        assert api(cloud, "GET", "/iam/v2/api-keys").status == 503  # the fault was still there
        assert api(cloud, "GET", "/byok/v1/keys").status == 200  # one request of byok's budget, not six


@pytest.mark.parametrize(
    ("method", "route", "body", "headers", "status", "words"),
    [
        ("POST", "/api-keys", b'{"count": 1}', {"Content-Type": "text/plain"}, 415, "application/json"),
        ("POST", "/api-keys", b'{"count": 1}', {}, 415, "application/json"),
        ("POST", "/api-keys", b'{"count": -1}', None, 400, "'count'"),
        ("POST", "/api-keys", b'{"count": 100001}', None, 400, "100000"),
        ("POST", "/api-keys", b'{"count": 1, "colour": "red"}', None, 400, "colour"),
        ("POST", "/api-keys", b'{"created_at": "yesterday"}', None, 400, "created_at"),
        ("POST", "/api-keys", b'{"owner": "sa-\\ud800"}', None, 400, "surrogate"),
        ("POST", "/api-keys", b"[1]", None, 400, "JSON object"),
        ("POST", "/api-keys", b"{", None, 400, "not valid JSON"),
        ("POST", "/byok-keys", b'{"key": {"kind": "Nope"}}', None, 400, "Nope"),
        ("POST", "/byok-keys/cck-none/state", b'{"state": "IN_USE"}', None, 404, "cck-none"),
        ("POST", "/api-keys/NOKEY/auth-flaps", b"", None, 404, "NOKEY"),
        ("POST", "/revoked-tokens", b"{}", None, 400, "'token' is required"),
        ("POST", "/byok-keys/cck-none/validation", b'{"message": "no"}', None, 400, "'phase' is required"),
        ("POST", "/faults", b'{"kind": "explode"}', None, 400, "'kind'"),
        ("POST", "/faults", b'{"kind": "fail", "status": 1000}', None, 400, "'status'"),
        ("POST", "/faults", b'{"kind": "fail", "headers": {"X": "a\\r\\nb"}}', None, 400, "'headers'"),
        ("POST", "/faults", b'{"kind": "delay"}', None, 400, "'seconds'"),
        ("PATCH", "/settings", b'{"stale_reads": -1}', None, 400, "stale_reads"),
        ("PATCH", "/settings", b'{"sts_exchanges": 0}', None, 400, "sts_exchanges"),
        ("GET", "/nothing-here", b"", None, 404, "GET /_emulator lists it"),
        ("PUT", "/settings", b"", None, 405, "PUT"),
    ],
)
def test_bad_admin_requests_are_refused_with_a_failure_naming_the_problem(
    cloud: FakeConfluentCloud,
    method: str,
    route: str,
    body: bytes,
    headers: Optional[Dict[str, str]],
    status: int,
    words: str,
) -> None:
    sent = {"Content-Type": "application/json"} if headers is None else headers
    answer = urllib3.request(method, cloud.admin_url + route, body=body or None, headers=sent, retries=False)

    assert answer.status == status
    error = answer.json()["errors"][0]
    assert words in error["detail"] and error["id"] == answer.headers["X-Request-Id"]
    if status == 405:
        assert answer.headers["Allow"] == "GET, PATCH"
    assert api(cloud, "GET", "/iam/v2/api-keys").json()["data"] == []  # nothing was seeded


@pytest.mark.parametrize(
    ("peer", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("192.0.2.2", False),
        ("10.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("fe80::1%eth0", False),
        ("", False),
        ("localhost", False),
    ],
)
def test_loopback_peers(peer: str, loopback: bool) -> None:
    assert is_loopback(peer) is loopback


def own_non_loopback_address() -> Optional[str]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_a_peer_that_is_not_loopback_is_refused_403_while_the_api_answers_it() -> None:
    address = own_non_loopback_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    with FakeConfluentCloud(host="0.0.0.0") as cloud:
        remote = f"http://{address}:{cloud.port}"
        refused = urllib3.request("GET", f"{remote}/_emulator", retries=False)
        reset = urllib3.request("POST", f"{remote}/_emulator/reset", retries=False)
        auth = urllib3.make_headers(basic_auth=f"{cloud.api_key}:{cloud.api_secret}")
        served = urllib3.request("GET", f"{remote}/iam/v2/api-keys", headers=auth, retries=False)
        local = urllib3.request("GET", f"http://127.0.0.1:{cloud.port}/_emulator", retries=False)

    assert refused.status == 403 and "loopback" in refused.json()["errors"][0]["detail"]
    assert api_secret_absent(refused.data, cloud.api_secret)
    assert reset.status == 403
    assert served.status == 200
    assert local.status == 200


def api_secret_absent(data: bytes, secret: str) -> bool:
    return secret.encode() not in data


def test_every_route_listed_in_the_index_is_documented(cloud: FakeConfluentCloud) -> None:
    text = DOCS.read_text(encoding="utf-8")
    routes: List[str] = admin(cloud, "GET", "").json()["routes"]

    assert len(routes) == 18
    for route in routes:
        assert f"`{route}`" in text


ADMIN_TEXT = st.text(max_size=8) | st.sampled_from(["", "AwsKey", "GcpKey", "fail", "respond", "\ud800", "2024-01-01"])
ADMIN_FIELDS = [
    "count",
    "owner",
    "resource",
    "documents",
    "key",
    "kind",
    "id",
    "spec",
    "status",
    "headers",
    "body",
    "seconds",
    "phase",
    "state",
    "token",
    "lifetime",
    "stale_reads",
    "created_at",
    "display_name",
]
ADMIN_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**12) | st.floats(allow_nan=False) | ADMIN_TEXT,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(ADMIN_FIELDS),
            inner,
            max_size=4,
        )
    ),
    max_leaves=10,
)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    route=st.sampled_from(
        [
            ("POST", "/api-keys"),
            ("POST", "/byok-keys"),
            ("POST", "/faults"),
            ("PATCH", "/settings"),
            ("POST", "/subject-tokens"),
            ("POST", "/revoked-tokens"),
            ("POST", "/global-api-keys"),
            ("POST", "/byok-keys/cck-x/validation"),
            ("POST", "/api-keys/K/auth-flaps"),
        ]
    ),
    body=ADMIN_JSON,
)
def test_no_admin_request_answers_500_or_breaks_the_api(cloud: FakeConfluentCloud, route: Any, body: Any) -> None:
    cloud.stale_reads = 0
    answer = urllib3.request(
        route[0],
        cloud.admin_url + route[1],
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        retries=False,
        timeout=10,
    )
    cloud.clear_faults()  # an injected fault is meant to fail the next API request

    assert answer.status < 500, answer.data
    for collection in ("/iam/v2/api-keys", "/byok/v1/keys"):
        page = api(cloud, "GET", f"{collection}?page_size=100")
        assert page.status == 200, page.data
        for item in page.json()["data"][-2:]:
            assert api(cloud, "GET", f"{collection}/{quote(str(item['id']), safe='')}").status == 200
