"""Credential providers over real loopback HTTP: static keys, the STS token exchange and
its refresh rules, failures of each step, and secrets kept out of every message and log."""

from __future__ import annotations

import base64
import contextlib
import logging
import re
import socket
import socketserver
import threading
import time
from pathlib import Path
from typing import Callable, Iterator, List

import pytest
import urllib3
from fake_clock import FakeClock
from hypothesis import HealthCheck, given, settings, strategies as st
from oauth_servers import CLIENT_ID, CLIENT_SECRET, GLOBAL_KEY, GLOBAL_SECRET, POOL_ID, OAuthServers
from property_budget import examples
from threads import all_at_once

import openapi_client
from openapi_client import ApiClient, ByokKeysApi, Configuration, IamApiKeysApi
from openapi_client.credentials import (
    BearerToken,
    ClientCredentialsGrant,
    CloudApiKey,
    ConfluentOAuth,
    GlobalApiKey,
    SubjectTokenFile,
    TokenExchangeError,
    select_provider,
)
from openapi_client.exceptions import ApiConnectionError, ApiTimeoutError, ApiValueError, InsecureTransportError

IAM_SCHEMES = ("cloud-api-key", "confluent-sts-access-token")
BYOK_SCHEMES = ("cloud-api-key", "global-api-key", "confluent-sts-access-token")


@pytest.fixture
def servers() -> Iterator[OAuthServers]:
    with OAuthServers() as running:
        yield running


def grant(servers: OAuthServers, secret: str = CLIENT_SECRET) -> ClientCredentialsGrant:
    return ClientCredentialsGrant(servers.token_url, CLIENT_ID, secret)


def oauth(servers: OAuthServers, **kwargs: object) -> ConfluentOAuth:
    source = kwargs.pop("subject_token", None) or grant(servers)
    return ConfluentOAuth(POOL_ID, source, sts_url=servers.sts_url, **kwargs)  # type: ignore[arg-type]


def client_for(servers: OAuthServers, provider: object) -> ApiClient:
    return ApiClient(Configuration(host=servers.url, credentials=provider, retries=False))  # type: ignore[arg-type]


# -- static providers -------------------------------------------------------------------


def test_api_keys_send_basic_and_hide_the_secret() -> None:
    for cls, scheme in ((CloudApiKey, "cloud-api-key"), (GlobalApiKey, "global-api-key")):
        provider = cls("MZ4YPG7UCKJYQ3TD", "s3cr3t/Value+")
        assert provider.scheme == scheme
        assert provider.authorization() == "Basic " + base64.b64encode(b"MZ4YPG7UCKJYQ3TD:s3cr3t/Value+").decode()
        assert provider.on_unauthorized(provider.authorization()) is False
        assert not provider.needs_refresh()
        assert "s3cr3t" not in repr(provider) + str(provider) and "MZ4YPG7UCKJYQ3TD" in repr(provider)
        assert "s3cr3t/Value+" in provider.secrets() and provider.authorization() in provider.secrets()


def test_bearer_token_is_sent_as_is_and_never_refreshed() -> None:
    provider = BearerToken("eyJhbGciOi.eyJzdWIiOiJ4In0.sig")
    assert provider.authorization() == "Bearer eyJhbGciOi.eyJzdWIiOiJ4In0.sig"
    assert provider.on_unauthorized(provider.authorization()) is False
    assert "eyJ" not in repr(provider)


@pytest.mark.parametrize("bad", ["", "   ", " padded", "line\nbreak", "nul\x00", 42, None])
@pytest.mark.parametrize("which", ["key", "secret"])
def test_bad_key_or_secret_is_refused_naming_it(bad: object, which: str) -> None:
    args = {"key": "KEY", "secret": "secret", which: bad}
    with pytest.raises(ApiValueError, match=f"CloudApiKey {which}"):
        CloudApiKey(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"username": "", "password": "s"}, "username"),
        ({"username": "K", "password": "  "}, "password"),
        ({"username": "K"}, "password"),
        ({"access_token": "has space"}, "access_token"),
    ],
)
def test_the_older_arguments_are_checked_by_the_same_providers(kwargs: dict, named: str) -> None:
    with pytest.raises(ApiValueError, match=f"Configuration {named}"):
        Configuration(**kwargs)


def test_older_arguments_become_providers_and_follow_live_changes() -> None:
    config = Configuration(username="KEY", password="one")
    assert config.credentials == (CloudApiKey("KEY", "one"),)
    config.password = "two"
    config.access_token = "tok.en"
    assert config.credentials == (CloudApiKey("KEY", "two"), BearerToken("tok.en"))


def test_the_operation_picks_a_provider_it_accepts() -> None:
    global_key = GlobalApiKey("GLOBALKEY", "secret")
    config = Configuration(credentials=global_key)
    assert select_provider(config, BYOK_SCHEMES) is global_key
    with pytest.raises(ApiValueError, match="cloud-api-key, confluent-sts-access-token") as refused:
        select_provider(config, IAM_SCHEMES)
    assert "global-api-key" in str(refused.value)
    cloud_key = CloudApiKey("CLOUDKEY", "secret")
    both = Configuration(credentials=[global_key, cloud_key])
    assert select_provider(both, IAM_SCHEMES) is cloud_key
    assert select_provider(both, BYOK_SCHEMES) is global_key  # the configured order decides


def test_a_global_key_works_on_byok_and_is_refused_for_iam_before_sending(servers: OAuthServers) -> None:
    with client_for(servers, GlobalApiKey(GLOBAL_KEY, GLOBAL_SECRET)) as client:
        assert ByokKeysApi(client).list_byok_v1_keys().kind == "KeyList"
        with pytest.raises(ApiValueError, match="accepts cloud-api-key, confluent-sts-access-token"):
            IamApiKeysApi(client).list_iam_v2_api_keys()
    assert servers.record.api_calls == 1
    assert servers.record.api_auth == [GlobalApiKey(GLOBAL_KEY, GLOBAL_SECRET).authorization()]


def test_no_credentials_at_all_is_a_clear_error_before_sending(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONFLUENT_CLOUD_API_KEY", "CONFLUENT_CLOUD_API_SECRET", "CONFLUENT_OAUTH_IDENTITY_POOL_ID"):
        monkeypatch.delenv(name, raising=False)
    with ApiClient(Configuration(host="http://127.0.0.1:9", retries=False)) as client:
        with pytest.raises(ApiValueError, match="no credentials configured"):
            IamApiKeysApi(client).list_iam_v2_api_keys()
        assert not client.rest_client.pool_manager.pools


def test_credentials_must_be_providers() -> None:
    with pytest.raises(ApiValueError, match="credentials"):
        Configuration(credentials="KEY:secret")  # type: ignore[arg-type]
    with pytest.raises(ApiValueError, match=r"CloudApiKey\(\.\.\.\), not the class"):
        Configuration(credentials=CloudApiKey)  # type: ignore[arg-type]


# -- the token exchange ------------------------------------------------------------------


def test_client_credentials_then_exchange_then_bearer(servers: OAuthServers) -> None:
    provider = oauth(servers)
    with client_for(servers, provider) as client:
        assert IamApiKeysApi(client).list_iam_v2_api_keys().kind == "ApiKeyList"
        assert ByokKeysApi(client).list_byok_v1_keys().kind == "KeyList"
    assert (servers.record.idp_grants, servers.record.sts_exchanges, provider.exchanges) == (1, 1, 1)
    idp_form = servers.record.idp_forms[0]
    assert idp_form == {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    sts_form = servers.record.sts_forms[0]
    assert sts_form["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange"
    assert sts_form["identity_pool_id"] == POOL_ID and "expires_in" not in sts_form
    assert all(auth.startswith("Bearer ") for auth in servers.record.api_auth)


def test_scope_and_expires_in_are_sent_when_given(servers: OAuthServers) -> None:
    source = ClientCredentialsGrant(servers.token_url, CLIENT_ID, CLIENT_SECRET, scope="api://confluent/.default")
    provider = oauth(servers, subject_token=source, expires_in=300)
    provider.authorization()
    assert servers.record.idp_forms[0]["scope"] == "api://confluent/.default"
    assert servers.record.sts_forms[0]["expires_in"] == "300"


@pytest.mark.parametrize("expires_in", [0, 901, -5, True, 1.5])
def test_expires_in_beyond_what_the_service_allows_is_refused(expires_in: object) -> None:
    with pytest.raises(ApiValueError, match="expires_in"):
        ConfluentOAuth(POOL_ID, lambda: "x", expires_in=expires_in)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lifetime", "refresh_at"),
    [(900, 840.0), (3, 2.7)],  # margin: the 60 s cap; a tenth of a short life
    ids=["900 s token", "3 s token"],
)
def test_the_token_is_cached_then_refreshed_before_it_expires(
    servers: OAuthServers, lifetime: int, refresh_at: float
) -> None:
    # Time passes on the provider's clock only; a token really expiring is
    # test_credentials_emulator.py's test_an_expired_token_is_refreshed_before_use.
    servers.knobs.token_lifetime = lifetime
    servers.knobs.token_exp_offset = 3600  # the exp claim does not shorten expires_in
    clock = FakeClock()
    provider = oauth(servers, clock=clock)
    first = provider.authorization()
    clock.advance(refresh_at - 0.01)
    assert provider.authorization() == first and not provider.needs_refresh()
    assert servers.record.sts_exchanges == 1
    clock.advance(0.02)  # past lifetime - margin, still before the expiry
    assert provider.needs_refresh()
    second = provider.authorization()
    assert second != first and servers.record.sts_exchanges == 2
    assert not provider.needs_refresh()


def test_a_token_rejected_by_the_api_is_refreshed_once_and_the_call_retried_once(servers: OAuthServers) -> None:
    provider = oauth(servers)
    with client_for(servers, provider) as client:
        api = IamApiKeysApi(client)
        api.list_iam_v2_api_keys()
        servers.revoke(servers.record.api_auth[-1].split(" ", 1)[1])
        assert api.list_iam_v2_api_keys().kind == "ApiKeyList"
    assert servers.record.sts_exchanges == 2
    assert servers.record.api_calls == 3  # the first call, the rejected one, its one retry
    assert servers.record.api_auth[1] != servers.record.api_auth[2]


def test_a_second_401_is_raised_not_retried_again(servers: OAuthServers) -> None:
    provider = oauth(servers)
    servers.knobs.reject_all_bearer = True
    with client_for(servers, provider) as client, pytest.raises(openapi_client.UnauthorizedException) as info:
        IamApiKeysApi(client).list_iam_v2_api_keys()
    assert info.value.status == 401
    assert servers.record.api_calls == 2 and servers.record.sts_exchanges == 2
    for token in provider.secrets():
        assert token not in str(info.value)


def test_static_credentials_are_not_retried_on_401(servers: OAuthServers) -> None:
    with client_for(servers, BearerToken("not.a-token")) as client, pytest.raises(openapi_client.UnauthorizedException):
        ByokKeysApi(client).list_byok_v1_keys()
    assert servers.record.api_calls == 1


def test_thirty_two_threads_cause_exactly_one_exchange(servers: OAuthServers) -> None:
    servers.knobs.sts_delay = 0.3  # the first exchange is still running when the others ask
    provider = oauth(servers)
    headers, errors = all_at_once(32, provider.authorization)
    assert not errors
    assert len(headers) == 32 and len(set(headers)) == 1
    assert servers.record.sts_exchanges == 1 and servers.record.idp_grants == 1


def test_thirty_two_threads_rejected_together_refresh_once(servers: OAuthServers) -> None:
    provider = oauth(servers)
    rejected = provider.authorization()
    servers.knobs.sts_delay = 0.2
    answers, errors = all_at_once(32, lambda: provider.on_unauthorized(rejected))
    assert not errors and answers == [True] * 32
    assert servers.record.sts_exchanges == 2 and provider.authorization() != rejected


def test_threads_waiting_on_a_failed_exchange_share_its_error(servers: OAuthServers) -> None:
    servers.knobs.sts_delay = 0.3
    servers.knobs.sts_status = 400
    provider = oauth(servers)
    headers, errors = all_at_once(8, provider.authorization)
    assert not headers and len(errors) == 8 and all(isinstance(e, TokenExchangeError) for e in errors)
    assert servers.record.sts_exchanges == 1


def test_identity_provider_failure_names_the_step_and_status(servers: OAuthServers) -> None:
    provider = oauth(servers, subject_token=grant(servers, secret="wrong-secret-value"))
    with client_for(servers, provider) as client, pytest.raises(TokenExchangeError) as info:
        IamApiKeysApi(client).list_iam_v2_api_keys()
    error = info.value
    assert error.step == "identity provider" and error.status == 401
    assert str(error).startswith("identity provider answered 401: invalid_client")
    assert "wrong-secret-value" not in str(error) + repr(error)
    assert servers.record.sts_exchanges == 0 and servers.record.api_calls == 0


def test_sts_failure_names_the_step_status_and_the_service_words(servers: OAuthServers) -> None:
    servers.knobs.sts_status = 400
    provider = oauth(servers)
    with pytest.raises(TokenExchangeError) as info:
        provider.authorization()
    error = info.value
    assert error.step == "Confluent STS" and error.status == 400 and error.request_id
    assert "the identity pool does not exist" in str(error)
    assert servers.record.sts_exchanges == 1


def test_an_error_answer_echoing_the_subject_token_is_scrubbed(servers: OAuthServers) -> None:
    subject = servers.issue_subject_token()
    servers.knobs.sts_status = 400
    servers.knobs.sts_body = ('{"error": "invalid_grant", "error_description": "bad token ' + subject + '"}').encode()
    provider = oauth(servers, subject_token=lambda: subject)
    with pytest.raises(TokenExchangeError) as info:
        provider.authorization()
    assert subject not in str(info.value) and "**********" in str(info.value)


def test_sts_retries_a_briefly_overloaded_service(servers: OAuthServers) -> None:
    servers.knobs.sts_status = 503
    provider = oauth(servers)
    with pytest.raises(TokenExchangeError, match="Confluent STS answered 503"):
        provider.authorization()
    assert servers.record.sts_exchanges == 3  # the first try and two retries


def test_an_unreachable_token_service_is_a_connection_error_naming_the_step(servers: OAuthServers) -> None:
    provider = ConfluentOAuth(POOL_ID, lambda: "x.y.z", sts_url="http://127.0.0.1:9/sts/v1/oauth2/token")
    with pytest.raises(ApiConnectionError, match="Confluent STS token request: connection failed"):
        provider.authorization()


def test_the_exchange_sends_no_credentials_over_plain_http_to_another_machine() -> None:
    provider = ConfluentOAuth(POOL_ID, lambda: "x.y.z", sts_url="http://192.0.2.1/sts/v1/oauth2/token")
    with pytest.raises(InsecureTransportError, match="Confluent STS"):
        provider.authorization()
    idp = ClientCredentialsGrant("http://192.0.2.1/token", CLIENT_ID, CLIENT_SECRET)
    with pytest.raises(InsecureTransportError, match="identity provider"):
        ConfluentOAuth(POOL_ID, idp).authorization()
    through_proxy = ConfluentOAuth(
        POOL_ID, lambda: "x.y.z", sts_url="http://127.0.0.1:9/sts/v1/oauth2/token", proxy="http://192.0.2.1:3128"
    )
    with pytest.raises(InsecureTransportError, match="through a proxy off this machine"):
        through_proxy.authorization()


def test_a_token_expired_on_arrival_is_exchanged_once_more_then_refused(servers: OAuthServers) -> None:
    servers.knobs.token_exp_offset = -120  # the token's exp is two minutes past by our clock
    provider = oauth(servers)
    with pytest.raises(TokenExchangeError, match=r"already expired.*clock") as info:
        provider.authorization()
    assert info.value.step == "Confluent STS"
    assert servers.record.sts_exchanges == 2  # one more try, no loop


def test_a_zero_expires_in_is_expiry_on_arrival_too(servers: OAuthServers) -> None:
    servers.knobs.token_lifetime = 0
    with pytest.raises(TokenExchangeError, match="already expired"):
        oauth(servers).authorization()
    assert servers.record.sts_exchanges == 2


def test_a_file_source_is_read_again_for_every_exchange(servers: OAuthServers, tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text(servers.issue_subject_token() + "\n")
    clock = FakeClock()
    provider = oauth(servers, subject_token=SubjectTokenFile(path), clock=clock)
    provider.authorization()
    rotated = servers.issue_subject_token()
    path.write_text(rotated)
    clock.advance(900)  # a token's life (the service's default) later
    provider.authorization()
    assert [form["subject_token"] for form in servers.record.sts_forms][-1] == rotated
    path.unlink()
    clock.advance(900)
    with pytest.raises(TokenExchangeError, match="subject token file: cannot read"):
        provider.authorization()


def test_a_callable_source_is_called_for_every_exchange(servers: OAuthServers) -> None:
    calls: List[str] = []

    def source() -> str:
        calls.append(servers.issue_subject_token())
        return calls[-1]

    provider = oauth(servers, subject_token=source)
    first = provider.authorization()
    assert provider.on_unauthorized(first)
    assert [form["subject_token"] for form in servers.record.sts_forms] == calls and len(calls) == 2


def test_a_token_string_is_not_a_source() -> None:
    with pytest.raises(ApiValueError, match="not a token string"):
        ConfluentOAuth(POOL_ID, "eyJ.a.b")  # type: ignore[arg-type]


# -- configuration from the environment ----------------------------------------------------


def test_oauth_from_the_environment_needs_no_code(servers: OAuthServers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLUENT_CLOUD_HOST", servers.url)
    monkeypatch.setenv("CONFLUENT_CLOUD_API_KEY", "IGNOREDKEY")
    monkeypatch.setenv("CONFLUENT_CLOUD_API_SECRET", "ignored")
    monkeypatch.setenv("CONFLUENT_OAUTH_IDENTITY_POOL_ID", POOL_ID)
    monkeypatch.setenv("CONFLUENT_OAUTH_EXTERNAL_TOKEN_URL", servers.token_url)
    monkeypatch.setenv("CONFLUENT_OAUTH_EXTERNAL_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("CONFLUENT_OAUTH_EXTERNAL_CLIENT_SECRET", CLIENT_SECRET)
    config = Configuration(retries=False)
    assert config.username is None
    (provider,) = config.credentials
    assert isinstance(provider, ConfluentOAuth) and provider.sts_url == servers.sts_url
    assert CLIENT_SECRET not in repr(config)
    with ApiClient(config) as client:
        assert IamApiKeysApi(client).list_iam_v2_api_keys().kind == "ApiKeyList"
    assert servers.record.sts_exchanges == 1


def test_oauth_from_a_token_file_in_the_environment(
    servers: OAuthServers, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "token"
    path.write_text(servers.issue_subject_token())
    monkeypatch.setenv("CONFLUENT_OAUTH_IDENTITY_POOL_ID", POOL_ID)
    monkeypatch.setenv("CONFLUENT_OAUTH_EXTERNAL_TOKEN_FILE", str(path))
    monkeypatch.setenv("CONFLUENT_OAUTH_STS_URL", servers.sts_url)
    (provider,) = Configuration().credentials
    assert provider.authorization().startswith("Bearer ")


def test_oauth_from_the_environment_takes_a_urllib3_timeout(
    servers: OAuthServers, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The token exchange gets the calls' timeouts: a urllib3.Timeout, which TimeoutValue
    # allows, becomes its (connect, read) pair.
    path = tmp_path / "token"
    path.write_text(servers.issue_subject_token())
    monkeypatch.setenv("CONFLUENT_OAUTH_IDENTITY_POOL_ID", POOL_ID)
    monkeypatch.setenv("CONFLUENT_OAUTH_EXTERNAL_TOKEN_FILE", str(path))
    monkeypatch.setenv("CONFLUENT_OAUTH_STS_URL", servers.sts_url)
    (provider,) = Configuration(timeout=urllib3.Timeout(connect=2.0, read=5.0)).credentials
    assert provider.authorization().startswith("Bearer ")


def test_an_incomplete_oauth_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLUENT_OAUTH_IDENTITY_POOL_ID", POOL_ID)
    with pytest.raises(ApiValueError, match="CONFLUENT_OAUTH_EXTERNAL_TOKEN_URL"):
        Configuration()
    monkeypatch.setenv("CONFLUENT_OAUTH_EXTERNAL_TOKEN_URL", "https://idp.example/token")
    with pytest.raises(ApiValueError, match="CONFLUENT_OAUTH_EXTERNAL_CLIENT_ID"):
        Configuration()


# -- secrets stay secret --------------------------------------------------------------------


def test_no_secret_or_token_in_debug_logs(servers: OAuthServers, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="openapi_client")
    provider = oauth(servers)
    with client_for(servers, provider) as client:
        api = IamApiKeysApi(client)
        api.list_iam_v2_api_keys()
        servers.revoke(servers.record.api_auth[-1].split(" ", 1)[1])
        api.list_iam_v2_api_keys()
    assert "Confluent STS" in caplog.text  # the exchange is logged...
    forbidden = [CLIENT_SECRET, *servers.subject_tokens, *servers.access_tokens]
    for secret in forbidden:
        assert secret not in caplog.text  # ...without what it exchanged
    assert set(servers.access_tokens) <= set(provider.secrets()) | {
        auth.split(" ", 1)[1] for auth in servers.record.api_auth[:1]
    }


def test_repr_of_every_provider_hides_secrets(servers: OAuthServers) -> None:
    provider = oauth(servers)
    provider.authorization()
    shown = repr(provider) + str(provider) + repr(Configuration(host=servers.url, credentials=provider))
    for secret in (CLIENT_SECRET, *servers.subject_tokens, *servers.access_tokens):
        assert secret not in shown
    assert POOL_ID in shown


# A fixed prefix keeps a generated secret from matching fixed words of a message by chance.
_SECRET_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, blacklist_characters=":"), min_size=1, max_size=40
).map(lambda text: "sk_" + text)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(secret=_SECRET_TEXT)
def test_no_client_secret_in_any_identity_provider_error(servers: OAuthServers, secret: str) -> None:
    # The identity provider echoes what it got, as broken ones do.
    servers.knobs.idp_status = 400
    description = secret.replace('"', "").replace("\\", "")
    servers.knobs.idp_body = ('{"error": "invalid_client", "error_description": "' + description + '"}').encode()
    source = ClientCredentialsGrant(servers.token_url, CLIENT_ID, secret)
    provider = oauth(servers, subject_token=source)
    with pytest.raises(TokenExchangeError) as info:
        provider.authorization()
    shown = str(info.value) + repr(info.value) + repr(provider) + repr(source)
    assert description in servers.knobs.idp_body.decode()
    if description == secret:
        assert secret not in shown


@settings(max_examples=examples(100), deadline=None)
@given(key=st.from_regex(r"[A-Z0-9]{16}", fullmatch=True), secret=st.text(max_size=40).map(lambda text: "sk_" + text))
def test_api_key_secrets_never_appear_in_repr_or_refusals(key: str, secret: str) -> None:
    try:
        provider = CloudApiKey(key, secret)
    except ApiValueError as refused:
        assert secret not in str(refused)  # refused for control characters or spacing, unnamed
        return
    assert secret not in repr(provider) + str(provider)
    assert provider.authorization().startswith("Basic ") and secret in provider.secrets()


def test_an_empty_or_wrong_subject_token_names_its_source(servers: OAuthServers, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(TokenExchangeError, match=r"^subject token file: the subject token is empty"):
        oauth(servers, subject_token=SubjectTokenFile(empty)).authorization()
    with pytest.raises(TokenExchangeError, match=r"^subject token callable: returned a bytes"):
        oauth(servers, subject_token=lambda: b"x.y.z").authorization()
    assert servers.record.sts_exchanges == 0


# -- hostile token endpoints ----------------------------------------------------------------


@contextlib.contextmanager
def raw_server(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A server on 127.0.0.1 that reads one request per connection and lets ``answer`` write."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                data += self.request.recv(4096)
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(re.search(rb"content-length: *(\d+)", head, re.I).group(1))  # type: ignore[union-attr]
            while len(body) < length:
                body += self.request.recv(4096)
            with contextlib.suppress(OSError):
                answer(self.request)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sts/v1/oauth2/token"
    finally:
        server.shutdown()
        server.server_close()


def _dribble(sock: socket.socket) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    for _ in range(1000):  # 50 s, each byte well within the read timeout
        sock.sendall(b" ")
        time.sleep(0.05)


def _huge(sock: socket.socket) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"x" * 65536
    for _ in range(64):
        sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def _not_json(sock: socket.socket) -> None:
    body = b"<html><title>Gateway</title></html>"
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))


def test_a_dribbling_token_service_is_cut_off_at_the_time_budget() -> None:
    with raw_server(_dribble) as url:
        provider = ConfluentOAuth(POOL_ID, lambda: "x.y.z", sts_url=url, timeout=(0.25, 0.25))
        with pytest.raises(ApiTimeoutError, match=r"Confluent STS token request: the answer took longer than 0\.5 s"):
            provider.authorization()


def test_an_endless_token_answer_is_refused_at_the_size_cap() -> None:
    with raw_server(_huge) as url:
        provider = ConfluentOAuth(POOL_ID, lambda: "x.y.z", sts_url=url)
        with pytest.raises(TokenExchangeError, match="65536-byte limit"):
            provider.authorization()


def test_a_token_answer_that_is_not_json_is_refused() -> None:
    with raw_server(_not_json) as url:
        provider = ConfluentOAuth(POOL_ID, lambda: "x.y.z", sts_url=url)
        with pytest.raises(TokenExchangeError, match="Confluent STS answered 200: the answer is not a JSON object"):
            provider.authorization()


@pytest.mark.parametrize("expires_in", ["NaN", "Infinity", "-Infinity", '"soon"', "null"])
def test_an_unusable_expires_in_counts_as_the_default_life_not_as_expired(
    servers: OAuthServers, expires_in: str
) -> None:
    # A broken token service: a JSON number that is not one (Python's json reads NaN and
    # Infinity), or no number at all. The token is used, not refused as "expired on arrival".
    servers.knobs.sts_status = 200
    body = '{"access_token": "opaque-token-7", "token_type": "Bearer", "expires_in": ' + expires_in + "}"
    servers.knobs.sts_body = body.encode()
    provider = oauth(servers)
    assert provider.authorization() == "Bearer opaque-token-7"
    assert not provider.needs_refresh() and servers.record.sts_exchanges == 1
