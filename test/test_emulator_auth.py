"""Who the emulator lets in, per the official document: API keys of each kind, bearer tokens,
the fake identity provider, the STS exchange, token expiry and revocation (issue 10 §4).

Plain urllib3 over loopback, so what is tested is the emulator, not the SDK's credential code.
"""

from __future__ import annotations

import base64
import json
import math
import time
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlencode

import pytest
import urllib3
from hypothesis import given, strategies as st

from openapi_client.testing import FakeConfluentCloud
from openapi_client.testing._app import reset_seconds

IAM = "/iam/v2/api-keys"
BYOK = "/byok/v1/keys"
STS = "/sts/v1/oauth2/token"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
JWT = "urn:ietf:params:oauth:token-type:jwt"
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def call(
    cloud: FakeConfluentCloud, path: str, authorization: Optional[str], method: str = "GET"
) -> urllib3.BaseHTTPResponse:
    headers = {"Authorization": authorization} if authorization else {}
    return urllib3.request(method, cloud.host + path, headers=headers, retries=False)


def create_key(cloud: FakeConfluentCloud, resource: Optional[str], **spec: Any) -> Tuple[str, str]:
    body: Dict[str, Any] = {"spec": {"owner": {"id": "sa-1"}, **spec}}
    if resource is not None:
        body["spec"]["resource"] = {"id": resource}
    answer = urllib3.request(
        "POST", cloud.host + IAM, json=body, headers={"Authorization": basic(cloud.api_key, cloud.api_secret)}
    )
    assert answer.status == 202, answer.data
    created = answer.json()
    return created["id"], created["spec"]["secret"]


def form(cloud: FakeConfluentCloud, path: str, fields: Dict[str, str], **headers: str) -> urllib3.BaseHTTPResponse:
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return urllib3.request("POST", cloud.host + path, body=urlencode(fields), headers=headers, retries=False)


def claims_of(token: str) -> Dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))  # type: ignore[no-any-return]


def exchange_fields(cloud: FakeConfluentCloud, subject: str, **overrides: str) -> Dict[str, str]:
    fields = {
        "grant_type": TOKEN_EXCHANGE,
        "subject_token": subject,
        "identity_pool_id": cloud.identity_pool_id,
        "subject_token_type": JWT,
        "requested_token_type": ACCESS_TOKEN,
    }
    fields.update(overrides)
    return {name: value for name, value in fields.items() if value != "<absent>"}


def sts_token(cloud: FakeConfluentCloud, **overrides: str) -> str:
    answer = form(cloud, "/sts/v1/oauth2/token", exchange_fields(cloud, cloud.issue_subject_token(), **overrides))
    assert answer.status == 200, answer.data
    return answer.json()["access_token"]  # type: ignore[no-any-return]


# -- API keys per security scheme ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "iam_status", "byok_status"),
    [
        (None, 200, 200),
        ("CLOUD", 200, 200),
        ("Cloud", 200, 200),
        ("GLOBAL", 401, 200),
        ("global", 401, 200),
        ("TABLEFLOW", 401, 401),
        ("lkc-1", 401, 401),
        ("lsrc-1", 401, 401),
        ("lksqlc-1", 401, 401),
        ("env-abc123.aws.us-east-2", 401, 401),
    ],
)
def test_each_kind_of_api_key_opens_the_apis_the_document_allows(
    cloud: FakeConfluentCloud, resource: Optional[str], iam_status: int, byok_status: int
) -> None:
    key, secret = create_key(cloud, resource)

    assert call(cloud, IAM, basic(key, secret)).status == iam_status
    assert call(cloud, BYOK, basic(key, secret)).status == byok_status


def test_a_global_api_key_is_accepted_on_byok_only(cloud: FakeConfluentCloud) -> None:
    key, secret = cloud.add_global_api_key()

    assert call(cloud, BYOK, basic(key, secret)).status == 200
    refused = call(cloud, IAM, basic(key, secret))
    assert refused.status == 401
    assert refused.headers["WWW-Authenticate"].startswith('Basic error="invalid_key"')
    assert refused.json()["errors"][0]["code"] == "user_unauthenticated"


@pytest.mark.parametrize("path", [IAM, BYOK])
def test_without_credentials_the_challenge_names_basic_and_bearer(cloud: FakeConfluentCloud, path: str) -> None:
    refused = call(cloud, path, None)

    assert refused.status == 401
    assert refused.headers["WWW-Authenticate"] == 'Basic realm="Confluent Cloud", Bearer realm="Confluent Cloud"'
    error = refused.json()["errors"][0]
    assert (error["error_code"], error["message"]) == (401, error["detail"])


# -- bearer tokens ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [IAM, BYOK])
def test_the_static_access_token_is_accepted_on_both_apis_until_revoked(cloud: FakeConfluentCloud, path: str) -> None:
    assert call(cloud, path, f"Bearer {cloud.access_token}").status == 200

    cloud.revoke_token(cloud.access_token)

    refused = call(cloud, path, f"Bearer {cloud.access_token}")
    assert refused.status == 401
    assert refused.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    assert "revoked" in refused.headers["WWW-Authenticate"]


@pytest.mark.parametrize("token", ["made-up", "a.b.c", "", "x" * 5000])
def test_tokens_the_emulator_did_not_issue_are_refused(cloud: FakeConfluentCloud, token: str) -> None:
    refused = call(cloud, BYOK, f"Bearer {token}")
    assert refused.status == 401
    if token:
        assert refused.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


def test_an_identity_provider_token_is_not_a_confluent_token(cloud: FakeConfluentCloud) -> None:
    refused = call(cloud, IAM, f"Bearer {cloud.issue_subject_token()}")
    assert refused.status == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


# -- the fake identity provider -----------------------------------------------------------------------


def test_the_identity_provider_grants_client_credentials(cloud: FakeConfluentCloud) -> None:
    client_id, client_secret = cloud.add_oauth_client()
    in_form = form(
        cloud,
        "/oauth2/token",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret, "scope": "api"},
    )
    in_header = form(
        cloud, "/oauth2/token", {"grant_type": "client_credentials"}, Authorization=basic(client_id, client_secret)
    )

    for answer in (in_form, in_header):
        assert answer.status == 200, answer.data
        assert answer.headers["Cache-Control"] == "no-store"
        reply = answer.json()
        assert reply["token_type"] == "Bearer" and reply["expires_in"] == 3600
        claims = claims_of(reply["access_token"])
        assert claims["sub"] == client_id and claims["exp"] > time.time() + 3000
    assert in_form.json()["scope"] == "api"
    assert cloud.idp_grants == 2


@pytest.mark.parametrize(
    ("fields", "content_type", "status", "error"),
    [
        ({"grant_type": "client_credentials", "client_secret": "wrong"}, None, 401, "invalid_client"),
        (
            {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
            None,
            401,
            "invalid_client",
        ),
        ({"grant_type": "password"}, None, 400, "unsupported_grant_type"),
        ({}, None, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, "application/json", 400, "invalid_request"),
    ],
)
def test_the_identity_provider_refuses_as_rfc_6749_says(
    cloud: FakeConfluentCloud, fields: Dict[str, str], content_type: Optional[str], status: int, error: str
) -> None:
    client_id, _ = cloud.add_oauth_client()
    fields = {**fields, "client_id": fields.get("client_id", client_id)}
    if content_type is None:
        answer = form(cloud, "/oauth2/token", fields)
    else:
        answer = urllib3.request(
            "POST", f"{cloud.host}/oauth2/token", body=json.dumps(fields), headers={"Content-Type": content_type}
        )

    assert answer.status == status
    assert answer.json()["error"] == error and answer.json()["error_description"]
    assert cloud.idp_grants == 0


# -- the STS exchange ----------------------------------------------------------------------------------


def test_an_exchanged_token_opens_both_apis_and_has_the_documents_shape(cloud: FakeConfluentCloud) -> None:
    client_id, client_secret = cloud.add_oauth_client()
    subject = form(
        cloud,
        "/oauth2/token",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret},
    ).json()["access_token"]

    answer = form(cloud, "/sts/v1/oauth2/token", exchange_fields(cloud, subject))

    assert answer.status == 200, answer.data
    reply = answer.json()
    assert set(reply) == {"access_token", "issued_token_type", "token_type", "expires_in"}
    assert (reply["issued_token_type"], reply["token_type"], reply["expires_in"]) == (ACCESS_TOKEN, "Bearer", 900)
    assert claims_of(reply["access_token"])["sub"] == client_id
    for path in (IAM, BYOK):
        assert call(cloud, path, f"Bearer {reply['access_token']}").status == 200
    assert cloud.sts_exchanges == 1


def test_expires_in_and_token_lifetime_bound_the_tokens_life(cloud: FakeConfluentCloud) -> None:
    asked = form(cloud, "/sts/v1/oauth2/token", exchange_fields(cloud, cloud.issue_subject_token(), expires_in="60"))
    assert asked.json()["expires_in"] == 60
    assert abs(claims_of(asked.json()["access_token"])["exp"] - (time.time() + 60)) < 5

    cloud.token_lifetime = 0.3
    short = sts_token(cloud)
    assert call(cloud, IAM, f"Bearer {short}").status == 200
    time.sleep(0.4)
    expired = call(cloud, IAM, f"Bearer {short}")

    assert expired.status == 401
    assert expired.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    assert "expired" in expired.headers["WWW-Authenticate"]


def test_a_token_issued_already_expired_is_refused_at_once(cloud: FakeConfluentCloud) -> None:
    cloud.token_lifetime = 0
    token = form(cloud, "/sts/v1/oauth2/token", exchange_fields(cloud, cloud.issue_subject_token()))
    assert token.json()["expires_in"] == 0
    assert call(cloud, BYOK, f"Bearer {token.json()['access_token']}").status == 401


def test_a_revoked_sts_token_is_refused_while_others_still_work(cloud: FakeConfluentCloud) -> None:
    revoked, kept = sts_token(cloud), sts_token(cloud)
    cloud.revoke_token(revoked)

    assert call(cloud, BYOK, f"Bearer {revoked}").status == 401
    assert call(cloud, BYOK, f"Bearer {kept}").status == 200


@pytest.mark.parametrize(
    ("overrides", "parameter"),
    [
        ({"subject_token": "<absent>"}, "subject_token"),
        ({"grant_type": "<absent>"}, "grant_type"),
        ({"identity_pool_id": "<absent>"}, "identity_pool_id"),
        ({"subject_token_type": "<absent>"}, "subject_token_type"),
        ({"requested_token_type": "<absent>"}, "requested_token_type"),
        ({"grant_type": "client_credentials"}, "grant_type"),
        ({"subject_token_type": "urn:ietf:params:oauth:token-type:id_token"}, "subject_token_type"),
        ({"requested_token_type": JWT}, "requested_token_type"),
        ({"identity_pool_id": "pool-other"}, "identity_pool_id"),
        ({"subject_token": "not.a.jwt"}, "subject_token"),
        ({"expires_in": "901"}, "expires_in"),
        ({"expires_in": "0"}, "expires_in"),
        ({"expires_in": "ten"}, "expires_in"),
    ],
)
def test_the_sts_refuses_a_bad_exchange_with_a_failure_naming_the_field(
    cloud: FakeConfluentCloud, overrides: Dict[str, str], parameter: str
) -> None:
    answer = form(cloud, "/sts/v1/oauth2/token", exchange_fields(cloud, cloud.issue_subject_token(), **overrides))

    assert answer.status == 400
    error = answer.json()["errors"][0]
    assert error["source"] == {"parameter": parameter}
    assert error["id"] == answer.headers["X-Request-Id"]
    assert cloud.sts_exchanges == 0


def test_the_sts_refuses_forged_and_expired_subject_tokens(cloud: FakeConfluentCloud) -> None:
    genuine = cloud.issue_subject_token()
    header, _, signature = genuine.split(".")
    claims = claims_of(genuine)
    claims["sub"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    for subject in (f"{header}.{forged_payload}.{signature}", cloud.issue_subject_token(lifetime=-1)):
        answer = form(cloud, "/sts/v1/oauth2/token", exchange_fields(cloud, subject))
        assert answer.status == 400
        assert answer.json()["errors"][0]["source"] == {"parameter": "subject_token"}


# -- rate limits ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"), [("GET", IAM), ("GET", f"{IAM}/NOPE"), ("GET", BYOK), ("DELETE", f"{BYOK}/x")]
)
def test_every_api_answer_carries_the_rate_limit_headers(cloud: FakeConfluentCloud, method: str, path: str) -> None:
    answer = call(cloud, path, basic(cloud.api_key, cloud.api_secret), method)

    assert int(answer.headers["X-RateLimit-Limit"]) > 0
    assert 0 <= int(answer.headers["X-RateLimit-Remaining"]) < int(answer.headers["X-RateLimit-Limit"])
    assert 0 < int(answer.headers["X-RateLimit-Reset"]) <= 60
    assert "Retry-After" not in answer.headers


@given(
    now=st.floats(min_value=0, max_value=1e9, allow_nan=False),
    window=st.floats(min_value=0.001, max_value=86400, allow_nan=False),
)
def test_the_reset_never_exceeds_the_window_even_at_its_start(now: float, window: float) -> None:
    # (now + window) - now is sometimes a hair above window (now=993.3434286030218,
    # window=60); rounding that up reported 61 seconds for a 60-second window.
    assert 1 <= reset_seconds((now + window) - now, window) <= max(1, math.ceil(window))
    assert reset_seconds((993.3434286030218 + 60.0) - 993.3434286030218, 60.0) == 60


def test_over_the_limit_answers_429_per_api_group_until_the_window_resets() -> None:
    with FakeConfluentCloud(rate_limit=3, rate_limit_window=0.5) as cloud:
        auth = basic(cloud.api_key, cloud.api_secret)
        remaining = [call(cloud, IAM, auth).headers["X-RateLimit-Remaining"] for _ in range(3)]
        limited = call(cloud, IAM, auth)
        byok = call(cloud, BYOK, auth)
        time.sleep(0.6)
        after_reset = call(cloud, IAM, auth)

    assert remaining == ["2", "1", "0"]
    assert limited.status == 429
    assert limited.headers["Retry-After"] == limited.headers["X-RateLimit-Reset"] == "1"
    assert (limited.headers["X-RateLimit-Limit"], limited.headers["X-RateLimit-Remaining"]) == ("3", "0")
    assert limited.json()["errors"][0]["code"] == "too_many_requests"
    assert byok.status == 200  # the byok/v1 budget is its own
    assert after_reset.status == 200 and after_reset.headers["X-RateLimit-Remaining"] == "2"


def test_the_sts_exchange_is_rate_limited_as_its_own_group() -> None:
    with FakeConfluentCloud(rate_limit=2, rate_limit_window=0.5) as cloud:
        exchange = exchange_fields(cloud, cloud.issue_subject_token())
        admitted = [form(cloud, STS, exchange) for _ in range(2)]
        limited = form(cloud, STS, exchange)
        exchanges_when_limited = cloud.sts_exchanges
        iam = call(cloud, IAM, basic(cloud.api_key, cloud.api_secret))
        time.sleep(0.6)
        after_reset = form(cloud, STS, exchange)

    assert [a.status for a in admitted] == [200, 200]
    assert [a.headers["X-RateLimit-Remaining"] for a in admitted] == ["1", "0"]
    assert limited.status == 429 and exchanges_when_limited == 2  # refused, not exchanged
    assert limited.headers["Retry-After"] == limited.headers["X-RateLimit-Reset"] == "1"
    assert (limited.headers["X-RateLimit-Limit"], limited.headers["X-RateLimit-Remaining"]) == ("2", "0")
    assert limited.json()["errors"][0]["code"] == "too_many_requests"
    assert iam.status == 200 and iam.headers["X-RateLimit-Remaining"] == "1"  # iam/v2 has its own budget
    assert after_reset.status == 200 and after_reset.headers["X-RateLimit-Remaining"] == "1"


def test_a_refused_request_is_not_acted_on() -> None:
    with FakeConfluentCloud(rate_limit=1, rate_limit_window=0.3) as cloud:
        auth = {"Authorization": basic(cloud.api_key, cloud.api_secret)}
        assert urllib3.request("GET", cloud.host + IAM, headers=auth).status == 200
        refused = urllib3.request(
            "POST", cloud.host + IAM, json={"spec": {"owner": {"id": "sa-1"}}}, headers=auth, retries=False
        )
        time.sleep(0.4)
        listed = urllib3.request("GET", cloud.host + IAM, headers=auth)

    assert refused.status == 429
    assert listed.status == 200 and listed.json()["data"] == []


@pytest.mark.parametrize(("limit", "window"), [(0, 1.0), (-1, 1.0), (5, 0.0), (5, float("nan")), (5, float("inf"))])
def test_bad_rate_limit_settings_are_refused_at_construction(limit: int, window: float) -> None:
    with pytest.raises(ValueError, match="rate_limit"):
        FakeConfluentCloud(rate_limit=limit, rate_limit_window=window)


# -- PATCH conflicts ----------------------------------------------------------------------------------


def test_renaming_a_key_to_a_name_its_owner_already_uses_is_409(cloud: FakeConfluentCloud) -> None:
    auth = {"Authorization": basic(cloud.api_key, cloud.api_secret)}
    taken, _ = create_key(cloud, None, display_name="ci")
    renamed, _ = create_key(cloud, None, display_name="other")

    def rename(key_id: str, name: str) -> urllib3.BaseHTTPResponse:
        return urllib3.request(
            "PATCH", f"{cloud.host}{IAM}/{key_id}", json={"spec": {"display_name": name}}, headers=auth
        )

    conflict = rename(renamed, "ci")
    assert conflict.status == 409
    assert conflict.headers["Location"] == f"{cloud.host}{IAM}/{taken}"
    assert conflict.json()["errors"][0]["code"] == "resource_already_exists"
    assert rename(taken, "ci").status == 200  # its own name
    assert rename(renamed, "fresh").status == 200
    other_owner = urllib3.request(
        "POST", cloud.host + IAM, json={"spec": {"owner": {"id": "sa-2"}, "display_name": "x"}}, headers=auth
    ).json()["id"]
    assert rename(other_owner, "ci").status == 200  # names are per owner


# -- resources of every kind -------------------------------------------------------------------------


def test_keys_of_every_kind_are_listed_and_filtered_by_resource(cloud: FakeConfluentCloud) -> None:
    auth = basic(cloud.api_key, cloud.api_secret)
    resources = ["lkc-1", "lsrc-1", "lksqlc-1", "env-abc123.aws.us-east-2", "CLOUD", "cloud", "TABLEFLOW", "Global"]
    ids = {resource: create_key(cloud, resource)[0] for resource in resources}
    ids["none"] = create_key(cloud, None)[0]

    def listed(resource: str) -> List[str]:
        page = call(cloud, f"{IAM}?page_size=100&spec.resource={resource}", auth).json()
        return [key["id"] for key in page["data"]]

    assert listed("CLOUD") == listed("cloud") == [ids["CLOUD"], ids["cloud"], ids["none"]]
    assert listed("tableflow") == [ids["TABLEFLOW"]]
    assert listed("GLOBAL") == [ids["Global"]]
    assert listed("env-abc123.aws.us-east-2") == [ids["env-abc123.aws.us-east-2"]]
    assert listed("lkc-1") == [ids["lkc-1"]]
    kinds = {
        key["id"]: key["spec"].get("resource", {}).get("kind")
        for key in call(cloud, f"{IAM}?page_size=100", auth).json()["data"]
    }
    assert (
        kinds[ids["CLOUD"]] == "Cloud" and kinds[ids["TABLEFLOW"]] == "Tableflow" and kinds[ids["Global"]] == "Global"
    )
    assert kinds[ids["env-abc123.aws.us-east-2"]] == "Region" and kinds[ids["lsrc-1"]] == "Cluster"
    assert kinds[ids["none"]] is None
