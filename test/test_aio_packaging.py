"""aiohttp is optional: the sync client never loads it, and the async one says how to get it."""

from __future__ import annotations

import platform
import subprocess
import sys
import textwrap
from importlib import metadata

from packaging.requirements import Requirement

import openapi_client
from openapi_client.testing import FakeConfluentCloud

# The distribution name (pyproject.toml); the import name is openapi_client.
DISTRIBUTION = "confluent-cloud-keys-sdk"


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)


def test_the_sync_client_never_imports_aiohttp() -> None:
    run = _run(
        """
        import sys
        import openapi_client
        from openapi_client.testing import FakeConfluentCloud
        import openapi_client.testing.pytest_plugin

        with FakeConfluentCloud() as cloud, openapi_client.ApiClient(cloud.configuration()) as client:
            openapi_client.IamApiKeysApi(client).list_iam_v2_api_keys()
            openapi_client.ByokKeysApi(client).list_byok_v1_keys()
        loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("aiohttp", "openapi_client.aio"))
        print(loaded)
        """
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


_BLOCK_AIOHTTP = """
    import sys

    class NoAiohttp:
        # Behaves as if aiohttp were not installed.
        def find_spec(self, name, path=None, target=None):
            if name == "aiohttp" or name.startswith("aiohttp."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoAiohttp())
"""


def test_importing_aio_without_aiohttp_names_the_extra() -> None:
    run = _run(
        _BLOCK_AIOHTTP
        + """
    try:
        import openapi_client.aio
    except ImportError as exc:
        print(type(exc).__name__, "|", exc, "|", type(exc.__cause__).__name__)
    else:
        print("imported")

    # The sync client is unaffected.
    import openapi_client
    openapi_client.ApiClient(openapi_client.Configuration(username="k", password="s")).close()
    print("sync ok")
    """
    )
    assert run.returncode == 0, run.stderr
    first, second = run.stdout.strip().splitlines()
    kind, message, cause = (part.strip() for part in first.split("|"))
    assert kind == "ImportError"
    assert "aiohttp" in message and 'pip install "confluent-cloud-keys-sdk[asyncio]"' in message
    assert cause == "ModuleNotFoundError"
    assert second == "sync ok"


def test_aiohttp_is_required_only_by_the_asyncio_extra() -> None:
    requirements = [Requirement(r) for r in metadata.requires(DISTRIBUTION) or []]
    aiohttp = [r for r in requirements if r.name == "aiohttp"]
    assert aiohttp, "aiohttp is not declared at all"
    for requirement in aiohttp:
        assert requirement.marker is not None, "aiohttp must not be a runtime dependency"
        extras = {e for e in ("asyncio", "test") if requirement.marker.evaluate({"extra": e})}
        assert extras and extras <= {"asyncio", "test"}
    assert any(r.marker is not None and r.marker.evaluate({"extra": "asyncio"}) for r in aiohttp)
    assert not any(r.marker is not None and r.marker.evaluate({"extra": ""}) for r in aiohttp)


def test_the_user_agent_names_the_distribution_and_its_version(cloud: FakeConfluentCloud) -> None:
    with openapi_client.ApiClient(cloud.configuration()) as client:
        openapi_client.IamApiKeysApi(client).list_iam_v2_api_keys()
    agent = cloud.requests[-1].headers["User-Agent"]
    assert agent == f"{DISTRIBUTION}/{metadata.version(DISTRIBUTION)} python/{platform.python_version()}"
