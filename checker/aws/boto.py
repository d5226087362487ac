"""The one place xreg imports boto3 and botocore (they ship no type information).

Everything else in ``checker/aws`` imports them from here, so the type-checking exemption
stays on these lines only.
"""

from __future__ import annotations

import boto3  # type: ignore[import-untyped]
import botocore.session  # type: ignore[import-untyped]
from botocore import xform_name
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.credentials import (  # type: ignore[import-untyped]
    CredentialProvider,
    DeferredRefreshableCredentials,
)
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    ConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError  # type: ignore[import-untyped]
from botocore.retries.standard import (  # type: ignore[import-untyped]
    RetryEventAdapter,
    StandardRetryConditions,
)

from checker.aws.error_text import one_line

__all__ = [
    "BotoCoreError",
    "ClientError",
    "Config",
    "ConnectionError",
    "CredentialProvider",
    "DeferredRefreshableCredentials",
    "NoCredentialsError",
    "ReadTimeoutError",
    "ResponseParserError",
    "RetryEventAdapter",
    "StandardRetryConditions",
    "boto3",
    "botocore",
    "error_details",
    "xform_name",
]


def error_details(error: ClientError) -> tuple[str, str]:
    """The AWS error code and message (one line) of ``error``; empty when the answer gives
    none."""
    details = error.response.get("Error", {})
    return str(details.get("Code") or ""), one_line(str(details.get("Message") or ""))
