from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from checker.records import replace
from checker.report.junit import render_junit
from checker.results.model import Finding, Location, Report, Severity
from report.factories import (
    make_report,
    passing_report,
    requirement,
    unverified_requirement,
)

# The elements and attributes of the JUnit XML that CI tools read (the Jenkins/Ant shape
# GitLab, Jenkins and Azure DevOps accept).
ALLOWED_CHILDREN = {
    "testsuites": {"testsuite"},
    "testsuite": {"properties", "testcase", "system-out", "system-err"},
    "properties": {"property"},
    "property": set(),
    "testcase": {"failure", "error", "skipped", "system-out", "system-err"},
    "failure": set(),
    "error": set(),
    "skipped": set(),
    "system-out": set(),
    "system-err": set(),
}
REQUIRED_ATTRIBUTES = {
    "testsuite": {"name", "tests", "failures", "errors", "skipped"},
    "testcase": {"name", "classname"},
    "property": {"name", "value"},
    "failure": {"message", "type"},
}


def parse(report: Report) -> ET.Element:
    text = render_junit(report)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text)


def check_shape(element: ET.Element) -> None:
    assert element.tag in ALLOWED_CHILDREN
    for child in element:
        assert child.tag in ALLOWED_CHILDREN[element.tag], f"{child.tag} in {element.tag}"
        check_shape(child)
    assert REQUIRED_ATTRIBUTES.get(element.tag, set()) <= set(element.attrib)
    if element.tag == "testcase":
        outcomes = [child.tag for child in element if child.tag in ("failure", "error", "skipped")]
        assert len(outcomes) <= 1


def check_counts(root: ET.Element) -> None:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        counted = {
            "tests": len(cases),
            "failures": sum(case.find("failure") is not None for case in cases),
            "errors": sum(case.find("error") is not None for case in cases),
            "skipped": sum(case.find("skipped") is not None for case in cases),
        }
        for key, value in counted.items():
            assert int(suite.attrib[key]) == value, (suite.attrib["name"], key)
            totals[key] += value
    for key, value in totals.items():
        assert int(root.attrib[key]) == value


def cases(root: ET.Element, suite: str) -> dict[str, ET.Element]:
    found = root.find(f"testsuite[@name='{suite}']")
    assert found is not None
    return {case.attrib["name"]: case for case in found.findall("testcase")}


def outcome(case: ET.Element) -> str:
    for tag in ("failure", "skipped", "error"):
        if case.find(tag) is not None:
            return tag
    return "passed"


def test_shape_and_counts_add_up() -> None:
    root = parse(make_report())
    assert root.tag == "testsuites"
    check_shape(root)
    check_counts(root)


def test_one_case_per_requirement_and_per_rule() -> None:
    report = make_report(extra={"rules_checked": ["S3-ACTION-RESOURCE-MISMATCH", "ECR-CLEAN"]})
    root = parse(report)
    requirement_cases = cases(root, "xreg.requirements")
    assert len(requirement_cases) == len(report.requirements)
    for req in report.requirements:
        assert f"{req.id}: {req.principal} {req.action} {req.resource}" in requirement_cases
    rule_cases = cases(root, "xreg.rules")
    assert set(rule_cases) == {
        "S3-ACTION-RESOURCE-MISMATCH",
        "ECR-WILDCARD-ACTION",
        "KMS-GRANTEE-NOT-ARN",
        "ECR-CLEAN",
    }
    assert outcome(rule_cases["ECR-CLEAN"]) == "passed"


def test_failures_carry_reason_and_fix() -> None:
    root = parse(make_report())
    requirement_cases = cases(root, "xreg.requirements")
    denied = next(case for name, case in requirement_cases.items() if "GetDownloadUrl" in name)
    failure = denied.find("failure")
    assert failure is not None
    assert failure.attrib["type"] == "implicit_deny"
    assert "no statement of the repository policy allows" in failure.attrib["message"]
    assert "aws ecr set-repository-policy" in (failure.text or "")
    assert '"ecr:GetDownloadUrlForLayer"' in (failure.text or "")
    assert "fixtures/aws-doc-sample/policies/ecr-repository.json:4" in (failure.text or "")
    rule = cases(root, "xreg.rules")["S3-ACTION-RESOURCE-MISMATCH"].find("failure")
    assert rule is not None
    assert "grants it only on objects" in rule.attrib["message"]
    assert "aws s3api put-bucket-policy" in (rule.text or "")


def test_outcomes_follow_fail_on() -> None:
    by_default = parse(make_report())
    requirement_cases = cases(by_default, "xreg.requirements")
    names = {
        name.split(":")[0] + ":" + name.split()[2]: case for name, case in requirement_cases.items()
    }
    assert outcome(names["consumer-pulls-image:ecr:GetDownloadUrlForLayer"]) == "failure"
    assert outcome(names["consumer-pulls-image:ecr:BatchGetImage"]) == "passed"
    assert outcome(names["consumer-decrypts-artifact:kms:Decrypt"]) == "failure"
    # Documented, not required: amber unless warnings fail the run.
    assert outcome(names["consumer-reads-bucket-acl:s3:GetBucketAcl"]) == "skipped"
    rules = cases(by_default, "xreg.rules")
    assert outcome(rules["ECR-WILDCARD-ACTION"]) == "skipped"
    assert outcome(rules["KMS-GRANTEE-NOT-ARN"]) == "skipped"  # suppressed

    strict = parse(make_report(extra={"fail_on": "warning"}))
    strict_names = [
        name
        for name, case in cases(strict, "xreg.requirements").items()
        if outcome(case) == "failure"
    ]
    assert any("s3:GetBucketAcl" in name for name in strict_names)
    assert outcome(cases(strict, "xreg.rules")["ECR-WILDCARD-ACTION"]) == "failure"
    assert outcome(cases(strict, "xreg.rules")["KMS-GRANTEE-NOT-ARN"]) == "skipped"

    never = parse(make_report(extra={"fail_on": "never"}))
    # `never` changes the exit status, not the truth about a required access.
    assert outcome(cases(never, "xreg.rules")["S3-ACTION-RESOURCE-MISMATCH"]) == "skipped"
    assert any(outcome(case) == "failure" for case in cases(never, "xreg.requirements").values())


def test_unverified_access_is_amber_not_green_nor_red() -> None:
    unverified = unverified_requirement(because="no identity policy of the consumer is given")
    root = parse(make_report((unverified,), ()))
    (case,) = cases(root, "xreg.requirements").values()
    skipped = case.find("skipped")
    assert skipped is not None
    assert "no identity policy of the consumer is given" in skipped.attrib["message"]


@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
def test_a_failure_appears_exactly_when_the_engine_fails_the_verdict(fail_on: str) -> None:
    from checker.engine.verdict import verdict

    report = make_report(extra={"fail_on": fail_on})
    variants = [
        report,
        passing_report(),
        replace(report, requirements=report.requirements[:1]),
        replace(report, findings=()),
        replace(report, requirements=report.requirements[4:], findings=()),
        replace(report, requirements=report.requirements[:1], findings=report.findings[1:]),
    ]
    for variant in variants:
        variant = replace(variant, extra={"fail_on": fail_on})
        root = parse(variant)
        engine_verdict = verdict(variant.requirements, variant.findings, fail_on)
        assert (int(root.attrib["failures"]) > 0) == (engine_verdict == "fail")


def test_hostile_text_stays_well_formed_xml() -> None:
    hostile = "x]]></failure><script>alert(1)</script>\x00\x1b\"'&"
    finding = Finding(
        rule="RULE-" + hostile,
        severity=Severity.ERROR,
        message=hostile,
        location=Location(source=hostile, line=1),
        fingerprint="f",
    )
    root = parse(make_report((requirement(because=hostile),), (finding,)))
    check_shape(root)
    check_counts(root)
    failure = root.find(".//failure")
    assert failure is not None
    assert "<script>alert(1)</script>" in failure.attrib["message"]
    assert "\x00" not in failure.attrib["message"]
