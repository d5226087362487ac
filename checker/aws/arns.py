"""ARN fields read leniently, from names that may not be ARNs (a key id, a placeholder).

No boto3 here: the dry-run's sandbox and replay use it as well as the live mode.
"""

from __future__ import annotations


def region_of(arn: str, default: str = "") -> str:
    """The region field of ``arn``; ``default`` when it has none or is not an ARN."""
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else default
