"""Policy documents as AWS returns them: JSON text (resource policies) or already decoded."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def decode_policy(text: Any) -> Mapping[str, Any] | str:
    """The document, or the reason it is not one."""
    if isinstance(text, Mapping):
        return text
    if not isinstance(text, str):
        return f"the policy is a {type(text).__name__}, not JSON text"
    try:
        document = json.loads(text)
    except ValueError as error:
        return f"the policy is not valid JSON: {error}"
    if not isinstance(document, dict):
        return "the policy is not a JSON object"
    return document
