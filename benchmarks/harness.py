"""Timing helpers: every figure is a ratio against a floor measured in the same run.

Subject and floor are timed in alternating rounds and each keeps its best round, so a
burst of noise on a shared machine hits both and the ratio stays meaningful. Time is
process CPU time by default: on a busy machine, time spent waiting for a core is not
charged to either side.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Tuple

__all__ = ["Result", "Settings", "compare", "per_call"]

Clock = Callable[[], float]


@dataclass(frozen=True)
class Settings:
    """How long to measure: ``quick`` is the CI mode (a smoke test, figures are rough)."""

    quick: bool = False

    def rounds(self, full: int) -> int:
        return 2 if self.quick else full

    def scale(self, full: int) -> int:
        return max(1, full // 20) if self.quick else full


@dataclass
class Result:
    """One row of the table."""

    group: str
    case: str
    subject: float
    floor: float
    unit: str
    target: Optional[float]
    note: str = ""
    ratio: float = field(init=False)

    def __post_init__(self) -> None:
        self.ratio = self.subject / self.floor if self.floor else float("inf")

    @property
    def met(self) -> Optional[bool]:
        return None if self.target is None else self.ratio <= self.target


def per_call(fn: Callable[[], object], number: int, clock: Clock) -> float:
    """Seconds (by ``clock``) per call of ``fn`` over ``number`` calls, GC paused."""
    gc.collect()
    gc.disable()
    try:
        start = clock()
        for _ in range(number):
            fn()
        return (clock() - start) / number
    finally:
        gc.enable()


def compare(
    subject: Callable[[], object],
    floor: Callable[[], object],
    *,
    number: int,
    rounds: int,
    clock: Clock = time.process_time,
) -> Tuple[float, float]:
    """Best per-call time of ``subject`` and of ``floor`` over alternating rounds."""
    subject()
    floor()
    best_subject: List[float] = []
    best_floor: List[float] = []
    for index in range(rounds):
        # Alternate who goes first so neither always runs on a warmer cache.
        order = ((subject, best_subject), (floor, best_floor))
        for fn, sink in order if index % 2 == 0 else reversed(order):
            sink.append(per_call(fn, number, clock))
    return min(best_subject), min(best_floor)
