"""Type-check the code users write with the SDK, under mypy --strict and pyright strict.

Checked: every ```python block of README.md and docs/*.md (each block a module of its own,
as a user would paste it), examples/*.py, and the user scripts of test/typing/. Both type
checkers run as a user's would: no pydantic mypy plugin, the oldest Python each can target.

    python tools/typecheck.py            # both checkers
    python tools/typecheck.py mypy       # one of them
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "typecheck"
CORPUS = ROOT / "test" / "typing"
MUST_FAIL = CORPUS / "must_fail"
PYTHON_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
PYTHON_VERSION = "3.9"


def pages() -> List[Path]:
    return [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]


def extract_blocks() -> List[Path]:
    """Write each documentation block to build/typecheck/docs as a module; return their paths."""
    target = BUILD / "docs"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    written = []
    for page in pages():
        for index, code in enumerate(PYTHON_BLOCK.findall(page.read_text(encoding="utf-8")), start=1):
            module = target / f"{page.stem.lower()}_block_{index}.py"
            module.write_text(f"# {page.relative_to(ROOT)}, python block {index}\n{code}", encoding="utf-8")
            written.append(module)
    return written


def user_files() -> List[Path]:
    """What a user would write: docs blocks, examples, the corpus (not its must_fail folder)."""
    scripts = [*sorted((ROOT / "examples").glob("*.py")), *sorted(CORPUS.glob("*.py"))]
    return [*extract_blocks(), *scripts]


ESCAPE_HATCH = re.compile(r"\bassert\b.*\bis not None\b|\bcast\(|#\s*type:\s*ignore|#\s*pyright:\s*ignore")


def check_escape_hatches(files: List[Path]) -> int:
    """Code that silences a type checker must say why on the same line: the SDK's types are
    meant to make ``assert x is not None``, ``cast`` and ``type: ignore`` unnecessary wherever
    the API document guarantees a value."""
    found = 0
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code, _, comment = line.partition("  # ")
            if ESCAPE_HATCH.search(code) and not comment.strip(" #"):
                print(f"{path.relative_to(ROOT)}:{number}: silences a type checker, saying not why: {line.strip()}")
                found += 1
    return 1 if found else 0


def expected_errors(path: Path) -> List[int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, start=1) if line.rstrip().endswith("# expect-error")]


def check_must_fail(checker: str, output: str) -> int:
    """Each ``expect-error`` line of test/typing/must_fail is reported by the checker, and nothing else."""
    failed = 0
    for path in sorted(MUST_FAIL.glob("*.py")):
        reported = {int(n) for n in re.findall(rf"{re.escape(path.name)}:(\d+):\d*:? ?-? ?error", output)}
        expected = set(expected_errors(path))
        for line in sorted(expected - reported):
            print(f"{path.relative_to(ROOT)}:{line}: {checker} accepted a mistake it must refuse")
            failed = 1
        for line in sorted(reported - expected):
            print(f"{path.relative_to(ROOT)}:{line}: {checker} reports an error on a line with no expect-error")
            failed = 1
    return failed


def run(command: List[str], quiet: bool) -> Tuple[int, str]:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if not quiet:
        print(result.stdout + result.stderr, end="", flush=True)
    return result.returncode, result.stdout


def run_mypy(files: List[Path], quiet: bool = False) -> Tuple[int, str]:
    config = BUILD / "mypy.ini"
    # 3.10: the oldest version mypy can target; pyright checks against 3.9, the SDK's oldest.
    config.write_text(
        "[mypy]\nstrict = True\npython_version = 3.10\nwarn_unused_ignores = True\n"
        f"mypy_path = {CORPUS}\n"  # the corpus scripts import one another, as scripts of a folder do
    )
    command = [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir", str(BUILD / "mypy_cache")]
    # Each docs block is a script of its own: check them one module per name, not as a package.
    command += ["--explicit-package-bases", *map(str, files)]
    return run(command, quiet)


def run_pyright(files: List[Path], quiet: bool = False) -> Tuple[int, str]:
    config = BUILD / "pyrightconfig.json"
    config.write_text(
        json.dumps(
            {
                "include": [os.path.relpath(f, BUILD) for f in files],
                "typeCheckingMode": "strict",
                "pythonVersion": PYTHON_VERSION,
                # the package as a user's environment has it (an editable install hides it from pyright)
                "extraPaths": [os.path.relpath(ROOT, BUILD), os.path.relpath(CORPUS, BUILD)],
            }
        )
    )
    pyright = Path(sys.executable).with_name("pyright")
    command = [str(pyright) if pyright.exists() else "pyright", "--pythonpath", sys.executable, "-p", str(config)]
    return run(command, quiet)


def main(argv: List[str]) -> int:
    checkers = argv or ["mypy", "pyright"]
    unknown = set(checkers) - {"mypy", "pyright"}
    if unknown:
        print(__doc__, file=sys.stderr)
        return 2
    BUILD.mkdir(parents=True, exist_ok=True)
    files = user_files()
    must_fail = sorted(MUST_FAIL.glob("*.py"))
    failed = check_escape_hatches(files)
    for name, checker in (("mypy", run_mypy), ("pyright", run_pyright)):
        if name in checkers:
            print(f"== {name} (strict): {len(files)} files; {len(must_fail)} file(s) of mistakes to refuse", flush=True)
            failed |= checker(files)[0]
            failed |= check_must_fail(name, checker(must_fail, True)[1])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
