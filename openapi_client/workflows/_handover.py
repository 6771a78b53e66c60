"""The handover of a rotation: what it hands over, and how the caller's handover is called (pure, no I/O)."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Tuple, Union

from openapi_client.exceptions import ApiValueError

__all__ = ["Handover", "KeyHandover"]


@dataclass(frozen=True)
class KeyHandover:
    """What a rotation hands over: the new key and its secret, and what it replaces.

    ``secret`` is left out of ``repr``. ``run_id`` is the rotation run's id (the one in
    the claim and the markers), e.g. to tell apart two runs' writes in a secret store.
    """

    old_key_id: str
    new_key_id: str
    secret: str = field(repr=False)
    owner_id: str
    resource_id: Optional[str]
    display_name: Optional[str]
    run_id: str


Handover = Union[Callable[[KeyHandover], None], Callable[[str, str], None]]
"""The caller's delivery of a new key: a callable taking one :class:`KeyHandover`, or
(the older form) one taking ``(new_key_id, secret)``. It must store the secret before it
returns (an overwrite: the newest secret wins); an exception means "not stored"."""


def takes_key_handover(handover: Callable[..., Any]) -> bool:
    """Whether ``handover`` takes one :class:`KeyHandover` (one positional parameter
    without a default) rather than ``(new_key_id, secret)``."""
    try:
        parameters = inspect.signature(handover).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [
        p
        for p in parameters
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        and p.default is inspect.Parameter.empty
    ]
    varargs = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters)
    return len(positional) == 1 and not varargs


def handover_arguments(handover: Callable[..., Any], details: KeyHandover) -> Tuple[Any, ...]:
    """The arguments ``handover`` is called with for ``details``."""
    return (details,) if takes_key_handover(handover) else (details.new_key_id, details.secret)


def check_handover(handover: object) -> None:
    if not callable(handover):
        raise ApiValueError("parameter 'handover' must be a callable taking a KeyHandover, or (new_key_id, secret)")
