"""pytest fixtures for users of openapi_client (registered through the pytest11 entry point).

pytest loads this module in every session of every project that has openapi_client
installed, so it imports nothing heavy up front: the emulator is imported when a test
first asks for the fixture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from openapi_client.testing.emulator import FakeConfluentCloud


@pytest.fixture
def fake_confluent_cloud() -> Iterator[FakeConfluentCloud]:
    """A freshly started, empty Confluent Cloud emulator, stopped after the test.

    ``fake_confluent_cloud.api_client()`` gives an ``ApiClient`` already pointing at it.
    """
    from openapi_client.testing.emulator import FakeConfluentCloud

    with FakeConfluentCloud() as cloud:
        yield cloud
