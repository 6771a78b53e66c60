"""The examples run as users run them, and the rotation logic does what it promises."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import openapi_client
from openapi_client import workflows
from openapi_client.testing import FakeConfluentCloud

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFLUENT_CLOUD_")}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, env=env, cwd=EXAMPLES.parent
    )


def load_rotation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rotate_api_keys", EXAMPLES / "rotate_api_keys.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_quickstart_walks_every_step_on_the_emulator() -> None:
    result = run_example("examples/quickstart.py")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("No Confluent Cloud credentials set: using the embedded emulator at http://127.0.0.1:")
    text = result.stdout
    for expected in (
        "created ",
        "secret (shown once",
        "in 3 page(s)",
        "renamed it to",
        "deleted ",
        "registered AWS key",
        "registered GCP key",
        "validated: VALID",
        "All steps succeeded.",
    ):
        assert expected in text, expected
    secret_line = next(line for line in lines if "secret (shown once" in line)
    shown = secret_line.rsplit(": ", 1)[1]
    assert set(shown[:-4]) == {"*"} and len(shown) > 20  # masked but for the last four characters


def test_quickstart_runs_with_oauth_on_the_emulator() -> None:
    result = run_example("examples/quickstart.py", "--oauth")
    assert result.returncode == 0, result.stderr
    assert "Authenticating with OAuth: identity pool " in result.stdout
    assert "All steps succeeded." in result.stdout
    assert "Token exchanges made: 1" in result.stdout  # one token served every call


def without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """As run_example does for a process: the examples use the embedded emulator, never the service."""
    for name in [name for name in os.environ if name.startswith("CONFLUENT_CLOUD_")]:
        monkeypatch.delenv(name)


def test_rotation_script_dry_run_and_real_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    without_credentials(monkeypatch)
    assert load_rotation().main(["--owner", "sa-rotate1", "--dry-run"]) == 0  # in this process: one start-up less
    dry = capsys.readouterr()
    assert dry.out.count("would replace") == 3 and "deleted" not in dry.out
    assert "3/3" in dry.err  # the progress bar
    secrets_file = tmp_path / "secrets.json"
    real = run_example(
        "examples/rotate_api_keys.py", "--all", "--older-than-days", "30", "--secrets-file", str(secrets_file)
    )
    assert real.returncode == 0, real.stderr
    assert real.stdout.count("replaced ") == 3 and real.stdout.count("deleted ") == 3
    assert secrets_file.stat().st_mode & 0o077 == 0
    entries = json.loads(secrets_file.read_text())
    assert len(entries) == 3
    for entry in entries:
        assert entry["api_secret"] not in real.stdout + real.stderr  # shown masked only
        assert f"with {entry['api_key']} (secret *" in real.stdout


def test_rotation_cli_replaces_only_old_keys_and_keeps_their_targets(tmp_path: Path) -> None:
    rotation = load_rotation()
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=200)
    with FakeConfluentCloud() as cloud, openapi_client.ApiClient(cloud.configuration()) as api_client:
        api = openapi_client.IamApiKeysApi(api_client)
        old = set(cloud.seed_api_keys(2, owner="sa-rot", resource="lkc-a", created_at=long_ago))
        fresh = set(cloud.seed_api_keys(1, owner="sa-rot", resource="lkc-a"))
        others = set(cloud.seed_api_keys(1, owner="sa-other", resource="lkc-a", created_at=long_ago))
        handover = rotation.SecretsFile(str(tmp_path / "secrets.json"))
        summary = workflows.rotate_api_keys(
            api_client,
            workflows.KeySelection(owner="sa-rot", older_than=dt.timedelta(days=90)),
            handover=handover,
            usability=workflows.UsabilityOptions(settle_delays={workflows.ApiKeyKind.KAFKA: 0.0}),
            lease=rotation.EMULATOR_LEASE,  # what the script itself uses on the emulator
        )
        out = io.StringIO()
        rotation.report(summary, handover, out)
        assert out.getvalue().count("replaced ") == 2
        new_ids = {r.new_key_id for r in summary.results}
        remaining = {k.id: k for k in api.iter_iam_v2_api_keys()}
        assert set(remaining) == new_ids | fresh | others and {r.old_key_id for r in summary.results} == old
        for new_id in new_ids:
            spec = remaining[new_id].spec
            assert spec is not None and spec.owner is not None and spec.resource is not None
            assert (spec.owner.id, spec.resource.id) == ("sa-rot", "lkc-a")
        assert {e["api_key"] for e in json.loads((tmp_path / "secrets.json").read_text())} == new_ids


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--owner", "sa-x", "--older-than-days", "-1"], "older-than-days"),
        (["--owner", "sa-x", "--workers", "0"], "workers"),
        (["--owner", "sa-x"], "secrets-file"),
        (["--dry-run"], "--all"),
        (["--older-than-days", "30", "--secrets-file", "s.json"], "--owner"),
        (["--all", "--owner", "sa-x", "--dry-run"], "--all cannot"),
        (["--all", "--resource", "lkc-x", "--dry-run"], "--all cannot"),
    ],
)
def test_rotation_refuses_bad_arguments(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The script's own main(), in this process: the checks are the same as on a command line
    # (test_rotation_script_dry_run_and_real_run runs it as one), without an interpreter each.
    without_credentials(monkeypatch)
    rotation = load_rotation()
    with pytest.raises(SystemExit) as exited:
        rotation.main(argv)
    assert exited.value.code == 2 and named in capsys.readouterr().err
