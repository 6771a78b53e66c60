"""What every async API class shares: its client."""

from __future__ import annotations

from typing import Optional

from openapi_client.aio.api_client import ApiClient


class BaseApi:
    """An async API class: a set of operations sent through one :class:`~openapi_client.aio.ApiClient`."""

    def __init__(self, api_client: Optional[ApiClient] = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient.get_default()
