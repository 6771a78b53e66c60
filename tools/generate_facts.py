"""What both writers of tools/generate.py read from an operation description: the generated
methods' arguments, the paging options, the facts parameter docs name, and the shared settings."""

from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openapi_client._operation_types import Operation  # noqa: E402
from openapi_client.models import responses  # noqa: E402

ANSWER_CLASSES = frozenset(responses.__all__)
"""The answers' narrowings of the seed models; imported from models.responses, described on Typing.md."""

SOURCE = "openapi_client/_descriptions.py"
LINE_LENGTH = 120
INDENT = "    "


@dataclass(frozen=True)
class Arg:
    """One argument of a generated method."""

    name: str
    annotation: str
    required: bool

    def declare(self) -> str:
        if self.required:
            return f"{self.name}: {self.annotation}"
        return f"{self.name}: Optional[{self.annotation}] = None"


def _args(op: Operation, *, leave_out: Sequence[str] = ()) -> List[Arg]:
    """The operation's arguments in call order: path parameters, the body, query parameters."""
    args = [Arg(p.name, p.type.__name__, True) for p in op.path_params]
    if op.body is not None:
        # the model, or a dict typed by the TypedDict generated from the same request schema
        body_type = f"Union[{op.body.model_name}, {op.body.model_name}Dict]"
        args.append(Arg(op.body.name, body_type, not op.body.optional))
    args += [Arg(p.name, p.type.__name__, False) for p in op.query_params]
    return [a for a in args if a.name not in leave_out]


def _returns(op: Operation) -> str:
    return op.success.model_name or "None"


def paging_options(iter_pages: Callable[..., Any]) -> List[Arg]:
    """The per-call arguments ``iter_pages`` takes after the page fetcher (e.g. a page limit).

    The ``iter_*`` helpers take them too and pass them through, so an option added to
    :func:`openapi_client.pagination.iter_pages` reaches every helper at the next generate.
    """
    # ``operation`` (named in its errors) is filled in by the generator, not by the caller.
    params = [p for p in list(inspect.signature(iter_pages).parameters.values())[1:] if p.name != "operation"]
    options = []
    for param in params:
        assert param.default is None, f"iter_pages option {param.name} must default to None"
        annotation = str(param.annotation)
        inner = annotation[len("Optional[") : -1] if annotation.startswith("Optional[") else annotation
        options.append(Arg(param.name, inner, False))
    return options


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def _alternatives(values: Sequence[str]) -> str:
    quoted = [f"`{v}`" for v in values]
    return ", ".join(quoted[:-1]) + f" or {quoted[-1]}" if len(quoted) > 1 else quoted[0]


def _doc_facts() -> Dict[str, str]:
    """Values the descriptions' parameter docs name, read from where each is defined."""
    from openapi_client.models import enums
    from openapi_client.models.byok_v1_key_key import VARIANTS

    by_field: Dict[str, List[str]] = {}
    for variant in VARIANTS:
        by_field.setdefault(variant.IDENTIFIER_FIELD, []).append(variant.PROVIDER)
    identifiers = "; ".join(f"`{field}` for {', '.join(clouds)}" for field, clouds in by_field.items())
    return {
        "providers": _alternatives([v.PROVIDER for v in VARIANTS]),
        "identifiers": identifiers,
        "key_states": _alternatives(enums.KEY_STATES),
        "validation_phases": _alternatives(enums.VALIDATION_PHASES),
    }
