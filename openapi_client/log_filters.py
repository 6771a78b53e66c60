"""An opt-in filter for urllib3's own log lines, which carry request query strings.

The SDK's logger (``openapi_client``) never writes a query string. urllib3, which sends the
requests, logs on ``urllib3.connectionpool`` under its own rules: at DEBUG the request line
(``"GET /iam/v2/api-keys?spec.owner=sa-123 HTTP/1.1" 200``), at WARNING a retried URL. The
SDK leaves that logger alone, since other code in the process uses urllib3 too; this filter
cuts the query off those lines for whoever wants it:

    from openapi_client.log_filters import hide_urllib3_query_strings

    hide_urllib3_query_strings()
"""

from __future__ import annotations

import logging

__all__ = ["HideQueryStrings", "hide_urllib3_query_strings", "URLLIB3_LOGGER"]

URLLIB3_LOGGER = "urllib3.connectionpool"
HIDDEN = "?<query hidden>"


class HideQueryStrings(logging.Filter):
    """Replaces the query string of every URL or request target among a record's arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(_has_query(arg) for arg in record.args):
            record.args = tuple(_without_query(arg) for arg in record.args)
        return True


def hide_urllib3_query_strings() -> None:
    """Add :class:`HideQueryStrings` to urllib3's connection pool logger (once)."""
    logger = logging.getLogger(URLLIB3_LOGGER)
    if not any(isinstance(existing, HideQueryStrings) for existing in logger.filters):
        logger.addFilter(HideQueryStrings())


def _has_query(arg: object) -> bool:
    return isinstance(arg, str) and "?" in arg and arg.startswith(("/", "http://", "https://"))


def _without_query(arg: object) -> object:
    return arg.split("?", 1)[0] + HIDDEN if isinstance(arg, str) and _has_query(arg) else arg
