"""The emulator as users start it: the standalone command and the pytest fixture."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, List

import pytest

import openapi_client
from openapi_client import ApiClient, IamApiKeysApi, IamV2ApiKey, IamV2ApiKeySpec
from openapi_client.testing import FakeConfluentCloud

pytest_plugins = ["pytester"]


def start_emulator(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "openapi_client.testing", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_banner(process: subprocess.Popen[str]) -> Dict[str, str]:
    """The URL and credentials the command prints, read up to its "Press Ctrl-C" line."""
    assert process.stdout is not None
    lines: List[str] = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    text = "".join(lines)
    url = re.search(r"listening on (http://\S+)", text)
    key = re.search(r"export CONFLUENT_CLOUD_API_KEY=(\S+)", text)
    secret = re.search(r"export CONFLUENT_CLOUD_API_SECRET=(\S+)", text)
    assert url and key and secret, text
    return {"url": url.group(1), "key": key.group(1), "secret": secret.group(1)}


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_the_standalone_command_serves_the_sdk_until_signalled(stop_signal: signal.Signals) -> None:
    process = start_emulator("--api-key", "CLIKEY0000000001", "--api-secret", "cli-secret")
    try:
        banner = read_banner(process)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", banner["url"])
        assert (banner["key"], banner["secret"]) == ("CLIKEY0000000001", "cli-secret")

        config = openapi_client.Configuration(
            host=banner["url"], username=banner["key"], password=banner["secret"], retries=False
        )
        with openapi_client.ApiClient(config) as client:
            iam = IamApiKeysApi(client)
            created = iam.create_iam_v2_api_key(IamV2ApiKey(spec=IamV2ApiKeySpec(owner={"id": "sa-cli"})))
            assert [key.id for key in iam.list_iam_v2_api_keys().data] == [created.id]

        process.send_signal(stop_signal)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_standalone_command_reports_a_port_in_use() -> None:
    first = start_emulator()
    try:
        port = read_banner(first)["url"].rsplit(":", 1)[1]
        second = subprocess.run(
            [sys.executable, "-m", "openapi_client.testing", "--port", port],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 1
        assert f"cannot listen on 127.0.0.1:{port}" in second.stderr
    finally:
        first.terminate()
        assert first.wait(timeout=10) == 0


def test_the_plugin_module_does_not_import_the_emulator() -> None:
    probe = (
        "import sys, openapi_client.testing.pytest_plugin; "
        "print('openapi_client.testing.emulator' in sys.modules, 'http.server' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_the_fixture_gives_each_user_test_a_fresh_started_emulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user_code="""
        from openapi_client import IamApiKeysApi, IamV2ApiKey, IamV2ApiKeySpec

        HOSTS = []

        def create_and_count(cloud):
            with cloud.api_client() as client:
                iam = IamApiKeysApi(client)
                iam.create_iam_v2_api_key(IamV2ApiKey(spec=IamV2ApiKeySpec(owner={"id": "sa-user"})))
                return len(iam.list_iam_v2_api_keys(spec_owner="sa-user").data)

        def test_first(fake_confluent_cloud):
            HOSTS.append(fake_confluent_cloud.host)
            assert create_and_count(fake_confluent_cloud) == 1

        def test_second_starts_empty(fake_confluent_cloud):
            HOSTS.append(fake_confluent_cloud.host)
            assert create_and_count(fake_confluent_cloud) == 1
            assert HOSTS[0] != HOSTS[1]
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")
    without_plugin = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:openapi_client")

    result.assert_outcomes(passed=2)
    # The fixture comes from the pytest11 entry point named "openapi_client", nothing else.
    without_plugin.assert_outcomes(errors=2)
    without_plugin.stdout.fnmatch_lines(["*fixture 'fake_confluent_cloud' not found*"])


def test_the_exported_variables_point_the_quickstart_at_the_standalone_emulator() -> None:
    process = start_emulator("--byok-validation-delay", "0")
    try:
        banner = read_banner(process)
        env = {
            "PATH": "/usr/bin:/bin",
            "CONFLUENT_CLOUD_HOST": banner["url"],
            "CONFLUENT_CLOUD_API_KEY": banner["key"],
            "CONFLUENT_CLOUD_API_SECRET": banner["secret"],
        }
        result = subprocess.run(
            [sys.executable, "examples/quickstart.py"], capture_output=True, text=True, timeout=60, env=env
        )
        assert result.returncode == 0, result.stderr
        # the quickstart asked the host what it is, and runs as it does on the embedded emulator
        assert result.stdout.splitlines()[0] == f"Using the emulator at {banner['url']} with API key {banner['key']}"
        for step in ("created ", "renamed it to", "registered AWS key", "validated: VALID", "All steps succeeded."):
            assert step in result.stdout, step
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_quickstart_needs_real_ids_for_a_host_that_is_not_the_emulator(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        env = {
            "PATH": "/usr/bin:/bin",
            "CONFLUENT_CLOUD_HOST": f"http://127.0.0.1:{server.server_port}",
            "CONFLUENT_CLOUD_API_KEY": "KEY",
            "CONFLUENT_CLOUD_API_SECRET": "SECRET",
        }
        result = subprocess.run(
            [sys.executable, "examples/quickstart.py"], capture_output=True, text=True, timeout=60, env=env
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 2 and "QUICKSTART_OWNER" in result.stderr
    assert result.stdout.startswith("Using the service at ")


def test_the_oauth_fixture_authenticates_through_the_same_emulators_sts(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user_oauth="""
        from openapi_client import ApiClient, ByokKeysApi, IamApiKeysApi

        def test_oauth_reaches_both_apis(fake_confluent_cloud, fake_confluent_cloud_oauth):
            assert fake_confluent_cloud_oauth.host == fake_confluent_cloud.host
            with ApiClient(fake_confluent_cloud_oauth) as client:
                assert IamApiKeysApi(client).list_iam_v2_api_keys().data == []
                assert ByokKeysApi(client).list_byok_v1_keys().data == []
            assert (fake_confluent_cloud.idp_grants, fake_confluent_cloud.sts_exchanges) == (1, 1)
            api_calls = [r for r in fake_confluent_cloud.requests if "/oauth2/" not in r.path]
            assert [r.headers["Authorization"] for r in api_calls] == ["Bearer ***", "Bearer ***"]
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_oauth_configuration_refreshes_an_expired_token_through_the_emulator() -> None:
    with FakeConfluentCloud() as cloud:
        cloud.token_lifetime = 1
        with ApiClient(cloud.oauth_configuration(retries=False)) as client:
            IamApiKeysApi(client).list_iam_v2_api_keys()
            time.sleep(1.1)
            IamApiKeysApi(client).list_iam_v2_api_keys()
        statuses = [(r.path, r.status) for r in cloud.requests]

    assert cloud.sts_exchanges >= 2
    assert all(status == 200 for _, status in statuses)


def test_the_standalone_command_refuses_a_bad_rate_limit_with_a_message() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "openapi_client.testing", "--port", "0", "--rate-limit", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "rate_limit must be at least 1" in run.stderr and "Traceback" not in run.stderr
