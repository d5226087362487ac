"""The one place xreg imports boto3 and botocore (they ship no type information).

Everything else in ``checker/aws`` imports them from here, so the type-checking exemption
stays on these lines only.
"""

from __future__ import annotations

import boto3  # type: ignore[import-untyped]
import botocore.session  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.credentials import (  # type: ignore[import-untyped]
    CredentialProvider,
    DeferredRefreshableCredentials,
)
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    ConnectionError,
    ReadTimeoutError,
)

__all__ = [
    "BotoCoreError",
    "ClientError",
    "Config",
    "ConnectionError",
    "CredentialProvider",
    "DeferredRefreshableCredentials",
    "ReadTimeoutError",
    "boto3",
    "botocore",
]
