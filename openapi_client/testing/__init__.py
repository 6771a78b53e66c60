"""Test support: an in-memory Confluent Cloud emulator served over loopback HTTP.

``FakeConfluentCloud`` speaks the iam/v2 API keys and byok/v1 keys endpoints on
127.0.0.1 so that code using this SDK can be tested without a real organization. The
names are loaded on first use, which keeps ``import openapi_client.testing`` (and the
pytest plugin that lives in it) cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openapi_client.testing._recording import RecordedRequest
    from openapi_client.testing.emulator import FakeConfluentCloud

__all__ = ["FakeConfluentCloud", "RecordedRequest"]


def __getattr__(name: str) -> Any:
    if name == "FakeConfluentCloud":
        from openapi_client.testing.emulator import FakeConfluentCloud

        return FakeConfluentCloud
    if name == "RecordedRequest":
        from openapi_client.testing._recording import RecordedRequest

        return RecordedRequest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
