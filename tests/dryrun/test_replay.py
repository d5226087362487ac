"""The bundled fixtures replayed in-process: each stops at the right step for the right reason,
or returns a model package ARN in the registry account."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.report.json_report import report_to_dict
from tests.conftest import FIXTURES, assert_valid_report, fixture_plans
from tests.dryrun.conftest import (
    FAILING,
    PASSING,
    REGISTRY_PACKAGE,
    pipeline_plan,
    replay,
    stopped_step,
    trace_of,
)


def test_every_fixture_is_covered() -> None:
    assert {path.parent.name for path in fixture_plans()} == set(FAILING) | set(PASSING)


@pytest.mark.parametrize("name", sorted(FAILING))
def test_failing_fixture_stops_where_aws_would_refuse(name: str) -> None:
    report = replay(FIXTURES / name / "plan.yaml")
    call, target, code, clause = FAILING[name]
    step = stopped_step(report)
    assert (step["call"], step["target"], step["status"]) == (call, target, "denied")
    assert step["error_code"] == code
    assert step["error_message"].startswith(f"User: {step['principal']} is not authorized to ")
    assert step["error_message"].endswith(f"on resource: {target} {clause}")
    assert step["checked_by"] == ["decided by xreg"]
    assert report.verdict == "fail"
    steps = trace_of(report)["steps"]
    assert all(s["status"] == "succeeded" for s in steps[: step["step"] - 1])
    # Later steps ran unless they need one that failed, and then they name it.
    for later in steps[step["step"] :]:
        if later["status"] == "not_reached":
            assert later["because"].startswith("not reached: it needs step ")
    assert_valid_report(report_to_dict(report))


@pytest.mark.parametrize("name", sorted(PASSING))
def test_passing_fixture_registers_in_the_registry_account(name: str) -> None:
    report = replay(FIXTURES / name / "plan.yaml")
    trace = trace_of(report)
    assert trace["outcome"] == "succeeded", trace["steps"]
    assert trace["model_package_arn"] == REGISTRY_PACKAGE.format(group=PASSING[name])
    assert report.verdict == "pass"
    assert all(step["status"] == "succeeded" for step in trace["steps"])
    assert_valid_report(report_to_dict(report))


def test_the_seed_fails_on_the_layer_download_with_the_repository_policy_as_evidence(
    example_plan: Path,
) -> None:
    report = replay(example_plan)
    trace = trace_of(report)
    calls = [step["call"] for step in trace["steps"]]
    assert calls == [
        "sagemaker.create_model_package",
        "ecr.get_authorization_token",
        "ecr.batch_get_image",
        "ecr.get_download_url_for_layer",
        "ecr.get_download_url_for_layer",
        "s3.get_object",
        "kms.decrypt",
    ]
    step = stopped_step(report)
    assert step["step"] == 4
    assert step["principal"] == "arn:aws:iam::111111111111:root"
    assert step["decision"] == "implicit_deny"
    assert step["evidence"] == [{"source": "policies/ecr-repository.json", "statement": "AddPerm"}]
    assert "allows only ecr:BatchGetImage, ecr:Describe*" in step["because"]
    # the registration itself went through: the group policy allows the training account
    first = trace["steps"][0]
    assert first["status"] == "succeeded"
    assert first["routed_to"] == "111111111111"
    assert trace["model_package_arn"] == REGISTRY_PACKAGE.format(group="iris")
    # the manifest is read from moto, routed to the repository's account
    assert trace["steps"][2]["routed_to"] == "222222222222"
    assert "emulated by moto" in trace["steps"][2]["checked_by"]


def test_what_nobody_checked_is_said_per_step(example_plan: Path) -> None:
    """The seed gives no identity policies: the token step rests on them alone."""
    steps = trace_of(replay(example_plan))["steps"]
    token = steps[1]
    assert token["decision"] == "unverified"
    assert token["checked_by"] == ["emulated by moto", "not checked"]
    manifest = steps[2]
    assert manifest["checked_by"] == ["decided by xreg", "emulated by moto", "not checked"]
    assert any(
        "identity policies of arn:aws:iam::111111111111:root" in n for n in manifest["notes"]
    )


def test_a_step_moto_does_not_implement_is_decided_but_not_sent() -> None:
    steps = trace_of(replay(FIXTURES / "aws-doc-sample-fixed" / "plan.yaml"))["steps"]
    layer = next(step for step in steps if step["call"] == "ecr.get_download_url_for_layer")
    assert layer["status"] == "succeeded"
    assert layer["decision"] == "allowed"
    assert layer["checked_by"] == ["decided by xreg", "not checked"]
    assert layer["result"] == "not sent"
    assert any("moto does not implement GetDownloadUrlForLayer" in n for n in layer["notes"])


def test_the_consumer_decrypts_the_data_key_of_the_artifact_with_the_plans_key() -> None:
    steps = trace_of(replay(FIXTURES / "kms-grant-only" / "plan.yaml"))["steps"]
    decrypt = next(step for step in steps if step["call"] == "kms.decrypt")
    key = "arn:aws:kms:us-east-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert decrypt["target"] == key  # the plan's ARN, not moto's random key id
    assert decrypt["routed_to"] == "222222222222"
    assert decrypt["checked_by"] == ["decided by xreg", "emulated by moto"]
    # the grant to the consumer role is what allows it
    assert any(item["statement"].startswith("grant:") for item in decrypt["evidence"])
    read = next(step for step in steps if step["call"] == "s3.get_object")
    assert read["result"].endswith(f"aws:kms with {key}")


def test_a_fifteen_container_pipeline_replays(tmp_path: Path) -> None:
    report = replay(pipeline_plan(tmp_path / "plan15"))
    trace = trace_of(report)
    assert trace["outcome"] == "succeeded", stopped_step(report)
    calls = [step["call"] for step in trace["steps"]]
    assert calls.count("ecr.batch_get_image") == 15
    assert calls.count("s3.get_object") == 15
    assert calls.count("kms.decrypt") == 15
    assert calls.count("ecr.get_download_url_for_layer") == 30  # config and layer of each
    assert trace["model_package_arn"] == REGISTRY_PACKAGE.format(group="churn")
    targets = {step["target"] for step in trace["steps"] if step["call"] == "s3.get_object"}
    assert "arn:aws:s3:::churn-features/step-13/model.tar.gz" in targets


@pytest.mark.parametrize("name", sorted(FAILING))
def test_with_fixes_every_fixable_failing_fixture_succeeds(name: str) -> None:
    report = replay(FIXTURES / name / "plan.yaml", with_fixes=True)
    trace = trace_of(report)
    assert trace["outcome"] == "succeeded", stopped_step(report)
    assert trace["applied_fixes"], "the fixes applied are listed"
    assert trace["model_package_arn"] == REGISTRY_PACKAGE.format(group="iris")
    assert report.verdict == "pass"
