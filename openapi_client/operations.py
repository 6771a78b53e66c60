"""Kept so imports written before the rename still work: every operation is described in
:mod:`openapi_client._descriptions`."""

from openapi_client._descriptions import *  # noqa: F403
from openapi_client._descriptions import __all__ as __all__
