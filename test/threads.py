"""Running one task in many threads at once, for the tests of single-flight and thread safety."""

from __future__ import annotations

import threading
from typing import Callable, List, Tuple, TypeVar

T = TypeVar("T")


def all_at_once(count: int, task: Callable[[], T]) -> Tuple[List[T], List[BaseException]]:
    """Run ``task`` in ``count`` threads released together; what they returned, and what
    they raised."""
    start = threading.Barrier(count)
    results: List[T] = []
    errors: List[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            results.append(task())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
