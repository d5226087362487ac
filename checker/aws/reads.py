"""One read against AWS, and what became of it: a value, "there is none", or why not.

A denied, throttled-out or timed-out read is not an error of xreg: the resource's state is
then unknown, with the reason, and the collection goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import Enum
from typing import Any, TypeVar

from checker.aws.boto import BotoCoreError, ClientError, ResponseParserError, error_details
from checker.aws.error_text import one_line, parser_message
from checker.aws.retry_budget import spent
from checker.aws.state import Collection
from checker.records import record

T = TypeVar("T")

DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "403",
    }
)


class Absent(Enum):
    """The read succeeded and says the thing does not exist (no policy, no such image)."""

    ABSENT = "absent"


ABSENT = Absent.ABSENT


@record
class Failure:
    """A read that could not be made: ``operation`` as ``service:Operation``, and why."""

    operation: str
    code: str
    message: str

    @property
    def denied(self) -> bool:
        return self.code in DENIED_CODES

    @property
    def reason(self) -> str:
        kind = "denied" if self.denied else "failed"
        return f"{self.operation} {kind}: {self.code}: {self.message}".rstrip(": ")


def attempt(
    operation: str,
    call: Callable[[], T],
    *,
    absent_codes: frozenset[str] = frozenset(),
) -> T | Absent | Failure:
    """Run ``call``; an error whose code is in ``absent_codes`` means "there is none"."""
    try:
        return call()
    except ClientError as error:
        code, message = error_details(error)
        # An answer without a body (HEAD) has only its HTTP status to go by.
        if not code:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "Unknown")
            code = str(status)
        if code in absent_codes:
            return ABSENT
        if spent(error.response):
            message = f"{message} (the account's retry budget is spent)".lstrip()
        return Failure(operation, code, message)
    except BotoCoreError as error:
        # Timeouts and connection errors, after botocore's own retries.
        return Failure(operation, type(error).__name__, one_line(str(error)))
    except ResponseParserError as error:
        # An answer that is not in the service's protocol (an HTML error page of a proxy).
        return Failure(operation, "ResponseParserError", parser_message(str(error)))


def existing(
    outcome: T | Absent | Failure, into: Collection, resource: str, *, what: str, missing: str
) -> T | None:
    """The value of a read that says whether ``resource`` exists; ``None`` once recorded in
    ``into`` as missing (``missing``: why) or as an unreadable ``what``."""
    if isinstance(outcome, Absent):
        into.not_found(resource, missing)
        return None
    if isinstance(outcome, Failure):
        into.cannot_read(resource, what, outcome.reason)
        return None
    return outcome


def paginate(client: Any, method: str, key: str, **params: Any) -> Iterator[Any]:
    """Every item of a paginated list call (``key``: the list in each page)."""
    for page in client.get_paginator(method).paginate(**params):
        yield from page.get(key, [])
