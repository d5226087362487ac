"""A fix for a policy that came from a source, in the source's own form: the corrected
property value to paste into the template (JSON or YAML) or, for Terraform, the document
for ``jsonencode(...)``. Values the template computes (``!Sub``, ``Fn::Join``) appear
resolved, as the check saw them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from checker.paths import display_path
from checker.plan.source_facts import PolicyOrigin, SourceFacts
from checker.results.model import Fix


def source_fixes(facts: SourceFacts, fixes: Iterable[Fix]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for fix in fixes:
        origin = facts.policies.get(fix.plan_field or "")
        if origin is None or fix.policy is None:
            continue
        entry: dict[str, Any] = {
            "fix": fix.id,
            "file": display_path(origin.file),
            "property": origin.property,
            "form": origin.form,
            "value": property_value(origin, fix.policy),
        }
        if origin.line is not None:
            entry["line"] = origin.line
        result.append(entry)
    return result


def property_value(origin: PolicyOrigin, policy: dict[str, Any]) -> str:
    name = origin.property.rsplit(".", 1)[-1]
    if origin.form == "terraform":
        attribute = name.split("[", 1)[0]
        return f"{attribute} = jsonencode({json.dumps(policy, indent=2)})\n"
    if origin.form == "yaml":
        import yaml

        return str(yaml.safe_dump({name: policy}, sort_keys=False, default_flow_style=False))
    return f"{json.dumps(name)}: {json.dumps(policy, indent=2)}\n"
