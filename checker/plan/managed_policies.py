"""AWS managed policies named in a plan (``AmazonSageMakerFullAccess``, ``FullAWSAccess``).

Only documents that AWS does not change under us are bundled (``checker/data/
managed_policies``); any other managed policy stays a name whose document xreg does not know.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any, Literal

from checker.paths import PACKAGE_DIR
from checker.plan.documents import load_document

ListKind = Literal["identity", "scp", "rcp"]

BUNDLED_DIR = PACKAGE_DIR / "data" / "managed_policies"

# The name each kind of list may use for a bundled document: FullAWSAccess is the SCP AWS
# Organizations attaches by default, RCPFullAWSAccess the RCP; neither is an IAM policy.
_BUNDLED: Mapping[ListKind, frozenset[str]] = {
    "identity": frozenset(),
    "scp": frozenset({"FullAWSAccess"}),
    "rcp": frozenset({"RCPFullAWSAccess"}),
}

# IAM policy names: letters, digits and +=,.@_- (IAM API reference, CreatePolicy).
MANAGED_NAME = re.compile(r"[\w+=,.@-]{1,128}", re.ASCII)
_IAM_MANAGED_ARN = re.compile(
    r"arn:aws(?:-cn|-us-gov)?:iam::aws:policy/(?:[\w+=,.@-]+/)*(?P<name>[\w+=,.@-]{1,128})",
    re.ASCII,
)
_ORGANIZATIONS_MANAGED_ARN = re.compile(
    r"arn:aws(?:-cn|-us-gov)?:organizations::aws:policy/"
    r"(?P<type>service_control_policy|resource_control_policy)/p-(?P<name>[A-Za-z0-9_]+)"
)
_ORGANIZATIONS_TYPE: Mapping[str, ListKind] = {
    "service_control_policy": "scp",
    "resource_control_policy": "rcp",
}


def managed_name_from_arn(arn: str, kind: ListKind) -> str:
    """The policy name in an AWS managed policy ARN; ``ValueError`` when the ARN does not
    name an AWS managed policy of this list's kind."""
    if kind == "identity":
        match = _IAM_MANAGED_ARN.fullmatch(arn)
        if match is None:
            raise ValueError(
                f"{arn!r} is not an AWS managed policy ARN (arn:aws:iam::aws:policy/NAME); "
                "give a customer managed policy's document as a file"
            )
        return match["name"]
    match = _ORGANIZATIONS_MANAGED_ARN.fullmatch(arn)
    if match is None or _ORGANIZATIONS_TYPE[match["type"]] != kind:
        raise ValueError(
            f"{arn!r} is not an AWS managed {kind.upper()} ARN; "
            "give a policy's document as a file, or its name"
        )
    return match["name"]


def bundled_document(name: str, kind: ListKind) -> Mapping[str, Any] | None:
    """The document xreg ships for this managed policy, if any."""
    if name not in _BUNDLED[kind]:
        return None
    return _load_bundled(name)


@functools.cache
def _load_bundled(name: str) -> Mapping[str, Any]:
    document, _ = load_document(BUNDLED_DIR / f"{name}.json", source=f"aws-managed:{name}")
    return document
