"""The real openapi-generator Python client, built on demand from Confluent's official document.

Issue 13 compares the SDK with "the openapi-generator client on the same call". This module
builds that client the way a user would: openapi-generator's default ``python`` generator
(pydantic v2, urllib3) run over ``spec/confluent-cloud-official-iam-byok.openapi.yaml`` (the
copy the repository carries).
Nothing is added to the project's dependencies:

* the generator is the ``openapi-generator-cli`` wheel (it bundles the jar), installed with
  ``pip install --target`` into ``.bench-cache/generated-client/tools-<version>/`` together
  with ``python-dateutil``, which the generated client imports;
* the client is generated as the package ``confluent_generated`` into
  ``.bench-cache/generated-client/<version>-<spec hash>/`` and imported from there by
  appending that folder to ``sys.path``.

Both are built once and reused; each build goes to a temporary folder renamed into place
when complete, so an interrupted build is never taken for a finished one. When Java, the
wheel (no network) or the build is missing, ``load`` says why instead of
raising, and the benchmark falls back to the stand-in (``generated_style.py``).
"""

from __future__ import annotations

import hashlib
import importlib
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Dict, List, Optional, Union

from tools.build_openapi import OFFICIAL_SPEC, official_document

__all__ = ["GENERATOR_VERSION", "GeneratedClient", "configured_api", "dropped_fields", "load"]

GENERATOR_VERSION = "7.10.0"
PACKAGE = "confluent_generated"
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench-cache" / "generated-client"
TOOL_REQUIREMENTS = (f"openapi-generator-cli=={GENERATOR_VERSION}", "python-dateutil==2.9.0.post0")
# Ceilings for a build on a slow or offline machine (CI runs the bench from an empty cache):
# past them the stand-in is used. Here the install takes under a second from pip's cache and
# the generator ~2 s.
INSTALL_TIMEOUT = 60.0
GENERATE_TIMEOUT = 60.0


@dataclass(frozen=True)
class GeneratedClient:
    """The imported generated package and how it was obtained."""

    package: ModuleType
    built_in: Optional[float]  # seconds spent installing and generating; None when cached

    def describe(self) -> str:
        how = "cached" if self.built_in is None else f"built in {self.built_in:.1f} s"
        return f"openapi-generator {GENERATOR_VERSION} python client (urllib3) from {OFFICIAL_SPEC}, {how}"


def load() -> Union[GeneratedClient, str]:
    """The generated client, built if needed, or the reason it cannot be had."""
    spec = official_document()
    java = shutil.which("java")
    if java is None:
        return "no java on PATH"
    started = time.perf_counter()
    built = False
    tools = CACHE / f"tools-{GENERATOR_VERSION}"
    client = CACHE / f"{GENERATOR_VERSION}-{hashlib.sha256(spec.read_bytes()).hexdigest()[:16]}"
    try:
        if not tools.is_dir():
            _build(tools, _install_tools)
            built = True
        if not client.is_dir():
            _build(client, lambda work: _generate(java, tools, spec, work))
            built = True
    except _Unavailable as reason:
        return str(reason)
    for folder in (str(client), str(tools)):
        if folder not in sys.path:
            # Appended, not prepended: nothing in the cache may shadow the project's modules.
            sys.path.append(folder)
    try:
        package = importlib.import_module(PACKAGE)
    except ImportError as error:
        return f"the generated client does not import: {error}"
    return GeneratedClient(package, time.perf_counter() - started if built else None)


class _Unavailable(Exception):
    """A build step failed; the message says which and why."""


def _build(target: Path, make: Callable[[Path], None]) -> None:
    """Run ``make(folder)`` in a temporary folder, then move the folder to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        make(work)
        try:
            work.rename(target)
        except OSError:
            if not target.is_dir():  # another run finished the same build first: use that one
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(command: List[str], timeout: float, what: str) -> None:
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise _Unavailable(f"{what} took more than {timeout:.0f} s") from None
    except OSError as error:
        raise _Unavailable(f"{what} could not start: {error}") from None
    if finished.returncode != 0:
        lines = (finished.stderr or finished.stdout).strip().splitlines()
        raise _Unavailable(f"{what} failed: {lines[-1] if lines else f'exit status {finished.returncode}'}")


def _install_tools(folder: Path) -> None:
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input"]
    # One retry and a short socket timeout: offline, pip gives up in seconds, not minutes.
    options = ["--retries", "1", "--timeout", "15", "--target", str(folder)]
    _run([*pip, *options, *TOOL_REQUIREMENTS], INSTALL_TIMEOUT, f"pip install {' '.join(TOOL_REQUIREMENTS)}")


def _generate(java: str, tools: Path, spec: Path, folder: Path) -> None:
    jar = tools / "openapi_generator_cli" / "openapi-generator.jar"
    output = folder / "output"
    command = [
        java,
        "-jar",
        str(jar),
        "generate",
        "--generator-name",
        "python",
        "--input-spec",
        str(spec),
        "--output",
        str(output),
        "--package-name",
        PACKAGE,
        "--additional-properties",
        "library=urllib3",
        # The package only: no docs, no tests, no setup files.
        "--global-property",
        "apiDocs=false,modelDocs=false,apiTests=false,modelTests=false",
    ]
    _run(command, GENERATE_TIMEOUT, "openapi-generator")
    # Keep only the package, so the folder put on sys.path holds nothing else importable.
    (output / PACKAGE).rename(folder / PACKAGE)
    shutil.rmtree(output)


def dropped_fields(sent: Any, decoded: Any, path: str = "") -> List[str]:
    """JSON paths present in ``sent`` and absent from ``decoded``; raises if a kept value differs.

    ``decoded`` is the generated model dumped as JSON data without ``None`` values: a
    generated client keeps only the fields its models declare, so it may drop some of what
    was sent, but whatever it keeps must be what was sent.
    """
    if isinstance(sent, dict) and isinstance(decoded, dict):
        extra = set(decoded) - set(sent)
        if extra:
            raise AssertionError(f"{path or 'the body'}: decoded fields that were not sent: {sorted(extra)}")
        dropped: List[str] = []
        for name, value in sent.items():
            inner = f"{path}.{name}" if path else name
            if name in decoded:
                dropped += dropped_fields(value, decoded[name], inner)
            elif value is not None:
                dropped.append(inner)
        return dropped
    if isinstance(sent, list) and isinstance(decoded, list) and len(sent) == len(decoded):
        found: Dict[str, None] = {}
        for sent_item, decoded_item in zip(sent, decoded):
            found.update(dict.fromkeys(dropped_fields(sent_item, decoded_item, f"{path}[]")))
        return list(found)
    if sent != decoded:
        raise AssertionError(f"{path}: sent {sent!r}, decoded {decoded!r}")
    return []


def configured_api(client: GeneratedClient, host: str, username: str, password: str) -> Any:
    """The generated API-keys class on a client configured like the SDK's: host, HTTP Basic."""
    package = client.package
    configuration = package.Configuration(host=host, username=username, password=password)
    return package.APIKeysIamV2Api(package.ApiClient(configuration))
