"""``xreg rules`` lists the lint rules; ``xreg explain RULE-ID`` prints one rule in full."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from checker.policy.parse import DOCUMENT_KEYS, STATEMENT_KEYS


def register(subparsers: Any) -> None:
    rules: argparse.ArgumentParser = subparsers.add_parser(
        "rules",
        help="list the lint rules",
        description=(
            "List the built-in lint rules and the organization rules of the configuration "
            "(.xreg.yaml or [tool.xreg]) that applies to --config-from (default: here)."
        ),
    )
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.add_argument(
        "--config-from",
        metavar="PATH",
        default=".",
        help="a plan or folder whose configuration to show (default: the current folder)",
    )
    rules.set_defaults(run=run_rules)

    explain: argparse.ArgumentParser = subparsers.add_parser(
        "explain",
        help="explain one lint rule or matrix requirement (the SARIF rule ids): what, why, fix",
        description="Print a lint rule's rationale, fix, references and examples.",
    )
    explain.add_argument("rule", metavar="RULE-ID", help="a lint rule id or a requirement id")
    explain.add_argument("--config-from", metavar="PATH", default=".", help=argparse.SUPPRESS)
    explain.set_defaults(run=run_explain)


def _rows(config_from: str) -> tuple[list[dict[str, Any]], Any]:
    from checker.lint.config import load_config
    from checker.lint.registry import configured_rules

    config = load_config(Path(config_from))
    rows = [
        {
            "id": rule.id,
            "severity": rule.severity.value,
            "enabled": rule.enabled,
            "applies_to": sorted(rule.applies_to),
            "family": rule.family,
            "title": rule.title,
        }
        for rule in configured_rules(config)
    ]
    return rows, config


def run_rules(args: argparse.Namespace) -> int:
    rows, config = _rows(args.config_from)
    if args.format == "json":
        json.dump({"rules": rows, "config": config.source}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    width = max(len(row["id"]) for row in rows)
    for row in rows:
        state = "" if row["enabled"] else "  (disabled)"
        print(f"{row['id']:<{width}}  {row['severity']:<7}  {row['title']}{state}")
    source = f"; configuration: {config.source}" if config.source else ""
    print(f"\n{len(rows)} rules{source}. xreg explain RULE-ID tells more about one.")
    return 0


def in_policy_order(value: Any) -> Any:
    """``value`` with every policy document and statement in it keyed in the order people
    write them (Version, Id, Statement; Sid, Effect, Principal, Action, Resource, Condition)."""
    if isinstance(value, list):
        return [in_policy_order(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "Effect" in value:
        order: tuple[str, ...] = STATEMENT_KEYS
    elif "Statement" in value:
        order = DOCUMENT_KEYS
    else:
        order = ()
    known = [key for key in order if key in value]
    rest = [key for key in value if key not in order]
    return {key: in_policy_order(value[key]) for key in (*known, *rest)}


def _dump_yaml(value: Any) -> str:
    import yaml

    return str(
        yaml.safe_dump(in_policy_order(value), sort_keys=False, allow_unicode=True, width=100)
    )


def _print_examples(kind: str, examples: Any, out: TextIO) -> None:
    for index, example in enumerate(examples, start=1):
        description = example.get("description")
        heading = f"{kind} example {index}" + (f": {description}" if description else "")
        body = {key: value for key, value in example.items() if key != "description"}
        out.write(f"\n  {heading}\n")
        for line in _dump_yaml(body).rstrip().splitlines():
            out.write(f"    {line}\n")


def _wrap(text: str) -> str:
    import textwrap

    return "\n\n".join(
        textwrap.fill(paragraph, width=88, initial_indent="  ", subsequent_indent="  ")
        for paragraph in text.split("\n\n")
    )


def _explain_requirement(name: str, out: TextIO) -> bool:
    """A requirement of the permission matrix (its id is the SARIF rule id of its gaps)."""
    from checker.matrix.spec import load_matrix

    spec = next((row for row in load_matrix() if row.id == name.lower()), None)
    if spec is None:
        return False
    resource = spec.resource.replace("_", " ")
    out.write(f"{spec.id}: {spec.title}\n")
    out.write(
        f"  requirement of the permission matrix; phase {spec.phase}, who {spec.who}, "
        f"level {spec.level.value}\n"
    )
    out.write(f"  actions: {', '.join(spec.actions)} on the {resource}\n")
    out.write(f"  decided by: {', '.join(spec.decided_by)}\n")
    out.write(f"\nWhy it is needed\n{_wrap(spec.rationale)}\n")
    out.write(f"\nSource\n  {spec.source}\n")
    return True


def run_explain(args: argparse.Namespace) -> int:
    from difflib import get_close_matches

    from checker.errors import InputError
    from checker.lint.config import load_config
    from checker.lint.spec import load_rule_specs, rule_spec

    wanted = args.rule.upper()
    spec = rule_spec(wanted)
    out = sys.stdout
    if spec is None:
        config = load_config(Path(args.config_from))
        org_rule = next((rule for rule in config.organization_rules if rule.id == wanted), None)
        if org_rule is None and _explain_requirement(args.rule, out):
            return 0
        if org_rule is None:
            known = [s.id for s in load_rule_specs()] + [r.id for r in config.organization_rules]
            close = get_close_matches(wanted, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise InputError("RULE-ID", "$", f"no rule {args.rule!r}{hint} (xreg rules lists them)")
        out.write(f"{org_rule.id}: {org_rule.title}\n")
        out.write(
            f"  severity {org_rule.severity.value}; organization rule from {org_rule.source}\n"
        )
        out.write(f"  applies to: {', '.join(sorted(org_rule.applies_to))}\n")
        if org_rule.message:
            out.write(f"\n{_wrap(org_rule.message)}\n")
        return 0
    out.write(f"{spec.id}: {spec.title}\n")
    out.write(
        f"  severity {spec.severity.value}; applies to {', '.join(sorted(spec.applies_to))}\n"
    )
    out.write(f"\nWhat it finds, and why it matters\n{_wrap(spec.rationale)}\n")
    out.write(f"\nHow to fix it\n{_wrap(spec.fix)}\n")
    out.write("\nReferences\n")
    for reference in spec.references:
        out.write(f"  {reference}\n")
    out.write("\nExamples")
    _print_examples("bad", spec.bad_examples, out)
    _print_examples("good", spec.good_examples, out)
    return 0
