"""The request context xreg can vouch for, and nothing more.

Keys not set here stay unknown, so a condition on them makes a statement's outcome unknown
instead of a guess (see the policy evaluator).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.policy.request import RequestContext


def _as_values(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        else:
            out.append(str(item))
    return tuple(out)


def request_context(
    *,
    principal: str,
    principal_account: str,
    resource_account: str | None,
    action: str,
    organization_id: str | None,
    plan_context: Mapping[str, Any],
) -> RequestContext:
    values: dict[str, tuple[str, ...]] = {
        "aws:principalaccount": (principal_account,),
        # SDKs and SageMaker always call over TLS.
        "aws:securetransport": ("true",),
    }
    # An account root here stands for "some principal of that account": its ARN is not known.
    if not principal.endswith(":root"):
        values["aws:principalarn"] = (principal,)
    if resource_account:
        values["aws:resourceaccount"] = (resource_account,)
    if organization_id:
        values["aws:principalorgid"] = (organization_id,)
    if action.lower().startswith("kms:"):
        values["kms:calleraccount"] = (principal_account,)
    for key, value in plan_context.items():
        values[key.lower()] = _as_values(value)
    return RequestContext(values=values)
