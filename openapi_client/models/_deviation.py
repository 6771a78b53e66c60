"""Deviation: one place where an answer breaks the API document.

A plain value (no pydantic model), so that naming it costs nothing before the first call.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Deviation"]


class Deviation(NamedTuple):
    """Where an answer breaks the API document, and how; never the value itself.

    ``path`` is the JSON path of the field (``data[3].validation``, ``spec.owner``), relative
    to the model that reports it; ``problem`` is the kind of break (``missing``,
    ``model_type``, ``string_type``, ``timestamp_format``, ...: pydantic's error types);
    ``message`` says it in words, without the value.
    """

    path: str
    problem: str
    message: str

    def under(self, prefix: str) -> Deviation:
        """The same deviation seen from ``prefix``'s parent (``validation`` under ``data[3]``)."""
        if not self.path:
            return self._replace(path=prefix)
        joined = f"{prefix}{self.path}" if self.path.startswith("[") else f"{prefix}.{self.path}"
        return self._replace(path=joined)
