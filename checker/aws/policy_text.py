"""Policy documents as AWS returns them: JSON text (resource policies) or already decoded."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from checker.aws.reads import Failure
from checker.aws.state import PolicyDocument

INVALID_POLICY = "InvalidPolicy"


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


def policy_document(operation: str, text: Any, stem: str) -> PolicyDocument | Failure:
    """``text`` (what ``operation`` returned) as the document filed under ``stem``; when it
    is not one, a failure of ``operation`` whose message says why."""
    decoded = decode_policy(text)
    if isinstance(decoded, str):
        return Failure(operation, INVALID_POLICY, decoded)
    return PolicyDocument(stem, decoded)
