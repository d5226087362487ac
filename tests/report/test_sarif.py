from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import unquote, urlsplit

from checker.policy.decision import Decision
from checker.records import replace
from checker.report.sarif import FINGERPRINT_KEY, render_sarif, sarif_log
from checker.results.model import Level, Location
from checker.results.outcome import requirement_fingerprint
from report.factories import (
    CONSUMER,
    make_report,
    requirement,
    sample_requirements,
    unverified_requirement,
)
from report.sarif_schema import SARIF_SCHEMA, assert_valid_sarif, sarif_errors


def results_of(log: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = log["runs"][0]["results"]
    return results


def result_for(log: dict[str, Any], rule: str, action: str | None = None) -> dict[str, Any]:
    for result in results_of(log):
        if result["ruleId"] == rule and (
            action is None or result.get("properties", {}).get("action") == action
        ):
            return result
    raise AssertionError(f"no result for {rule} {action}")


def test_the_shipped_schema_is_the_official_one_and_it_rejects_invalid_logs() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    log = sarif_log(make_report())
    wrong_version = {**log, "version": "2.0.0"}
    assert sarif_errors(wrong_version)
    bad_level = copy.deepcopy(log)
    bad_level["runs"][0]["results"][0]["level"] = "fatal"
    assert sarif_errors(bad_level)


def test_sample_report_is_valid_sarif_and_renders_as_json() -> None:
    text = render_sarif(make_report())
    log = json.loads(text)
    assert_valid_sarif(log)
    assert log["version"] == "2.1.0"
    assert log["runs"][0]["tool"]["driver"]["name"] == "xreg"
    assert text.endswith("\n")


def test_every_gap_and_every_finding_is_a_result_and_nothing_allowed_is() -> None:
    report = make_report()
    log = sarif_log(report)
    keys = {
        (result["ruleId"], result.get("properties", {}).get("action")) for result in results_of(log)
    }
    expected_requirements = {
        (req.id, req.action) for req in report.requirements if req.decision is not Decision.ALLOWED
    }
    assert expected_requirements <= keys
    assert ("registrar-creates-model-package", "sagemaker:CreateModelPackage") not in keys
    assert ("consumer-pulls-image", "ecr:BatchGetImage") not in keys
    assert {finding.rule for finding in report.findings} <= {rule for rule, _ in keys}
    assert len(results_of(log)) == len(expected_requirements) + len(report.findings)


def test_results_point_at_file_line_and_column_relative_to_the_working_directory() -> None:
    log = sarif_log(make_report())
    denied = result_for(log, "consumer-pulls-image", "ecr:GetDownloadUrlForLayer")
    physical = denied["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == (
        "fixtures/aws-doc-sample/policies/ecr-repository.json"
    )
    assert physical["region"] == {"startLine": 4, "startColumn": 5}
    logical = denied["locations"][0]["logicalLocations"][0]
    assert logical["name"] == "AddPerm"
    finding = result_for(log, "S3-ACTION-RESOURCE-MISMATCH")
    region = finding["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 7, "startColumn": 7}


def test_location_falls_back_to_the_source_beside_the_plan_and_to_the_plan() -> None:
    unknown = requirement(
        id="consumer-decrypts-artifact",
        principal=CONSUMER,
        action="kms:Decrypt",
        decision=Decision.UNKNOWN,
        referenced_by=("resources.kms_keys[0]",),
    )
    source_only = requirement(
        id="consumer-reads-artifact",
        principal=CONSUMER,
        action="s3:GetObject",
        decision=Decision.IMPLICIT_DENY,
        location=Location(source="policies/bucket.json", statement="AddPerm", line=3),
    )
    log = sarif_log(make_report((unknown, source_only), ()))
    assert_valid_sarif(log)
    to_plan = result_for(log, "consumer-decrypts-artifact")["locations"][0]
    assert to_plan["physicalLocation"]["artifactLocation"]["uri"] == (
        "fixtures/aws-doc-sample/plan.yaml"
    )
    # A code-scanning tool needs a line: the file's first stands in for an unknown one.
    assert to_plan["physicalLocation"]["region"] == {"startLine": 1}
    assert to_plan["logicalLocations"][0]["name"] == "resources.kms_keys[0]"
    to_source = result_for(log, "consumer-reads-artifact")["locations"][0]["physicalLocation"]
    # A source names a file relative to the plan's folder; the tool wants it from here.
    assert to_source["artifactLocation"]["uri"] == "fixtures/aws-doc-sample/policies/bucket.json"
    assert to_source["region"] == {"startLine": 3}


def test_paths_become_uri_references() -> None:
    located = requirement(
        decision=Decision.EXPLICIT_DENY,
        location=Location(source="p/my policy#1.json", line=2, file="plans/my policy#1.json"),
    )
    log = sarif_log(make_report((located,), ()))
    assert_valid_sarif(log)
    uri = results_of(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert " " not in uri and "#" not in uri
    assert unquote(urlsplit(uri).path) == "plans/my policy#1.json"


def test_levels_follow_severity() -> None:
    report = make_report()
    unverified = unverified_requirement()
    log = sarif_log(replace(report, requirements=(*report.requirements, unverified)))
    assert result_for(log, "consumer-pulls-image", "ecr:GetDownloadUrlForLayer")["level"] == (
        "error"
    )
    assert result_for(log, "consumer-decrypts-artifact")["level"] == "error"
    assert result_for(log, "consumer-reads-bucket-acl")["level"] == "warning"
    assert result_for(log, "consumer-gets-ecr-token")["level"] == "note"
    assert result_for(log, "ECR-WILDCARD-ACTION")["level"] == "warning"


def test_partial_fingerprints_hash_what_not_where() -> None:
    report = make_report()
    log = sarif_log(report)
    finding = result_for(log, "S3-ACTION-RESOURCE-MISMATCH")
    assert finding["partialFingerprints"] == {FINGERPRINT_KEY: "3f1c0ffee0ddba11"}

    denied = sample_requirements()[1]
    moved = replace(denied, location=replace(denied.location or Location("x"), line=40, column=9))
    assert requirement_fingerprint(moved) == requirement_fingerprint(denied)
    changes: tuple[dict[str, Any], ...] = (
        {"resource": denied.resource + "-other"},
        {"principal": denied.principal + "2"},
        {"action": "ecr:BatchGetImage"},
        {"id": "consumer-pulls-image-2"},
    )
    for change in changes:
        assert requirement_fingerprint(replace(denied, **change)) != (
            requirement_fingerprint(denied)
        )
    moved_log = sarif_log(replace(report, requirements=(moved,)))
    assert (
        results_of(moved_log)[0]["partialFingerprints"]
        == result_for(log, "consumer-pulls-image", "ecr:GetDownloadUrlForLayer")[
            "partialFingerprints"
        ]
    )


def test_rules_carry_rationale_fix_and_link_and_results_index_them() -> None:
    log = sarif_log(make_report())
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted(rule["id"] for rule in rules)
    for result in results_of(log):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    by_id = {rule["id"]: rule for rule in rules}
    pull = by_id["consumer-pulls-image"]
    # From rules/matrix.yaml: the rationale is the help text, the AWS page the link.
    assert "GetDownloadUrlForLayer" in pull["fullDescription"]["text"]
    assert pull["helpUri"].startswith("https://docs.aws.amazon.com/")
    assert pull["help"]["text"] == pull["fullDescription"]["text"]
    assert pull["defaultConfiguration"]["level"] == "error"
    acl = by_id["consumer-reads-bucket-acl"]
    assert acl["defaultConfiguration"]["level"] == "warning"
    # A rule no catalogue knows falls back to the finding's own title.
    mismatch = by_id["S3-ACTION-RESOURCE-MISMATCH"]
    assert mismatch["shortDescription"]["text"] == (
        "An S3 action is granted on the wrong kind of resource"
    )


def test_fix_travels_in_message_and_properties() -> None:
    log = sarif_log(make_report())
    denied = result_for(log, "consumer-pulls-image", "ecr:GetDownloadUrlForLayer")
    assert "aws ecr set-repository-policy" in denied["message"]["text"]
    assert '"ecr:GetDownloadUrlForLayer"' in denied["message"]["markdown"]
    fix = denied["properties"]["fix"]
    assert fix["account"] == "222222222222"
    assert fix["id"] == "F1"
    assert fix["policy"]["Statement"][0]["Sid"] == "AddPerm"


def test_suppressed_findings_are_reported_as_suppressed() -> None:
    log = sarif_log(make_report())
    suppressed = result_for(log, "KMS-GRANTEE-NOT-ARN")
    assert suppressed["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "accepted until the key is rotated",
        }
    ]
    assert "suppressions" not in result_for(log, "S3-ACTION-RESOURCE-MISMATCH")


def test_passing_report_has_no_results_but_is_valid() -> None:
    allowed = tuple(
        replace(req, decision=Decision.ALLOWED, level=Level.REQUIRED)
        for req in sample_requirements()
    )
    log = sarif_log(make_report(allowed, (), verdict="pass"))
    assert_valid_sarif(log)
    assert results_of(log) == []
    assert log["runs"][0]["properties"]["verdict"] == "pass"


def test_lint_rules_get_rationale_fix_and_reference_from_their_catalogue() -> None:
    from checker.lint.spec import load_rule_specs

    spec = load_rule_specs()[0]
    finding = replace(make_report().findings[0], rule=spec.id, title=None)
    log = sarif_log(make_report((), (finding,)))
    assert_valid_sarif(log)
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["shortDescription"]["text"] == spec.title
    assert rule["fullDescription"]["text"] == spec.rationale
    assert f"Fix: {spec.fix}" in rule["help"]["text"]
    assert f"**Fix:** {spec.fix}" in rule["help"]["markdown"]
    assert rule["helpUri"] == spec.references[0]
    assert rule["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning"}.get(
        spec.severity.value, "note"
    )
