"""What changed between two audits of the same registry account (``--since``).

Works on report dictionaries (the JSON format), so any earlier report file, from any
xreg version that wrote ``groups``, can be compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _by_arn(items: Any) -> dict[str, Mapping[str, Any]]:
    return {item["arn"]: item for item in items or [] if isinstance(item, Mapping)}


def _registrars(group: Mapping[str, Any]) -> dict[str, str]:
    return {entry["principal"]: entry["decision"] for entry in group.get("may_register", [])}


def audit_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """New and removed groups, register grants given and revoked, new versions (and
    whether they can be deployed), versions whose deployability changed."""
    old_groups, new_groups = _by_arn(old.get("groups")), _by_arn(new.get("groups"))
    changes: dict[str, list[Any]] = {
        "new_groups": sorted(set(new_groups) - set(old_groups)),
        "removed_groups": sorted(set(old_groups) - set(new_groups)),
        "new_grants": [],
        "revoked_grants": [],
        "new_versions": [],
        "deployability_changed": [],
    }
    for arn in sorted(set(new_groups) & set(old_groups)):
        if old_groups[arn].get("policy_unreadable") or new_groups[arn].get("policy_unreadable"):
            continue  # who may register is unknown on one side: neither given nor revoked
        before, after = _registrars(old_groups[arn]), _registrars(new_groups[arn])
        for principal in sorted(set(before) | set(after)):
            was, now = before.get(principal), after.get(principal)
            if now == "allowed" and was != "allowed":
                changes["new_grants"].append({"group": arn, "principal": principal})
            elif was == "allowed" and now != "allowed":
                changes["revoked_grants"].append({"group": arn, "principal": principal})
    for arn, group in sorted(new_groups.items()):
        previous = _by_arn(old_groups.get(arn, {}).get("versions"))
        for version in group.get("versions", []):
            earlier = previous.get(version["arn"])
            if earlier is None:
                changes["new_versions"].append(
                    {"arn": version["arn"], "deployable": version.get("deployable")}
                )
            elif earlier.get("deployable") != version.get("deployable"):
                changes["deployability_changed"].append(
                    {
                        "arn": version["arn"],
                        "was": earlier.get("deployable"),
                        "now": version.get("deployable"),
                    }
                )
    return changes
