"""The request-context keys that follow from who asks and whose resource it is.

IAM fills these keys itself (IAM User Guide, "AWS global condition context keys"); knowing
them lets conditions on them be decided instead of reported unknown. Everything else
(``aws:SourceVpce``, ``aws:ViaAWSService``, ``aws:SourceIp``…) depends on how the call is
made and stays unknown unless the plan says otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache

from checker.paths import PACKAGE_DIR
from checker.policy.principals import PrincipalKind, parse_principal
from checker.policy.request import RequestContext

# Services whose requests carry only ``aws:`` keys, their own keys and the cross-service keys
# of the IAM User Guide ("AWS global condition context keys": "cross-service condition keys
# ... include a prefix matching the name of the service, such as ec2: or lambda:, but are
# available across other services"). A condition on another service's key (``ec2:Owner``
# on an S3 request) then tests a key that is absent. Other services keep such keys unknown.
OWN_KEY_SERVICES = frozenset({"s3", "ecr", "kms", "sagemaker"})


@cache
def cross_service_keys() -> frozenset[str]:
    path = PACKAGE_DIR / "data" / "global_condition_keys.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(key.lower() for key in data["cross_service"])


# An account root as the requester stands for some principal of the account (see
# checker.policy.principals): its type, ARN and user name are not known.
_PRINCIPAL_TYPES = {
    PrincipalKind.USER: "User",
    PrincipalKind.ROLE: "AssumedRole",
    PrincipalKind.SESSION: "AssumedRole",
    PrincipalKind.FEDERATED_USER: "FederatedUser",
}


def request_context(
    principal: str,
    *,
    resource_account: str,
    organization_id: str | None = None,
    role_arn: str | None = None,
    extra: Mapping[str, str | tuple[str, ...]] | None = None,
    absent: frozenset[str] = frozenset(),
    action: str | None = None,
) -> RequestContext:
    """The keys IAM sets for a call by ``principal`` on a resource of ``resource_account``.

    ``aws:PrincipalArn`` of a role session is its *role* ARN, path included; a session ARN
    drops the path, so for a session it is known only when ``role_arn`` is given. An account
    root as ``principal`` stands for some principal of that account: only its account is
    known.
    ``aws:username`` exists only for IAM users. ``organization_id`` gives
    ``aws:PrincipalOrgID``; without it the key stays unknown. ``extra`` adds or overrides
    keys (the plan's ``context``); ``absent`` names keys known not to be set. ``action``, for a
    service of ``OWN_KEY_SERVICES``, makes every other service's key absent.
    ``resource_account`` empty: the owner is not known, and neither is ``aws:ResourceAccount``.
    """
    requester = parse_principal(principal)
    values: dict[str, tuple[str, ...]] = {
        "aws:principalaccount": (requester.account,),
        "aws:securetransport": ("true",),  # SDKs and SageMaker call over TLS
        # Every principal xreg asks about is an IAM user, role, session or account.
        "aws:principalisawsservice": ("false",),
    }
    if resource_account:
        values["aws:resourceaccount"] = (resource_account,)
    known_absent = set(absent)
    if requester.kind in _PRINCIPAL_TYPES:
        values["aws:principaltype"] = (_PRINCIPAL_TYPES[requester.kind],)
    if requester.kind is PrincipalKind.SESSION:
        if role_arn is not None:
            values["aws:principalarn"] = (role_arn,)
    elif requester.kind not in (PrincipalKind.OTHER, PrincipalKind.ROOT):
        values["aws:principalarn"] = (role_arn or requester.arn,)
    if requester.kind is PrincipalKind.USER:
        values["aws:username"] = (requester.name,)
    elif requester.kind in (PrincipalKind.ROLE, PrincipalKind.SESSION):
        known_absent.add("aws:username")
    if organization_id is not None:
        values["aws:principalorgid"] = (organization_id,)
    for key, value in (extra or {}).items():
        values[key.lower()] = (value,) if isinstance(value, str) else tuple(value)
        known_absent.discard(key.lower())
    lowered_absent = frozenset(k.lower() for k in known_absent) - values.keys()
    service = action.split(":", 1)[0].lower() if action else None
    if service in OWN_KEY_SERVICES:
        return RequestContext(values, lowered_absent, service, cross_service_keys())
    return RequestContext(values, lowered_absent)
