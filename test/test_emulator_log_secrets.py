"""The emulator's request log holds no credential of any kind (issue 19, item 11).

Hypothesis makes up secrets and sends them, over real loopback HTTP, everywhere a client
may put a credential (Basic and Bearer, OAuth client-credentials and token-exchange forms,
JSON members, query parameters, cookies and key headers), echoed elsewhere in the same
request in other spellings, and as the emulator's own secrets; then neither
``cloud.requests`` nor the admin surface's copy of the log holds the secret in any of its
spellings. The SDK's own OAuth and Basic flows leave nothing either.
"""

from __future__ import annotations

import base64
import json
import string
from typing import Dict, Iterable, List, Optional
from urllib.parse import quote, quote_plus, urlencode

import pytest
import urllib3
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples

import openapi_client
from openapi_client.testing import FakeConfluentCloud, RecordedRequest

FORM = "application/x-www-form-urlencoded"

# Made-up secrets: the marker keeps a short one from matching ordinary recorded text.
SECRETS = st.text(
    st.sampled_from(string.ascii_letters + string.digits + "!#$%&'()*+,-./:;<=>?@[]^_`{|}~\"\\"),
    min_size=6,
    max_size=40,
).map(lambda text: "Zq7" + text)


def every_byte_encoded(text: str) -> str:
    """Percent-encoding of every byte, letters too: a spelling no masking list foresees."""
    return "".join(f"%{byte:02X}" for byte in text.encode())


def spellings(secret: str) -> List[str]:
    return sorted(
        {
            secret,
            quote(secret, safe=""),
            quote_plus(secret),
            json.dumps(secret)[1:-1],
            base64.b64encode(secret.encode()).decode(),
        }
    )


def leaks(entries: Iterable[RecordedRequest], secret: str) -> List[str]:
    """Where a spelling of ``secret`` appears in the recorded requests."""
    found = []
    for entry in entries:
        texts = [entry.path, entry.raw_path, entry.body.decode("latin-1")]
        texts += [f"{name}={value}" for name, values in entry.query.items() for value in values]
        texts += [f"{name}: {value}" for name, value in entry.headers.items()]
        for text in texts:
            found += [f"{spelled!r} in {text!r}" for spelled in spellings(secret) if spelled in text]
    return found


def admin_log_text(cloud: FakeConfluentCloud) -> str:
    return urllib3.request("GET", f"{cloud.admin_url}/requests").data.decode()


def assert_nowhere(cloud: FakeConfluentCloud, secret: str) -> None:
    assert leaks(cloud.requests, secret) == []
    text = admin_log_text(cloud)
    assert all(spelled not in text for spelled in spellings(secret) if "\\" not in spelled and '"' not in spelled)
    assert all(json.dumps(spelled)[1:-1] not in text for spelled in spellings(secret))


def send(
    cloud: FakeConfluentCloud,
    method: str,
    target: str,
    body: Optional[bytes] = None,
    headers: Optional[Dict[str, str]] = None,
) -> int:
    return urllib3.request(method, cloud.host + target, body=body, headers=headers or {}, retries=False).status


common = settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@common
@given(secret=SECRETS, as_basic=st.booleans(), content_type=st.sampled_from([FORM, "text/plain", ""]))
def test_oauth_client_secrets_in_the_identity_providers_form_are_masked(
    cloud: FakeConfluentCloud, secret: str, as_basic: bool, content_type: str
) -> None:
    cloud.clear_requests()
    client_id, real_secret = cloud.add_oauth_client()
    for client_secret in (secret, real_secret):
        form = {"grant_type": "client_credentials", "client_id": client_id, "scope": "all"}
        headers = {"Content-Type": content_type} if content_type else {}
        if as_basic:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        else:
            form["client_secret"] = client_secret
        send(cloud, "POST", "/oauth2/token", urlencode(form).encode(), headers)

    assert_nowhere(cloud, secret)
    assert_nowhere(cloud, real_secret)
    assert cloud.requests[-1].status == (200 if content_type == FORM else 400)  # a form is required
    assert client_id in cloud.requests[-1].body.decode()  # what is not secret stays readable


@common
@given(secret=SECRETS, encoded=st.booleans())
def test_subject_tokens_in_the_token_exchange_form_are_masked(
    cloud: FakeConfluentCloud, secret: str, encoded: bool
) -> None:
    cloud.clear_requests()
    real_token = cloud.issue_subject_token()
    for subject_token in (secret, real_token):
        pairs = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            ("identity_pool_id", cloud.identity_pool_id),
            ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
            ("requested_token_type", "urn:ietf:params:oauth:token-type:access_token"),
        ]
        body = (
            urlencode(pairs)
            + "&subject_token="
            + (every_byte_encoded(subject_token) if encoded else quote_plus(subject_token))
        )
        send(cloud, "POST", "/sts/v1/oauth2/token", body.encode(), {"Content-Type": FORM})

    assert_nowhere(cloud, secret)
    assert_nowhere(cloud, real_token)
    assert cloud.requests[-1].status == 200
    assert cloud.identity_pool_id in cloud.requests[-1].body.decode()


@common
@given(secret=SECRETS, scheme=st.sampled_from(["Basic", "Bearer", "Token", "Other"]))
def test_authorization_credentials_are_masked_wherever_the_request_echoes_them(
    cloud: FakeConfluentCloud, secret: str, scheme: str
) -> None:
    cloud.clear_requests()
    if scheme == "Basic":
        authorization = "Basic " + base64.b64encode(f"SOMEKEY:{secret}".encode()).decode()
    else:
        authorization = f"{scheme} {secret}"
    body = json.dumps({"spec": {"owner": {"id": "sa-1"}, "description": f"echo {secret}"}}, ensure_ascii=True)
    escaped = "".join(f"\\u{ord(c):04x}" for c in secret)  # every character as a JSON \u escape
    unicode_escaped = '{"spec": {"owner": {"id": "sa-1"}, "display_name": "' + escaped + '"}}'
    headers = {"Authorization": authorization, "Content-Type": "application/json", "X-Echo": f"was {secret}"}
    send(cloud, "POST", f"/iam/v2/api-keys?q={quote(secret, safe='')}", body.encode(), headers)
    send(cloud, "POST", "/iam/v2/api-keys", unicode_escaped.encode(), headers)
    send(cloud, "GET", f"/iam/v2/api-keys/{quote(secret, safe='')}", headers=headers)
    send(cloud, "GET", f"/iam/v2/api-keys/{every_byte_encoded(secret)}?a={every_byte_encoded(secret)}", headers=headers)

    assert_nowhere(cloud, secret)
    assert [entry.headers["Authorization"] for entry in cloud.requests] == [
        f"{scheme} ***" if scheme != "Other" else "***"
    ] * 4


@common
@given(
    secret=SECRETS,
    where=st.sampled_from(
        [
            "query:access_token",
            "query:client_secret",
            "query:api_key",
            "header:X-Api-Key",
            "header:Cookie",
            "header:X-Auth-Token",
            "json:spec.secret",
            "json:client_secret",
            "json:password",
            "json:token",
        ]
    ),
)
def test_credentials_under_credential_names_are_masked(cloud: FakeConfluentCloud, secret: str, where: str) -> None:
    cloud.clear_requests()
    kind, name = where.split(":")
    target, headers, body = "/iam/v2/api-keys", {"Content-Type": "application/json"}, {"spec": {"owner": {"id": "sa"}}}
    if kind == "query":
        target += f"?{urlencode({name: secret, 'page_size': '5'})}"
    elif kind == "header":
        headers[name] = f"session={secret}" if name == "Cookie" else secret
    elif name == "spec.secret":
        body["spec"]["secret"] = secret  # a read-only field echoed back, as other generators' clients do
    else:
        body[name] = {"nested": [secret]}
    send(cloud, "PATCH", f"{target.replace('api-keys', 'api-keys/NOKEY', 1)}", json.dumps(body).encode(), headers)

    assert_nowhere(cloud, secret)
    (entry,) = cloud.requests
    if kind == "query":
        assert entry.query[name] == ["***"] and entry.query["page_size"] == ["5"]
    elif kind == "header":
        assert entry.headers[name] == "***"
    else:
        assert "***" in entry.body.decode() and '"owner"' in entry.body.decode()


@settings(max_examples=examples(15), deadline=None)
@given(api_secret=SECRETS, access_token=SECRETS)
def test_the_emulators_own_secrets_are_masked_wherever_they_appear(api_secret: str, access_token: str) -> None:
    with FakeConfluentCloud(api_secret=api_secret, access_token=access_token) as cloud:
        body = json.dumps({"spec": {"owner": {"id": "sa-1"}, "description": f"{api_secret} and {access_token}"}})
        send(cloud, "POST", "/iam/v2/api-keys", body.encode(), {"Content-Type": "application/json"})
        send(cloud, "GET", f"/byok/v1/keys?display_name={quote(access_token, safe='')}")

        assert_nowhere(cloud, api_secret)
        assert_nowhere(cloud, access_token)


def test_the_sdks_oauth_flow_leaves_no_client_secret_or_token_in_the_log(cloud: FakeConfluentCloud) -> None:
    configuration = cloud.oauth_configuration()
    with openapi_client.ApiClient(configuration) as client:
        openapi_client.IamApiKeysApi(client).list_iam_v2_api_keys()
        credentials = configuration.credentials[0]
        secrets = list(credentials.secrets())
    client_secrets = cloud._authority.oauth_client_secrets()  # the registered client's secret

    assert len(client_secrets) == 1 and secrets
    assert [entry.path for entry in cloud.requests] == ["/oauth2/token", "/sts/v1/oauth2/token", "/iam/v2/api-keys"]
    for secret in [*client_secrets, *secrets]:
        assert_nowhere(cloud, secret)
    assert "eyJ" not in admin_log_text(cloud)


def test_a_created_keys_secret_used_and_echoed_later_is_masked(cloud: FakeConfluentCloud) -> None:
    with cloud.api_client() as client:
        iam = openapi_client.IamApiKeysApi(client)
        created = iam.create_iam_v2_api_key(
            openapi_client.IamV2ApiKey(
                spec=openapi_client.IamV2ApiKeySpec(owner=openapi_client.ObjectReference(id="sa-1"))
            )
        )
    assert created.spec is not None and created.spec.secret is not None and created.id is not None
    secret = created.spec.secret.get_secret_value()
    own = {"Authorization": "Basic " + base64.b64encode(f"{created.id}:{secret}".encode()).decode()}
    send(cloud, "GET", "/byok/v1/keys", headers=own)
    description = json.dumps({"spec": {"description": f"my secret is {secret}"}})
    send(
        cloud,
        "PATCH",
        f"/iam/v2/api-keys/{created.id}",
        description.encode(),
        {**own, "Content-Type": "application/json"},
    )

    assert_nowhere(cloud, secret)
    assert [entry.status for entry in cloud.requests] == [202, 200, 200]


@pytest.mark.parametrize("body", [b"\xff\xfe client_secret=abc", b"a=%zz&client_secret=Zq7unreadable"])
def test_an_unreadable_token_form_is_not_kept(cloud: FakeConfluentCloud, body: bytes) -> None:
    send(cloud, "POST", "/oauth2/token", body, {"Content-Type": FORM})

    (entry,) = cloud.requests
    assert b"Zq7unreadable" not in entry.body and b"abc" not in entry.body
    assert entry.body_size == len(body)
