"""The call's plan, by the path the docs name: the module is :mod:`openapi_client._call`
(internal, like the rest of the request core)."""

from openapi_client._call import (
    CallFactory as CallFactory,
    CallPlan as CallPlan,
    RawResponse as RawResponse,
    SendFailure as SendFailure,
    origin_of as origin_of,
    socket_timeouts as socket_timeouts,
)

__all__ = ["CallFactory", "CallPlan", "RawResponse", "SendFailure", "origin_of", "socket_timeouts"]
