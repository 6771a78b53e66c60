"""The oldest releases pyproject.toml allows, as pip constraints, so that they are tested.

    python tools/floors.py constraints       print ``name==floor`` for each runtime dependency
                                             and the asyncio extra (./dev floors feeds it to pip)
    python tools/floors.py check FILE        exit 1 unless exactly the versions FILE pins are
                                             installed (any Python: FILE is what constraints printed)

The floors are read from pyproject.toml's ``>=`` bounds, the one place they are written, so
the environment ``./dev floors`` tests cannot drift from what the package promises.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
FLOOR = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*>=\s*([0-9][0-9A-Za-z.]*)")


def _requirements() -> List[str]:
    """The runtime dependencies and the asyncio extra, as written in pyproject.toml."""
    import tomllib  # Python 3.11+, as the main environment has; ``check`` needs no TOML

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["asyncio"]]


def floors() -> Dict[str, str]:
    """Distribution name -> its lowest allowed version."""
    found: Dict[str, str] = {}
    for requirement in _requirements():
        match = FLOOR.match(requirement)
        if match is None:
            raise SystemExit(f"pyproject.toml: {requirement!r} has no '>=' floor")
        found[match.group(1)] = match.group(2)
    return found


def _same(installed: str, floor: str) -> bool:
    """Equal as release numbers (``2.11`` is ``2.11.0``)."""

    def release(version: str) -> List[int]:
        parts = [int(p) for p in re.findall(r"\d+", version.split("+")[0])]
        while parts and parts[-1] == 0:
            parts.pop()
        return parts

    return installed != "not installed" and release(installed) == release(floor)


def _installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def main(argv: List[str]) -> int:
    if argv == ["constraints"]:
        print("\n".join(f"{name}=={version}" for name, version in floors().items()))
        return 0
    if len(argv) == 2 and argv[0] == "check":
        pinned = dict(line.split("==", 1) for line in Path(argv[1]).read_text(encoding="utf-8").split())
        for name, floor in pinned.items():
            print(f"{name} {_installed(name)} (floor {floor})")
        return 0 if all(_same(_installed(name), floor) for name, floor in pinned.items()) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
