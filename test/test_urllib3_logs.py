"""What urllib3's own logger says about our requests, and the filter that hides query strings."""

from __future__ import annotations

import logging
from typing import Iterator, List

import pytest

import openapi_client
from openapi_client.log_filters import URLLIB3_LOGGER, HideQueryStrings, hide_urllib3_query_strings
from openapi_client.testing import FakeConfluentCloud


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def urllib3_lines() -> Iterator[List[str]]:
    logger = logging.getLogger(URLLIB3_LOGGER)
    collect, level, filters = _Collect(), logger.level, list(logger.filters)
    logger.filters[:] = [f for f in filters if not isinstance(f, HideQueryStrings)]  # e.g. from a docs example
    logger.addHandler(collect)
    logger.setLevel(logging.DEBUG)
    try:
        yield collect.lines
    finally:
        logger.removeHandler(collect)
        logger.setLevel(level)
        logger.filters[:] = filters


def _list_with_a_filter(cloud: FakeConfluentCloud) -> None:
    with openapi_client.ApiClient(cloud.configuration()) as api_client:
        openapi_client.IamApiKeysApi(api_client).list_iam_v2_api_keys(spec_owner="sa-confidential1")


def test_urllib3_debug_logs_the_query_string_as_the_docs_say(
    cloud: FakeConfluentCloud, urllib3_lines: List[str]
) -> None:
    _list_with_a_filter(cloud)
    assert any("spec.owner=sa-confidential1" in line for line in urllib3_lines), urllib3_lines


def test_the_filter_hides_query_strings_and_keeps_the_rest(cloud: FakeConfluentCloud, urllib3_lines: List[str]) -> None:
    hide_urllib3_query_strings()
    hide_urllib3_query_strings()  # idempotent
    assert sum(isinstance(f, HideQueryStrings) for f in logging.getLogger(URLLIB3_LOGGER).filters) == 1
    _list_with_a_filter(cloud)
    request_lines = [line for line in urllib3_lines if '"GET /iam/v2/api-keys' in line]
    assert request_lines and all("?<query hidden>" in line and " 200 " in line for line in request_lines)
    assert not any("sa-confidential1" in line for line in urllib3_lines)


def test_the_filter_leaves_records_without_urls_alone() -> None:
    record = logging.LogRecord(URLLIB3_LOGGER, logging.DEBUG, __file__, 1, "n=%d host=%s", (3, "a?b"), None)
    assert HideQueryStrings().filter(record) and record.getMessage() == "n=3 host=a?b"
