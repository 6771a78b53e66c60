"""What "ready" means for each ``wait_for_*`` helper, written once for sync and async.

A :class:`Readiness` judges one read of an object: ready (return it), not yet (poll
again), or failed (raise). It does no I/O and no sleeping: the sync helpers poll through
:func:`openapi_client.waiters.wait_until`, and the async twin will await the same judgement.
The operation descriptions (:mod:`openapi_client.operations`) name a readiness per waiter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterable, Optional, Tuple, Type, TypeVar

from openapi_client.exceptions import KeyValidationFailedError, NotFoundException
from openapi_client.models.enums import INVALID, VALID
from openapi_client.redaction import Redactor

if TYPE_CHECKING:
    from openapi_client.models.responses import ByokV1KeyRead

__all__ = ["API_KEY_READABLE", "BYOK_KEY_VALIDATED", "Readiness"]

T = TypeVar("T")
Secrets = Callable[[], Iterable[str]]
"""The secrets a client has in use now (they change as credentials renew)."""


@dataclass(frozen=True)
class Readiness:
    """A condition on the result of a read, and the errors that only mean "not yet"."""

    what: str
    """What is waited for, with ``{id}`` for the object's id (for messages and logs)."""
    is_ready: Callable[[Any, Redactor], bool]
    """True when the object read is what the caller waits for; raises when it never will be
    (the redactor masks the client's secrets in what the error quotes of the object)."""
    not_yet: Tuple[Type[Exception], ...] = ()

    def describe(self, id: str) -> str:
        return self.what.format(id=id)

    def poller(self, read: Callable[[], T], secrets: Optional[Secrets] = None) -> Callable[[], Optional[T]]:
        """A poll function for ``wait_until``: the object once ready, else ``None``.
        ``secrets``: the client's secrets in use, which an error quoting the object masks."""

        def poll() -> Optional[T]:
            try:
                value = read()
            except self.not_yet:
                return None
            return value if self.is_ready(value, _redactor(secrets)) else None

        return poll

    def async_poller(
        self, read: Callable[[], Awaitable[T]], secrets: Optional[Secrets] = None
    ) -> Callable[[], Awaitable[Optional[T]]]:
        """:meth:`poller` for a coroutine ``read``: the same judgement, awaited."""

        async def poll() -> Optional[T]:
            try:
                value = await read()
            except self.not_yet:
                return None
            return value if self.is_ready(value, _redactor(secrets)) else None

        return poll


def _redactor(secrets: Optional[Secrets]) -> Redactor:
    return Redactor(secrets()) if secrets is not None else Redactor()


def _always(_: Any, __: Redactor) -> bool:
    return True


def _validated(key: ByokV1KeyRead, redactor: Redactor) -> bool:
    phase = key.validation.phase
    if phase == INVALID:
        raise KeyValidationFailedError(key, redactor=redactor)
    return phase == VALID


API_KEY_READABLE = Readiness("API key {id}", _always, not_yet=(NotFoundException,))
"""A new API key can be read: right after a create the service may answer 404 for a while."""

BYOK_KEY_VALIDATED = Readiness("BYOK key {id} to validate", _validated)
"""A BYOK key's validation ended VALID; INVALID raises :class:`KeyValidationFailedError`."""
