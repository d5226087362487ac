"""Organization rules: the examples of docs/lint.md, run against sample policies, and the
refusal of malformed rules with the exact key."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.errors import InputError
from checker.lint.config import LintConfig, parse_config
from tests.conftest import ROOT
from tests.lint.harness import GOOD_POLICIES, POLICY_FIELDS, lint_example

DOCS = ROOT / "docs" / "lint.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOCS.read_text(), flags=re.DOTALL)


def _documented_config() -> LintConfig:
    rules: list[Any] = []
    for block in _blocks("yaml"):
        data = yaml.safe_load(block)
        if isinstance(data, dict) and data.get("organization-rules"):
            rules.extend(data["organization-rules"])
    assert len(rules) >= 4
    return parse_config({"organization-rules": rules}, source=DOCS)


DOCUMENTED = _documented_config()
REGISTRY_ROOT = "arn:aws:iam::111111111111:root"


def _statement(
    sid: str, principal: Any, actions: Any, resource: Any = None, **extra: Any
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": actions,
    }
    if resource is not None:
        statement["Resource"] = resource
    statement.update(extra)
    return statement


def _findings(tmp_path: Path, policy_type: str, *statements: dict[str, Any]) -> list[str]:
    example = {
        "policy_type": policy_type,
        "policy": {"Version": "2012-10-17", "Statement": list(statements)},
    }
    field = POLICY_FIELDS[policy_type]
    return sorted(
        finding.rule
        for finding in lint_example(tmp_path, example, DOCUMENTED)
        if finding.rule.startswith("ORG-") and finding.location.source.endswith(field)
    )


def test_the_base_plan_breaks_only_the_org_id_rule(tmp_path: Path) -> None:
    rules = [
        f.rule
        for f in lint_example(tmp_path, {"plan": {}}, DOCUMENTED)
        if f.rule.startswith("ORG-")
    ]
    # Its four resource policies grant across accounts without aws:PrincipalOrgID.
    assert sorted(rules) == ["ORG-CROSS-ACCOUNT-ORG-ID"] * 4


def test_org_id_condition_satisfies_the_perimeter_rule(tmp_path: Path) -> None:
    with_org = _statement(
        "Read",
        {"AWS": REGISTRY_ROOT},
        "s3:GetObject",
        "arn:aws:s3:::my-bucket/*",
        Condition={"StringEquals": {"AWS:PrincipalOrgId": "o-a1b2c3d4e5"}},  # keys ignore case
    )
    assert _findings(tmp_path, "bucket", with_org) == []
    without = _statement("Read", {"AWS": REGISTRY_ROOT}, "s3:GetObject", "arn:aws:s3:::my-bucket/*")
    assert _findings(tmp_path, "bucket", without) == ["ORG-CROSS-ACCOUNT-ORG-ID"]


def test_same_account_statements_are_not_cross_account(tmp_path: Path) -> None:
    own = _statement(
        "Own", {"AWS": "arn:aws:iam::222222222222:root"}, "s3:*", "arn:aws:s3:::my-bucket/*"
    )
    assert _findings(tmp_path, "bucket", own) == []


def test_pull_only_rule(tmp_path: Path) -> None:
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    pull = _statement(
        "Pull",
        {"AWS": REGISTRY_ROOT},
        ["ecr:BatchGetImage", "ECR:GetDownloadUrlForLayer"],
        Condition=org,
    )
    assert _findings(tmp_path, "repository", pull) == []
    push = _statement(
        "Push", {"AWS": REGISTRY_ROOT}, ["ecr:BatchGetImage", "ecr:PutImage"], Condition=org
    )
    assert _findings(tmp_path, "repository", push) == ["ORG-ECR-PULL-ONLY"]
    everything = _statement("All", {"AWS": REGISTRY_ROOT}, "ecr:*", Condition=org)
    assert _findings(tmp_path, "repository", everything) == ["ORG-ECR-PULL-ONLY"]


def test_trusted_accounts_rule(tmp_path: Path) -> None:
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    stranger = _statement(
        "Partner",
        {"AWS": ["333333333333", REGISTRY_ROOT]},
        "s3:GetObject",
        "arn:aws:s3:::my-bucket/*",
        Condition=org,
    )
    assert _findings(tmp_path, "bucket", stranger) == ["ORG-TRUSTED-ACCOUNTS"]
    everyone = _statement(
        "Everyone", "*", "s3:GetObject", "arn:aws:s3:::my-bucket/*", Condition=org
    )
    assert _findings(tmp_path, "bucket", everyone) == ["ORG-TRUSTED-ACCOUNTS"]


def test_forbidding_rule_without_require(tmp_path: Path) -> None:
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    admin = _statement("Admin", {"AWS": REGISTRY_ROOT}, "kms:*", "*", Condition=org)
    assert _findings(tmp_path, "key", GOOD_POLICIES["key"]["Statement"][0], admin) == [
        "ORG-NO-KEY-ADMIN-ACROSS-ACCOUNTS"
    ]
    decrypt = _statement("Decrypt", {"AWS": REGISTRY_ROOT}, "kms:Decrypt", "*", Condition=org)
    assert _findings(tmp_path, "key", GOOD_POLICIES["key"]["Statement"][0], decrypt) == []


def test_message_names_what_is_missing(tmp_path: Path) -> None:
    example = {"policy_type": "bucket", "policy": GOOD_POLICIES["bucket"]}
    (finding,) = [
        f
        for f in lint_example(tmp_path, example, DOCUMENTED)
        if f.location.source.endswith("s3_buckets[0].policy")
    ]
    assert finding.rule == "ORG-CROSS-ACCOUNT-ORG-ID"
    assert "has no condition on aws:PrincipalOrgID" in finding.message
    assert "our data perimeter requires the organization condition" in finding.message
    assert finding.title == "Every Allow to another account carries aws:PrincipalOrgID"


def test_org_rules_follow_disable_and_severity(tmp_path: Path) -> None:
    rules = [
        {
            "id": "ORG-A",
            "title": "a",
            "severity": "error",
            "when": {"cross_account": True},
            "require": {"condition_keys": ["aws:PrincipalOrgID"]},
        }
    ]
    example = {"plan": {}}
    rerated = parse_config(
        {"organization-rules": rules, "severity": {"ORG-A": "info"}}, source=DOCS
    )
    assert {f.severity.value for f in lint_example(tmp_path, example, rerated)} == {"info"}
    disabled = parse_config({"organization-rules": rules, "disable": ["org-a"]}, source=DOCS)
    assert lint_example(tmp_path, example, disabled) == []


def test_rules_from_their_own_file(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(
        "organization-rules:\n  - {id: ORG-X, title: x, severity: warning, when: {public: true}}\n"
    )
    config = parse_config({"organization-rules": "org.yaml"}, source=tmp_path / ".xreg.yaml")
    assert [rule.id for rule in config.organization_rules] == ["ORG-X"]


def test_documented_pyproject_table_is_valid() -> None:
    (block,) = _blocks("toml")
    table = tomllib.loads(block)["tool"]["xreg"]
    config = parse_config(table, source=Path("pyproject.toml"), prefix="tool.xreg.")
    assert config.fail_on == "warning"
    assert config.severities["MISSING-ORG-CONDITION"].value == "error"
    assert config.disabled == frozenset({"ACTION-WILDCARD"})


@pytest.mark.parametrize(
    ("rule", "path", "reason"),
    [
        (
            {"title": "t", "severity": "error", "when": {}},
            "organization-rules[0].id",
            "is required",
        ),
        (
            {"id": "lower", "title": "t", "severity": "error", "when": {}},
            "organization-rules[0].id",
            "ORG-MY-RULE",
        ),
        (
            {"id": "POLICY-SID", "title": "t", "severity": "error", "when": {}},
            "organization-rules[0].id",
            "built-in",
        ),
        (
            {"id": "ORG-A", "title": "t", "severity": "fatal", "when": {}},
            "organization-rules[0].severity",
            "error, warning or info",
        ),
        (
            {"id": "ORG-A", "title": "t", "severity": "error", "when": {"effect": "allow"}},
            "organization-rules[0].when.effect",
            "Allow or Deny",
        ),
        (
            {"id": "ORG-A", "title": "t", "severity": "error", "when": {"efect": "Allow"}},
            "organization-rules[0].when.efect",
            "unknown key",
        ),
        (
            {
                "id": "ORG-A",
                "title": "t",
                "severity": "error",
                "when": {},
                "require": {"condition_key": ["x"]},
            },
            "organization-rules[0].require.condition_key",
            "unknown key",
        ),
        (
            {
                "id": "ORG-A",
                "title": "t",
                "severity": "error",
                "when": {},
                "applies_to": ["bucket", "queue"],
            },
            "organization-rules[0].applies_to",
            "not a policy type",
        ),
        (
            {"id": "ORG-A", "title": "t", "severity": "error", "when": {"cross_account": "yes"}},
            "organization-rules[0].when.cross_account",
            "true or false",
        ),
    ],
)
def test_malformed_rules_are_refused_with_the_key(
    rule: dict[str, Any], path: str, reason: str
) -> None:
    with pytest.raises(InputError) as raised:
        parse_config({"organization-rules": [rule]}, source=Path(".xreg.yaml"))
    assert raised.value.path == path
    assert reason in raised.value.reason
