"""Kept so imports written before the rename still work: the vocabulary of operation
descriptions now lives in :mod:`openapi_client._operation_types`, and the per-call options are
:class:`openapi_client.RequestOptions`."""

from openapi_client._operation_types import *  # noqa: F403
from openapi_client._operation_types import __all__ as __all__
