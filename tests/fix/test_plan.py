"""checker.fix.plan: lint's corrections applied round by round, then merged with the access
fixes so that each policy gets one document, one file and one command."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.engine.policies import PolicyIndex
from checker.fix.plan import lint_corrected
from checker.plan.model import Plan
from checker.results.model import Finding, Fix, Location, Severity
from tests.fix.scenario import BUCKET_POLICY, load_scenario
from tests.matrix.plan_data import CONSUMER, KEY, T

FIELD = "resources.s3_buckets[0].policy"
TLS_ONLY = {
    "Sid": "TlsOnly",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::models-bucket", "arn:aws:s3:::models-bucket/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def _finding(rule: str, fix: Fix | None, suppressed: str | None = None) -> Finding:
    location = Location(source="policies/bucket.json")
    return Finding(
        rule, Severity.WARNING, "m", location, f"fp-{rule}", fix=fix, suppressed=suppressed
    )


def _bucket_fix(document: dict[str, Any], statement: dict[str, Any] | None = None) -> Fix:
    return Fix(
        account=T,
        target="bucket policy of models-bucket",
        command="aws s3api put-bucket-policy --bucket models-bucket --policy file://x.json",
        policy=document,
        plan_field=FIELD,
        statement=statement,
    )


def _with_tls(document: dict[str, Any]) -> dict[str, Any]:
    corrected = copy.deepcopy(document)
    corrected["Statement"].append(TLS_ONLY)
    return corrected


def _bucket_document(plan: Plan) -> dict[str, Any]:
    policy = plan.s3_buckets[0].policy
    assert policy is not None
    return dict(policy.document)


def test_a_correction_is_applied_and_remembered_by_its_rule(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    corrections = lint_corrected(
        plan, [_finding("S3-TLS", _bucket_fix(_with_tls(BUCKET_POLICY)))], None
    )
    assert _bucket_document(corrections.plan)["Statement"][-1] == TLS_ONLY
    assert corrections.policy_fields == {FIELD: ["S3-TLS"]}


def test_suppressed_findings_and_findings_without_a_fix_correct_nothing(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    findings = [
        _finding("S3-TLS", _bucket_fix(_with_tls(BUCKET_POLICY)), suppressed="accepted"),
        _finding("NOTE", None),
    ]
    corrections = lint_corrected(plan, findings, None)
    assert corrections.plan is plan
    assert corrections.policy_fields == {}


def test_grants_are_collected_for_the_grant_fixes(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    grant = Fix(
        account=T,
        target="grants",
        command="c",
        kind="kms_grant",
        resource=KEY,
        grant={"GranteePrincipal": CONSUMER, "Operations": ["Decrypt"]},
    )
    corrections = lint_corrected(plan, [_finding("KMS-GRANT", grant)], None)
    assert corrections.grants == [grant]
    assert [g.grantee_principal for g in corrections.plan.kms_keys[0].grants] == [CONSUMER]


def test_each_round_corrects_the_document_the_previous_one_left(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    second = {**TLS_ONLY, "Sid": "Second"}
    seen: list[int] = []

    def relint(corrected: Plan) -> list[Finding]:
        document = _bucket_document(corrected)
        seen.append(len(document["Statement"]))
        if all(s.get("Sid") != "Second" for s in document["Statement"]):
            fixed = copy.deepcopy(document)
            fixed["Statement"].append(second)
            return [_finding("SECOND", _bucket_fix(fixed))]
        return []

    first = _finding("S3-TLS", _bucket_fix(_with_tls(BUCKET_POLICY)))
    corrections = lint_corrected(plan, [first], relint)
    sids = [s.get("Sid") for s in _bucket_document(corrections.plan)["Statement"]]
    assert sids == ["OwnerReads", "TlsOnly", "Second"]
    assert corrections.policy_fields == {FIELD: ["S3-TLS", "SECOND"]}
    assert seen == [2, 3]


def test_a_correction_that_never_settles_stops_after_a_bounded_number_of_rounds(
    tmp_path: Path,
) -> None:
    plan = load_scenario(tmp_path)
    rounds: list[int] = []

    def relint(corrected: Plan) -> list[Finding]:
        rounds.append(1)
        document = _bucket_document(corrected)
        fixed = copy.deepcopy(document)
        fixed["Statement"].append({**TLS_ONLY, "Sid": f"Round{len(rounds)}"})
        return [_finding("AGAIN", _bucket_fix(fixed))]

    lint_corrected(plan, [_finding("AGAIN", _bucket_fix(_with_tls(BUCKET_POLICY)))], relint)
    assert 1 <= len(rounds) <= 8


def test_a_correction_seen_before_is_not_applied_again(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    same = _finding("S3-TLS", _bucket_fix(_with_tls(BUCKET_POLICY)))
    calls: list[int] = []

    def relint(corrected: Plan) -> list[Finding]:
        calls.append(1)
        return [same]  # the same content again: nothing new to apply

    corrections = lint_corrected(plan, [same], relint)
    assert len(calls) == 1
    assert len(_bucket_document(corrections.plan)["Statement"]) == 2


def test_lint_and_access_fixes_of_one_policy_are_one_document(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)

    def findings(current: Plan, index: PolicyIndex) -> list[Finding]:
        document = _bucket_document(current)
        if any(s.get("Sid") == "TlsOnly" for s in document["Statement"]):
            return []
        return [_finding("S3-TLS", _bucket_fix(_with_tls(document), statement=TLS_ONLY))]

    report = check_plan(plan, CheckOptions(extra_findings=findings))
    bucket_fixes = [f for f in report.extra["fixes"] if f.plan_field == FIELD]
    assert len(bucket_fixes) == 1
    [fix] = bucket_fixes
    assert fix.policy is not None
    sids = [s.get("Sid") for s in fix.policy["Statement"]]
    assert sids == ["OwnerReads", "TlsOnly", "XregAllowSageMakerDeployRole"]
    assert "corrects what S3-TLS found" in fix.description
    # the finding carries the merged fix (same id), showing its own statement
    [finding] = [f for f in report.findings if f.rule == "S3-TLS"]
    assert finding.fix is not None and finding.fix.id == fix.id
    assert finding.fix.statement == TLS_ONLY
    # the denied row names the merged fix among its fixes
    [row] = [r for r in report.requirements if r.action == "s3:GetObject"]
    assert fix.id in {f.id for f in row.fixes}
