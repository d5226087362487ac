"""Which organization policies restrict a request, and what the plan says of organizations.

* SCPs restrict the principals of member accounts: not those of the management account, and
  not service-linked roles (Organizations User Guide, "Service control policies", "Tasks and
  entities not restricted by SCPs").
* RCPs restrict the resources of member accounts, and only for the services that support
  them (``rules/organization.json``): not the management account's resources, not requests
  by service-linked roles, not AWS managed KMS keys (the RCP page, "Resources and entities not
  restricted by RCPs").
* ``aws:PrincipalOrgID`` / ``aws:ResourceOrgID`` are the organization of the principal's /
  the resource's account; IAM leaves a key out of the request when that account is in no
  organization (IAM User Guide, "AWS global condition context keys").
"""

from __future__ import annotations

import json
from functools import cache

from checker.paths import rules_dir
from checker.plan.model import Plan
from checker.policy.principals import PrincipalKind, parse_principal

_SERVICE_LINKED_PATH = "aws-service-role/"


@cache
def rcp_services() -> frozenset[str]:
    """The service prefixes whose requests RCPs govern."""
    data = json.loads((rules_dir() / "organization.json").read_text(encoding="utf-8"))
    return frozenset(prefix.lower() for prefix in data["rcp_services"]["prefixes"])


def is_service_linked_role(principal: str) -> bool:
    """A role under the ``aws-service-role/`` path. A session ARN carries no path, so a
    session of such a role is not recognised: SCPs and RCPs are then applied to it, which
    can only deny more, never allow what AWS refuses."""
    requester = parse_principal(principal)
    if requester.kind is not PrincipalKind.ROLE:
        return False
    resource = principal.split(":", 5)[5]
    return resource.startswith("role/" + _SERVICE_LINKED_PATH)


def scp_exemption(plan: Plan, principal: str, principal_account: str) -> str | None:
    """Why no SCP restricts ``principal``, or ``None`` when the SCPs of its account do."""
    if plan.management_account is not None and principal_account == plan.management_account:
        return f"SCPs do not restrict the management account {principal_account}"
    if is_service_linked_role(principal):
        return f"SCPs do not restrict the service-linked role {principal}"
    if plan.organization_of(principal_account) == "":
        return f"account {principal_account} is in no organization, so no SCP restricts it"
    return None


def rcp_exemption(
    plan: Plan,
    principal: str,
    action: str,
    resource_account: str,
    *,
    aws_managed_key: bool = False,
) -> str | None:
    """Why no RCP restricts the request, or ``None`` when the RCPs of the resource's account
    do."""
    service = action.split(":", 1)[0].lower()
    if service not in rcp_services():
        return f"RCPs do not govern {service}: requests"
    if plan.management_account is not None and resource_account == plan.management_account:
        return f"RCPs do not restrict the resources of the management account {resource_account}"
    if is_service_linked_role(principal):
        return f"RCPs do not restrict requests by the service-linked role {principal}"
    if aws_managed_key:
        return "RCPs do not restrict AWS managed KMS keys"
    if plan.organization_of(resource_account) == "":
        return f"account {resource_account} is in no organization, so no RCP restricts it"
    return None


def organization_keys(
    plan: Plan, principal_account: str, resource_account: str
) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """``aws:PrincipalOrgID`` and ``aws:ResourceOrgID`` as far as the plan says: their values,
    and the keys known to be absent (an account in no organization)."""
    values: dict[str, tuple[str, ...]] = {}
    absent: set[str] = set()
    for key, account in (
        ("aws:PrincipalOrgID", principal_account),
        ("aws:ResourceOrgID", resource_account),
    ):
        organization = plan.organization_of(account) if account else None
        if organization:
            values[key] = (organization,)
        elif organization == "":
            absent.add(key)
    return values, frozenset(absent)
