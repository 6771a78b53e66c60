"""``python -m benchmarks [--quick] [--only NAME ...] [--markdown]``: run the suite, print the table."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from importlib import metadata
from typing import Callable, Dict, List

from benchmarks import aio, calls, connections, imports, models, pagination, rotation
from benchmarks.harness import Result, Settings

SECTIONS: Dict[str, Callable[[Settings], List[Result]]] = {
    "models": models.run,
    "calls": calls.run,
    "import": imports.run,
    "pagination": pagination.run,
    "connections": connections.run,
    "rotation": rotation.run,
    "aio": aio.run,
}


def machine() -> str:
    """One line naming what the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("pydantic", "pydantic-core", "urllib3"))
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {versions}"
    )


def _verdict(result: Result, quick: bool) -> str:
    if result.met is None:
        return "(info)"
    if quick and result.unit not in ("KiB", "conns"):
        # A few iterations only: timings are too rough to judge a target.
        return "(quick)"
    return "met" if result.met else "NOT MET"


def _row(result: Result, quick: bool = False) -> List[str]:
    target = "" if result.target is None else f"<= {result.target:g}x"
    return [
        result.group,
        result.case,
        f"{result.subject:,.1f} {result.unit}",
        f"{result.floor:,.1f} {result.unit}",
        f"{result.ratio:.2f}x",
        target,
        _verdict(result, quick),
    ]


HEADER = ["group", "case", "SDK", "floor", "ratio", "target", ""]


def render_text(results: List[Result], quick: bool = False) -> str:
    rows = [HEADER] + [_row(r, quick) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def render_markdown(results: List[Result], quick: bool = False) -> str:
    lines = ["| " + " | ".join([*HEADER[:-1], "verdict"]) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(_row(r, quick)) + " |" for r in results]
    return "\n".join(lines)


def render_notes(results: List[Result]) -> str:
    """What a row's floor is, where the table has no room for it (one line per row that has a note)."""
    return "\n".join(f"* {r.group} / {r.case}: {r.note}" for r in results if r.note)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few iterations: a smoke run for CI, rough figures")
    parser.add_argument("--only", nargs="+", choices=sorted(SECTIONS), help="run only these sections")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    settings = Settings(quick=args.quick)
    print(machine(), flush=True)
    results: List[Result] = []
    started = time.perf_counter()
    for name in args.only or list(SECTIONS):
        section_started = time.perf_counter()
        results.extend(SECTIONS[name](settings))
        print(f"  {name}: {time.perf_counter() - section_started:.1f} s", file=sys.stderr, flush=True)
    print(render_markdown(results, args.quick) if args.markdown else render_text(results, args.quick))
    notes = render_notes(results)
    if notes:
        print(f"\n{notes}\n")
    print(f"{len(results)} figures in {time.perf_counter() - started:.0f} s{' (quick mode)' if args.quick else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
