"""3. ``import openapi_client`` in a fresh interpreter, against ``import urllib3; from pydantic import BaseModel``.

Each sample is a new interpreter timing only its import statement, in CPU time
(interpreter start-up is the same for both and left out). Bytecode caching is switched on and primed first, as
it is for an installed package; the best of N samples is kept.

:func:`best_import_ms` takes the interpreter to time: ``./dev bench`` times this checkout's
editable install (``sys.executable``), ``tools/check_dist.py`` the wheel installed in a fresh
virtual environment, with the same statements and floor.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Dict, List, Mapping, Optional, Sequence

from benchmarks.harness import Result, Settings

__all__ = ["FLOOR", "ROUNDS", "SDK_IN_USE", "TARGET", "best_import_ms", "run", "with_bytecode"]

TARGET = 1.3
# Fresh interpreters per statement in a full run (the best one counts).
ROUNDS = 15
SDK = "import openapi_client"
# What a program that makes a call loads before its first call: the client and both API classes
# (models load when an operation first uses them).
SDK_IN_USE = "from openapi_client import ApiClient, ByokKeysApi, IamApiKeysApi"
# What any client built on urllib3 and pydantic models loads (issue 13 §6): `import pydantic`
# alone is lazy and leaves out BaseModel and the schema machinery.
FLOOR = "import urllib3; from pydantic import BaseModel"
# The floor plus what defining models with fields, secrets and root models loads.
MODEL_FLOOR = "import urllib3; from pydantic import BaseModel, Field, SecretStr, RootModel"


def with_bytecode(env: Mapping[str, str]) -> Dict[str, str]:
    """``env`` with bytecode caching on: an environment that sets ``PYTHONDONTWRITEBYTECODE``
    (this one does) would otherwise recompile the SDK on every start and about double its figure."""
    return {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _import_ms(statement: str, python: str, env: Mapping[str, str], cwd: Optional[str]) -> float:
    program = f"import time; t = time.process_time(); {statement}; print((time.process_time() - t) * 1e3)"
    out = subprocess.run([python, "-c", program], env=env, cwd=cwd, capture_output=True, text=True, check=True)
    return float(out.stdout)


def best_import_ms(
    statements: Sequence[str],
    rounds: int,
    python: str = sys.executable,
    env: Optional[Mapping[str, str]] = None,
    cwd: Optional[str] = None,
) -> Dict[str, float]:
    """The best CPU milliseconds of each statement over ``rounds`` fresh interpreters of ``python``
    (run in ``cwd``, with ``env``, bytecode caching on), the statements taking turns each round
    after one priming run each (which writes their bytecode)."""
    env = with_bytecode(os.environ if env is None else env)
    for statement in statements:
        _import_ms(statement, python, env, cwd)
    samples: Dict[str, List[float]] = {statement: [] for statement in statements}
    for _ in range(rounds):
        for statement in statements:
            samples[statement].append(_import_ms(statement, python, env, cwd))
    return {statement: min(values) for statement, values in samples.items()}


def run(settings: Settings) -> List[Result]:
    best = best_import_ms((SDK, SDK_IN_USE, FLOOR, MODEL_FLOOR), settings.rounds(ROUNDS))
    return [
        Result("import", "import openapi_client", best[SDK], best[FLOOR], "ms", TARGET, "floor: " + FLOOR),
        Result(
            "import",
            "import ApiClient + both API classes",
            best[SDK_IN_USE],
            best[FLOOR],
            "ms",
            TARGET,
            "everything a call needs; floor: " + FLOOR,
        ),
        Result(
            "import",
            "import ApiClient + both API classes (vs pydantic models floor)",
            best[SDK_IN_USE],
            best[MODEL_FLOOR],
            "ms",
            None,
            "floor also imports Field, SecretStr, RootModel",
        ),
    ]
