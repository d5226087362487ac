"""Secrets kept out of the files xreg writes: container ``Environment`` values are replaced by
a fixed marker, their keys kept.

A registration request's ``Environment`` often holds credentials, and a snapshot's
``plan.yaml`` is attached to tickets and committed. Nothing xreg decides reads those values,
so a redacted plan checks as the original does. A value longer than AWS allows stays too
long (the marker is padded to its length), so that the request stays invalid, never passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REDACTED = "<redacted>"


def _longest_value() -> int:
    from checker.plan.request_model import request_model

    return int(request_model()["shapes"]["EnvironmentValue"]["max"])


def _redacted_value(value: Any, longest: int) -> Any:
    if not isinstance(value, str):
        return value  # not a string: AWS refuses the request; the plan must say so too
    if len(value) > longest:
        return (REDACTED + "#" * len(value))[: len(value)]
    return REDACTED


def redact_environment(value: Any, longest: int | None = None) -> Any:
    """A copy of ``value`` (a request, or any part of it) with the values of every
    ``Environment`` mapping, at any depth, replaced by ``REDACTED``."""
    limit = _longest_value() if longest is None else longest
    if isinstance(value, Mapping):
        copied: dict[Any, Any] = {}
        for key, item in value.items():
            if key == "Environment" and isinstance(item, Mapping):
                copied[key] = {name: _redacted_value(text, limit) for name, text in item.items()}
            else:
                copied[key] = redact_environment(item, limit)
        return copied
    if isinstance(value, list):
        return [redact_environment(item, limit) for item in value]
    return value
