"""3. ``import openapi_client`` in a fresh interpreter, against ``import urllib3; from pydantic import BaseModel``.

Each sample is a new interpreter timing only its import statement, in CPU time
(interpreter start-up is the same for both and left out). Bytecode caching is switched on and primed first, as
it is for an installed package; the best of N samples is kept.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Dict, List

from benchmarks.harness import Result, Settings

__all__ = ["run"]

TARGET = 1.3
SDK = "import openapi_client"
# What a program that makes a call loads before its first call: the client and both API classes
# (models load when an operation first uses them).
SDK_IN_USE = "from openapi_client import ApiClient, ByokKeysApi, IamApiKeysApi"
# What any client built on urllib3 and pydantic models loads (issue 13 §6): `import pydantic`
# alone is lazy and leaves out BaseModel and the schema machinery.
FLOOR = "import urllib3; from pydantic import BaseModel"
# The floor plus what defining models with fields, secrets and root models loads.
MODEL_FLOOR = "import urllib3; from pydantic import BaseModel, Field, SecretStr, RootModel"


def _import_ms(statement: str, env: Dict[str, str]) -> float:
    program = f"import time; t = time.process_time(); {statement}; print((time.process_time() - t) * 1e3)"
    out = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout)


def run(settings: Settings) -> List[Result]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    statements = (SDK, SDK_IN_USE, FLOOR, MODEL_FLOOR)
    for statement in statements:
        _import_ms(statement, env)
    samples: Dict[str, List[float]] = {statement: [] for statement in statements}
    for _ in range(settings.rounds(15)):
        for statement in statements:
            samples[statement].append(_import_ms(statement, env))
    best = {statement: min(values) for statement, values in samples.items()}
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
