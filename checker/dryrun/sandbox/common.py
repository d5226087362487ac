"""Helpers every sandbox builder shares."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from botocore.parsers import ResponseParserError  # type: ignore[import-untyped]

from checker.aws.boto import ClientError, error_details
from checker.dryrun.sandbox.model import Sandbox

T = TypeVar("T")

# How an emulator says no: an AWS error; an operation moto lacks, raised in-process or
# answered by a server as a bare 500 page botocore cannot parse.
REFUSALS: tuple[type[Exception], ...] = (ClientError, NotImplementedError, ResponseParserError)

_ALREADY_THERE = frozenset(
    {
        "EntityAlreadyExists",
        "RepositoryAlreadyExistsException",
        "BucketAlreadyOwnedByYou",
        "BucketAlreadyExists",
        "ResourceInUse",
        "AlreadyExistsException",
        "ImageAlreadyExistsException",
    }
)


def policy_text(document: Mapping[str, Any]) -> str:
    # YAML plans may hold dates or numbers where IAM expects strings: keep them as text.
    return json.dumps(document, default=str, separators=(",", ":"))


def refusal_text(error: Exception) -> str:
    if isinstance(error, ClientError):
        code, message = error_details(error)
        return f"{code}: {message}"
    if isinstance(error, NotImplementedError):
        return str(error)
    return "the operation failed in the emulator (not implemented?)"


def attempt(
    sandbox: Sandbox, what: str, call: Callable[..., T], *args: Any, **params: Any
) -> T | None:
    """Run one sandbox-building call; if moto refuses it, say so in the trace and go on.

    The plan describes what exists today, so a refusal is moto's limit, not the plan's
    mistake: the replay still runs, and the note says what the sandbox lacks.
    """
    try:
        return call(*args, **params)
    except REFUSALS as error:
        sandbox.note(f"moto refused {what}: {refusal_text(error)}")
        return None


def create_or_reuse(call: Callable[..., T], **params: Any) -> T | None:
    """Create a resource; an emulator that already holds it (a reused server) is fine."""
    try:
        return call(**params)
    except ClientError as error:
        code, message = error_details(error)
        # SageMaker says so in a ValidationException's message.
        if code in _ALREADY_THERE or "already exist" in message.lower():
            return None
        raise


_IAM_NAME_CHARACTERS = re.compile(r"[^\w+=,.@-]")


def iam_name(text: str, limit: int = 128) -> str:
    """A policy name from a file name: IAM names allow letters, digits and ``+=,.@_-``."""
    return _IAM_NAME_CHARACTERS.sub("-", text)[:limit] or "policy"
