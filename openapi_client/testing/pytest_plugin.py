"""pytest fixtures for users of openapi_client (registered through the pytest11 entry point).

pytest loads this module in every session of every project that has openapi_client
installed, so it imports nothing heavy up front: the emulator is imported when a test
first asks for the fixture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from openapi_client.configuration import Configuration
    from openapi_client.testing.emulator import FakeConfluentCloud


@pytest.fixture
def fake_confluent_cloud() -> Iterator[FakeConfluentCloud]:
    """A freshly started, empty Confluent Cloud emulator, stopped after the test.

    ``fake_confluent_cloud.api_client()`` gives an ``ApiClient`` already pointing at it.
    """
    from openapi_client.testing.emulator import FakeConfluentCloud

    with FakeConfluentCloud() as cloud:
        yield cloud


@pytest.fixture
def fake_confluent_cloud_oauth(fake_confluent_cloud: FakeConfluentCloud) -> Configuration:
    """A ``Configuration`` for the ``fake_confluent_cloud`` emulator that authenticates with OAuth.

    Tokens come from the emulator's identity provider and STS exchange, so a test can also
    shorten their life (``fake_confluent_cloud.token_lifetime``) or revoke them.
    """
    return fake_confluent_cloud.oauth_configuration()
