"""Nothing one client sends makes the emulator answer 500, to it or to anyone after it (issue 19, item 17).

A JSON string escape ``\\ud800`` decodes to a lone surrogate, text no UTF-8 answer can
carry: stored, it broke every later listing until restart. Such input is now refused with a
400 naming the field before anything is stored. Hypothesis then sends, over a real socket,
bodies (random JSON and create/update bodies with any text in every string field), paths,
query strings, headers and methods, and after each checks that the request was not answered
5xx and that another client can still list both collections to the end and read every key.
"""

from __future__ import annotations

import base64
import http.client
import json
import uuid
from typing import Any, Dict, List, Optional, Tuple

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples

from openapi_client.testing import FakeConfluentCloud

KEYS = "/iam/v2/api-keys"
BYOK = "/byok/v1/keys"
UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def encoded(text: str) -> str:
    """Every byte of the text's UTF-8 (lone surrogates included) percent-encoded but the unreserved ones."""
    raw = text.encode("utf-8", "surrogatepass")
    return "".join(chr(byte) if byte in UNRESERVED else f"%{byte:02X}" for byte in raw)


def exchange(
    cloud: FakeConfluentCloud,
    method: str,
    target: str,
    body: Optional[bytes] = None,
    headers: Optional[Dict[str, str]] = None,
) -> Tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", cloud.port, timeout=10)
    try:
        connection.request(method, target, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def auth(cloud: FakeConfluentCloud) -> Dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{cloud.api_key}:{cloud.api_secret}".encode()).decode()}


def everyone_else_is_served(cloud: FakeConfluentCloud) -> None:
    """Another client lists both collections to the end and reads the newest keys (any a
    request just made or changed among them): all 200."""
    for collection in (KEYS, BYOK):
        target: Optional[str] = f"{collection}?page_size=100"
        ids: List[str] = []
        while target is not None:
            status, body = exchange(cloud, "GET", target, headers=auth(cloud))
            assert status == 200, body
            page = json.loads(body)
            ids += [item["id"] for item in page["data"]]
            link = page["metadata"].get("next")
            target = link[len(cloud.host) :] if link else None
        for key_id in ids[-3:]:
            status, body = exchange(cloud, "GET", f"{collection}/{encoded(key_id)}", headers=auth(cloud))
            assert status == 200, body


# -- the lone surrogate of the issue ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "pointer"),
    [
        ("POST", KEYS, '{"spec": {"owner": {"id": "\\ud800"}}}', "/spec/owner/id"),
        (
            "POST",
            KEYS,
            '{"spec": {"owner": {"id": "sa-1"}, "resource": {"id": "lkc-1", "environment": "e\\udfff"}}}',
            "/spec/resource/environment",
        ),
        ("POST", KEYS, '{"spec": {"owner": {"id": "sa-1"}, "description": "ok \\udc00 then"}}', "/spec/description"),
        ("POST", KEYS, '{"spec": {"owner": {"id": "sa-1"}}, "unknown": ["\\ud83d"]}', "/unknown/0"),
        ("POST", KEYS, '{"spec": {"owner": {"id": "sa-1"}}, "\\ud800": 1}', ""),
        ("POST", BYOK, '{"key": {"kind": "GcpKey", "key_id": "\\ud800"}}', "/key/key_id"),
        ("POST", BYOK, '{"key": {"kind": "GcpKey", "key_id": "k"}, "display_name": "\\ud800"}', "/display_name"),
    ],
)
def test_a_lone_surrogate_is_refused_with_400_naming_the_field_and_nothing_is_stored(
    cloud: FakeConfluentCloud, method: str, path: str, body: str, pointer: str
) -> None:
    status, answer = exchange(cloud, method, path, body.encode(), {**auth(cloud), "Content-Type": "application/json"})

    assert status == 400
    error = json.loads(answer)["errors"][0]
    assert error["code"] == "malformed_request" and "surrogate" in error["detail"]
    assert error.get("source", {}).get("pointer", "") == pointer
    for collection in (KEYS, BYOK):
        assert json.loads(exchange(cloud, "GET", collection, headers=auth(cloud))[1])["data"] == []


def test_updates_with_a_lone_surrogate_change_nothing(cloud: FakeConfluentCloud) -> None:
    (key_id,) = cloud.seed_api_keys(1, description="before")
    byok_id = cloud.seed_byok_key({"kind": "GcpKey", "key_id": "k"}, display_name="before")
    headers = {**auth(cloud), "Content-Type": "application/json"}

    assert exchange(cloud, "PATCH", f"{KEYS}/{key_id}", b'{"spec": {"description": "\\ud800"}}', headers)[0] == 400
    assert exchange(cloud, "PATCH", f"{BYOK}/{byok_id}", b'{"display_name": "\\udbff"}', headers)[0] == 400

    assert (
        json.loads(exchange(cloud, "GET", f"{KEYS}/{key_id}", headers=auth(cloud))[1])["spec"]["description"]
        == "before"
    )
    assert json.loads(exchange(cloud, "GET", f"{BYOK}/{byok_id}", headers=auth(cloud))[1])["display_name"] == "before"


def test_a_surrogate_pair_is_text_and_is_kept(cloud: FakeConfluentCloud) -> None:
    body = b'{"spec": {"owner": {"id": "sa-\\ud83d\\ude00"}}}'
    status, answer = exchange(cloud, "POST", KEYS, body, {**auth(cloud), "Content-Type": "application/json"})

    assert status == 202 and json.loads(answer)["spec"]["owner"]["id"] == "sa-\U0001f600"
    everyone_else_is_served(cloud)


@pytest.mark.parametrize(
    "call",
    [
        lambda cloud: cloud.seed_api_keys(1, owner="\ud800"),
        lambda cloud: cloud.seed_api_keys(1, resource={"id": "lkc-1", "environment": "\udc00"}),
        lambda cloud: cloud.seed_api_key_documents([{"spec": {"owner": {"id": "\ud800"}}}]),
        lambda cloud: cloud.seed_byok_key({"kind": "GcpKey", "key_id": "\ud800"}),
        lambda cloud: cloud.seed_byok_key_documents([{"display_name": "\ud800"}]),
    ],
)
def test_the_python_controls_refuse_it_too(cloud: FakeConfluentCloud, call: Any) -> None:
    with pytest.raises(ValueError, match="surrogate"):
        call(cloud)
    everyone_else_is_served(cloud)
    assert json.loads(exchange(cloud, "GET", KEYS, headers=auth(cloud))[1])["data"] == []


# -- nothing a client sends ------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=[]), max_size=12) | st.sampled_from(
    ["\ud800", "a\udfffb", "CLOUD", "global", "env-1.aws.us-east-1", "aws.us-east-1", "", " ", "%", "../.."]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
    max_leaves=8,
)
API_KEY_BODIES = st.fixed_dictionaries(
    {
        "spec": st.fixed_dictionaries(
            {"owner": st.fixed_dictionaries({"id": ANY_TEXT})},
            optional={
                "resource": st.none() | st.fixed_dictionaries({"id": ANY_TEXT}, optional={"environment": ANY_TEXT}),
                "display_name": ANY_TEXT,
                "description": ANY_TEXT,
            },
        )
    }
)
BYOK_BODIES = st.fixed_dictionaries(
    {
        "key": st.one_of(
            st.fixed_dictionaries({"kind": st.just("AwsKey"), "key_arn": ANY_TEXT}),
            st.fixed_dictionaries({"kind": st.just("GcpKey"), "key_id": ANY_TEXT}),
            st.fixed_dictionaries(
                {"kind": st.just("AzureKey"), "key_id": ANY_TEXT, "key_vault_id": ANY_TEXT, "tenant_id": ANY_TEXT}
            ),
        )
    },
    optional={"display_name": ANY_TEXT},
)
PATHS = st.one_of(
    st.sampled_from([KEYS, BYOK]),
    st.builds(lambda base, key: f"{base}/{encoded(key)}", st.sampled_from([KEYS, BYOK]), ANY_TEXT),
    st.lists(ANY_TEXT, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(encoded(p) for p in parts)),
).filter(lambda path: not path.startswith("/_emulator"))
QUERIES = st.lists(
    st.tuples(
        st.sampled_from(["spec.owner", "spec.resource", "page_size", "page_token", "provider", "key", "state"])
        | ANY_TEXT,
        ANY_TEXT | st.integers(-(10**30), 10**30).map(str),
    ),
    max_size=4,
).map(lambda pairs: "&".join(f"{encoded(name)}={encoded(value)}" for name, value in pairs))
HEADERS = st.dictionaries(
    st.from_regex(r"X-[A-Za-z0-9-]{1,12}", fullmatch=True)
    | st.sampled_from(["Content-Type", "Accept", "Authorization"]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=30),
    max_size=3,
)


@settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS"]),
    path=PATHS,
    query=QUERIES,
    body=st.one_of(st.none(), API_KEY_BODIES, BYOK_BODIES, JSON_VALUES).map(
        lambda value: None if value is None else json.dumps(value).encode()
    )
    | st.binary(max_size=40),
    headers=HEADERS,
    authorized=st.booleans(),
)
def test_nothing_a_client_sends_makes_the_emulator_answer_500(
    cloud: FakeConfluentCloud,
    method: str,
    path: str,
    query: str,
    body: Optional[bytes],
    headers: Dict[str, str],
    authorized: bool,
) -> None:
    sent = {**(auth(cloud) if authorized else {}), "Content-Type": "application/json", **headers}
    if authorized and "Authorization" in headers:
        sent["Authorization"] = auth(cloud)["Authorization"]
    status, answer = exchange(cloud, method, f"{path}?{query}" if query else path, body, sent)

    assert status < 500, answer
    everyone_else_is_served(cloud)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    operation=st.sampled_from(["create key", "create byok", "update key", "update byok"]),
    key_body=API_KEY_BODIES,
    byok_body=BYOK_BODIES,
)
def test_no_create_or_update_body_makes_the_emulator_answer_500(
    cloud: FakeConfluentCloud, operation: str, key_body: Dict[str, Any], byok_body: Dict[str, Any]
) -> None:
    headers = {**auth(cloud), "Content-Type": "application/json"}
    if operation == "create key":
        method, path, body = "POST", KEYS, key_body
    elif operation == "create byok":
        method, path, body = "POST", BYOK, byok_body
    elif operation == "update key":
        method, path, body = "PATCH", f"{KEYS}/{cloud.seed_api_keys(1)[0]}", key_body
    else:
        key_id = cloud.seed_byok_key({"kind": "GcpKey", "key_id": f"projects/p/keys/{uuid.uuid4()}"})
        method, path, body = "PATCH", f"{BYOK}/{key_id}", byok_body
    status, answer = exchange(cloud, method, path, json.dumps(body).encode(), headers)

    assert status < 500, answer
    everyone_else_is_served(cloud)


def test_the_property_reaches_the_handlers(cloud: FakeConfluentCloud) -> None:
    """The generated create bodies are accepted when their text is text: the property is not only about refusals."""
    body: List[Any] = [{"spec": {"owner": {"id": "\u00e9\u4e2d"}, "resource": {"id": "env-1.aws.us-east-1"}}}]
    status, _ = exchange(
        cloud, "POST", KEYS, json.dumps(body[0]).encode(), {**auth(cloud), "Content-Type": "application/json"}
    )
    assert status == 202
    everyone_else_is_served(cloud)
