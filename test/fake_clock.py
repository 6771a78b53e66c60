"""A clock for the I/O-free core's tests: time moves only when a test or a sleep moves it."""

from __future__ import annotations

import asyncio
from typing import List


class FakeClock:
    """Monotonic seconds (call it) that stand still until :meth:`advance` or :meth:`sleep`.

    ``sleep`` returns at once, having moved the clock by the seconds asked and recorded
    them in ``slept``, so a test of a minute-long schedule runs in microseconds and can
    assert every pause exactly. Starts at 0.0 so sums of binary fractions stay exact.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.slept: List[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, f"asked to sleep {seconds!r}s"
        self.slept.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)  # still a point where the task can be cancelled, as asyncio.sleep is
