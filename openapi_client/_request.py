"""Request: one call's request as the client built it, the value a transport sends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, NamedTuple, Optional

from openapi_client._call import CallPlan

if TYPE_CHECKING:
    from openapi_client.credentials import CredentialProvider

__all__ = ["Request"]


class Request(NamedTuple):
    """One call's request, built once (``BaseApiClient.build``) and handed to the transport
    as it is: what goes on the wire, the credential it carries (``None``: none, or one given
    for this call only) and the call's :class:`CallPlan` (deadline, timeouts, retries)."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: Optional[bytes]
    credential: Optional[CredentialProvider]
    plan: CallPlan

    def with_authorization(self, authorization: str) -> Request:
        """The same request with another ``Authorization`` value (the resend after a 401)."""
        return self._replace(headers={**self.headers, "Authorization": authorization})
