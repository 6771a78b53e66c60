"""Reading the seconds-to-wait headers (``Retry-After``, ``X-RateLimit-Reset``) defensively (no I/O)."""

from __future__ import annotations

import math
import time
from typing import Callable, Optional

__all__ = ["looks_numeric", "relative_seconds"]

# Values above this many seconds in a relative header are clock times (epoch seconds) sent by
# mistake; ten years is far beyond any rate-limit window.
_EPOCH_LOOKING = 10 * 365 * 24 * 3600.0


def relative_seconds(value: str, now: Callable[[], float] = time.time) -> Optional[float]:
    """Seconds from now that a header value means, or ``None`` when it means nothing usable.

    Confluent sends relative seconds; a value too large for that (over ten years) is read as
    a clock time in epoch seconds, as some gateways send, and converted against ``now`` (the
    wall clock, epoch seconds; tests pass a fake one). Not a plain decimal
    number (``nan``, ``inf``, ``1e9``, garbage), negative, or a clock time in the past:
    ``None``."""
    text = value.strip()
    if not looks_numeric(text):
        return None
    try:
        seconds = float(text)
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    if seconds > _EPOCH_LOOKING:
        seconds -= now()
        return seconds if seconds > 0 else None
    return seconds


def looks_numeric(text: str) -> bool:
    # ASCII digits, one dot, an optional sign; rules out "nan", "inf", "1e9", "²" and "1_0".
    text = text.strip()
    if text[:1] in "+-":
        text = text[1:]
    return bool(text) and text.count(".") <= 1 and all(c in "0123456789." for c in text) and text != "."
