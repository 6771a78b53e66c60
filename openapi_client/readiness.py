"""What "ready" means for each ``wait_for_*`` helper, written once for sync and async.

A :class:`Readiness` judges one read of an object: ready (return it), not yet (poll
again), or failed (raise). It does no I/O and no sleeping: the sync helpers poll through
:func:`openapi_client.waiters.wait_until`, and the async twin will await the same judgement.
The operation descriptions (:mod:`openapi_client.operations`) name a readiness per waiter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Optional, Tuple, Type, TypeVar

from openapi_client.exceptions import KeyValidationFailedError, NotFoundException
from openapi_client.models.enums import INVALID, VALID

if TYPE_CHECKING:
    from openapi_client.models.responses import ByokV1KeyRead

__all__ = ["API_KEY_READABLE", "BYOK_KEY_VALIDATED", "Readiness"]

T = TypeVar("T")


@dataclass(frozen=True)
class Readiness:
    """A condition on the result of a read, and the errors that only mean "not yet"."""

    what: str
    """What is waited for, with ``{id}`` for the object's id (for messages and logs)."""
    is_ready: Callable[[Any], bool]
    """True when the object read is what the caller waits for; raises when it never will be."""
    not_yet: Tuple[Type[Exception], ...] = ()
    failures: Tuple[Tuple[Type[Exception], str], ...] = ()
    """What ``is_ready`` raises when the object never will be ready, and when (for docstrings)."""

    def describe(self, id: str) -> str:
        return self.what.format(id=id)

    def poller(self, read: Callable[[], T]) -> Callable[[], Optional[T]]:
        """A poll function for ``wait_until``: the object once ready, else ``None``."""

        def poll() -> Optional[T]:
            try:
                value = read()
            except self.not_yet:
                return None
            return value if self.is_ready(value) else None

        return poll

    def async_poller(self, read: Callable[[], Awaitable[T]]) -> Callable[[], Awaitable[Optional[T]]]:
        """:meth:`poller` for a coroutine ``read``: the same judgement, awaited."""

        async def poll() -> Optional[T]:
            try:
                value = await read()
            except self.not_yet:
                return None
            return value if self.is_ready(value) else None

        return poll


def _always(_: Any) -> bool:
    return True


def _validated(key: ByokV1KeyRead) -> bool:
    phase = key.validation.phase
    if phase == INVALID:
        raise KeyValidationFailedError(key)
    return phase == VALID


API_KEY_READABLE = Readiness("API key {id}", _always, not_yet=(NotFoundException,))
"""A new API key can be read: right after a create the service may answer 404 for a while."""

BYOK_KEY_VALIDATED = Readiness(
    "BYOK key {id} to validate",
    _validated,
    failures=((KeyValidationFailedError, "The validation ended INVALID; the error carries the key and its message"),),
)
"""A BYOK key's validation ended VALID; INVALID raises :class:`KeyValidationFailedError`."""
