"""Build the sdist and the wheel, check them, install the wheel as a user would, run the quickstart.

    python tools/check_dist.py         (./dev dist; .ci/run runs it)

1. ``python -m build``: the sdist, then the wheel built from that sdist (so a file the sdist
   forgets breaks the wheel here, not on a user's machine), into ``build/dist/``;
2. ``twine check --strict``: the metadata and the README render as PyPI would show them;
3. the wheel's contents: the package with ``py.typed`` and ``openapi.json``, nothing from
   ``test/``, ``tools/``, ``benchmarks/``, ``spec/``; its name and version are pyproject's name
   and ``openapi_client.__version__``;
4. a fresh virtual environment with the wheel and its ``asyncio`` extra (not editable), and
   ``examples/quickstart.py`` run by it from an empty temporary folder, after checking that
   ``openapi_client`` and ``openapi_client.aio`` are imported from that environment, not from
   this checkout;
5. what importing the client and both API classes costs from that install, against the import
   benchmark's floor timed by the same interpreter in the same run (``benchmarks/imports.py``:
   its statements, its rounds, its best-of rule). The ratio is printed, not checked: one timing
   on a CI machine is no verdict, and ``./dev bench`` is where targets are judged.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
import zipfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the import benchmark, benchmarks/imports.py

from benchmarks.imports import FLOOR, ROUNDS, SDK_IN_USE, TARGET, best_import_ms

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "build" / "dist"
QUICKSTART = ROOT / "examples" / "quickstart.py"
# Environment variables that would point the quickstart at a real service.
CREDENTIALS = ("CONFLUENT_CLOUD_API_KEY", "CONFLUENT_CLOUD_API_SECRET", "CONFLUENT_CLOUD_HOST")

# Run by the installed interpreter: where the package comes from, then the quickstart itself.
FROM_THE_WHEEL = """
import runpy, sys, sysconfig
from pathlib import Path
import openapi_client, openapi_client.aio
installed = Path(sysconfig.get_paths()["purelib"]).resolve()
for module in (openapi_client, openapi_client.aio):
    origin = Path(module.__file__).resolve()
    assert installed in origin.parents, f"{module.__name__} comes from {origin}, not the wheel in {installed}"
print(f"== openapi_client {openapi_client.__version__} from {Path(openapi_client.__file__).parent}", flush=True)
sys.argv = [sys.argv[1]]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run(command: List[str], cwd: Optional[Path] = None, env: Optional[Dict[str, str]] = None) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=cwd, env=env)


def project() -> Tuple[str, str]:
    """(distribution name as wheels spell it, version) from pyproject.toml and __init__.py."""
    name = next(
        line.split("=", 1)[1].strip().strip('"')
        for line in (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines()
        if line.startswith("name = ")
    )
    tree = ast.parse((ROOT / "openapi_client" / "__init__.py").read_text(encoding="utf-8"))
    version = next(
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets)
        and isinstance(node.value, ast.Constant)
    )
    return name.replace("-", "_"), str(version)


def check_wheel(wheel: Path, name: str, version: str) -> None:
    assert wheel.name.startswith(f"{name}-{version}-"), f"{wheel.name}: expected {name} {version}"
    with zipfile.ZipFile(wheel) as archive:
        files = archive.namelist()
        metadata = archive.read(f"{name}-{version}.dist-info/METADATA").decode()
    for required in ("openapi_client/py.typed", "openapi_client/openapi.json", "openapi_client/aio/__init__.py"):
        assert required in files, f"{wheel.name} lacks {required}"
    strays = sorted({f.split("/")[0] for f in files} - {"openapi_client", f"{name}-{version}.dist-info"})
    assert not strays, f"{wheel.name} carries {strays}"
    assert "Provides-Extra: asyncio" in metadata, "the asyncio extra is missing from the metadata"


# Run by the installed interpreter: the versions the floor is made of there.
FLOOR_VERSIONS = """
from importlib.metadata import version
print(", ".join(f"{name} {version(name)}" for name in ("pydantic", "pydantic-core", "urllib3")))
"""


def import_ratio(python: str, env: Dict[str, str], cwd: Path) -> float:
    """Time the import benchmark's "client and both API classes" row with ``python`` (the
    wheel's environment), print it and return its ratio to the floor."""
    print(f"$ {python} -c <{SDK_IN_USE!r} and the floor, {ROUNDS} fresh interpreters each>", flush=True)
    best = best_import_ms((SDK_IN_USE, FLOOR), ROUNDS, python, env, str(cwd))
    ratio = best[SDK_IN_USE] / best[FLOOR]
    versions = subprocess.run([python, "-c", FLOOR_VERSIONS], check=True, capture_output=True, text=True).stdout
    print(
        f"== import from the wheel: {SDK_IN_USE!r} {best[SDK_IN_USE]:.1f} ms CPU, "
        f"floor {FLOOR!r} {best[FLOOR]:.1f} ms ({versions.strip()}): {ratio:.2f}x "
        f"(benchmark target <= {TARGET:g}x; printed, not checked)",
        flush=True,
    )
    return ratio


def main() -> int:
    started = time.perf_counter()
    name, version = project()
    shutil.rmtree(DIST, ignore_errors=True)
    run([sys.executable, "-m", "build", "--outdir", str(DIST), str(ROOT)])
    (sdist,) = DIST.glob("*.tar.gz")
    (wheel,) = DIST.glob("*.whl")
    run([sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)])
    check_wheel(wheel, name, version)
    with tempfile.TemporaryDirectory(prefix="wheel-check-") as work:
        environment = Path(work) / "venv"
        venv.create(environment, with_pip=True)
        python = str(environment / "bin" / "python")
        quiet = ["--quiet", "--disable-pip-version-check"]
        run([python, "-m", "pip", "install", *quiet, f"{wheel}[asyncio]"])
        clean = {k: v for k, v in os.environ.items() if k not in CREDENTIALS and k != "PYTHONPATH"}
        empty = Path(work) / "elsewhere"
        empty.mkdir()
        run([python, "-c", FROM_THE_WHEEL, str(QUICKSTART)], cwd=empty, env=clean)
        import_ratio(python, clean, empty)
    elapsed = time.perf_counter() - started
    print(f"== {sdist.name} and {wheel.name}: built, checked, installed and run in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
