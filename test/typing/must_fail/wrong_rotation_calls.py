"""Rotation mistakes the SDK's types must catch (the rules of this folder: mistakes.py)."""

from __future__ import annotations

import openapi_client
from openapi_client.workflows import KeyHandover, KeySelection, rotate_api_key


def rotation_mistakes(api_client: openapi_client.ApiClient) -> None:
    KeySelection(predicate=lambda key: key.spec.secret.get_secret_value() == "")  # expect-error

    def wrong_argument(new: int) -> None: ...

    def too_many(new: KeyHandover, extra: str, more: str) -> None: ...

    rotate_api_key(api_client, "KEY", handover=wrong_argument)  # expect-error
    rotate_api_key(api_client, "KEY", handover=too_many)  # expect-error
