"""The gate in front of moto: validation, undecidable calls, strict mode, routing."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.conftest import FIXTURES
from tests.dryrun.conftest import (
    copy_fixture,
    edit_plan,
    replay,
    stopped_step,
    trace_of,
)
from tests.moto_server import MotoServer, session_as

FIXED = FIXTURES / "aws-doc-sample-fixed" / "plan.yaml"


def test_a_request_sagemaker_would_refuse_fails_validation_before_it_is_sent(
    tmp_path: Path, fresh_server: MotoServer
) -> None:
    plan = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"),
        registration={"ModelPackageDescription": "x" * 1025, "ModelApprovalStatus": "Pending"},
    )
    report = replay(plan, endpoint_url=fresh_server.endpoint_url)
    step = stopped_step(report)
    assert (step["step"], step["status"], step["error_code"]) == (
        1,
        "invalid",
        "ValidationException",
    )
    assert step["error_message"].startswith("2 validation errors detected: ")
    assert "'ModelPackageDescription'" in step["error_message"]
    assert "at most 1024 characters" in step["error_message"]
    assert (
        "'Pending' is not one of Approved, Rejected, PendingManualApproval"
        in (step["error_message"])
    )
    assert trace_of(report)["model_package_arn"] is None
    assert "CreateModelPackage" not in {entry[1] for entry in fresh_server.operations()}


def test_an_unknown_parameter_is_refused_by_botocore_itself(tmp_path: Path) -> None:
    plan = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"),
        registration={"ModelPackageDescriptionText": "typo"},
    )
    step = stopped_step(replay(plan))
    assert (step["status"], step["error_code"]) == ("invalid", "ParamValidationError")
    assert "ModelPackageDescriptionText" in step["error_message"]


def test_a_resource_the_plan_does_not_describe_is_unknown_and_never_sent(
    tmp_path: Path, fresh_server: MotoServer
) -> None:
    """No bucket in the plan: xreg cannot vouch for the read, so it holds the call back."""
    plan_path = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"),
        lambda data: data["resources"].pop("s3_buckets"),
    )
    report = replay(plan_path, endpoint_url=fresh_server.endpoint_url)
    step = stopped_step(report)
    assert (step["call"], step["status"], step["decision"]) == (
        "s3.get_object",
        "unknown",
        "unknown",
    )
    assert step["checked_by"] == ["not checked"]
    assert "error_code" not in step  # AWS was not imitated: nobody knows what it would say
    assert trace_of(report)["outcome"] == "unknown"
    assert report.verdict == "fail"
    assert "GetObject" not in {entry[1] for entry in fresh_server.operations()}


def test_strict_stops_where_the_plan_gives_no_identity_policies(example_plan: Path) -> None:
    lenient = trace_of(replay(example_plan))
    strict = replay(example_plan, strict=True)
    assert lenient["steps"][0]["status"] == "succeeded"
    step = stopped_step(strict)
    assert (step["step"], step["status"]) == (1, "unknown")
    assert "identity policies" in step["because"]


def test_moto_alone_cannot_register_into_another_accounts_group(
    fresh_server: MotoServer,
) -> None:
    """Why xreg routes CreateModelPackage: moto looks for the group in the caller's account."""
    report = replay(FIXED, endpoint_url=fresh_server.endpoint_url)
    assert trace_of(report)["steps"][0]["routed_to"] == "111111111111"
    sagemaker = session_as(
        fresh_server.endpoint_url,
        "222222222222",
        role="TrainingPipelineRole",
        session_name="direct",
    ).client("sagemaker", endpoint_url=fresh_server.endpoint_url)
    from checker.plan.loader import load_plan

    request = dict(load_plan(FIXED).registration)
    with pytest.raises(ClientError, match="does not exist"):
        sagemaker.create_model_package(**request)


def test_a_bucket_policy_moto_would_misjudge_is_held_by_xreg() -> None:
    from checker.dryrun.sandbox.s3 import conditional_star_statements

    document = {
        "Statement": [
            {"Sid": "Plain", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"},
            {
                "Sid": "Guard",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "222222222222"}},
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "s3:GetObject",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
            },
        ]
    }
    assert conditional_star_statements(document) == ["Guard"]
    trace = trace_of(replay(FIXTURES / "explicit-deny" / "plan.yaml", with_fixes=True))
    assert any("is held by xreg" in note and "KeepModelsInTrainingAccount" in note
               for note in trace["sandbox"])  # fmt: skip
    assert trace["outcome"] == "succeeded"


def test_a_bare_group_name_registers_in_the_registrars_own_account(tmp_path: Path) -> None:
    """The plan's group is in the registry account; a bare name means the training account's
    group of that name, which the plan does not describe: xreg cannot vouch for it."""
    plan = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"),
        registration={"ModelPackageGroupName": "iris"},
    )
    report = replay(plan)
    step = stopped_step(report)
    assert (step["step"], step["status"]) == (1, "unknown")
    assert step["target"] == "arn:aws:sagemaker:us-east-2:222222222222:model-package/iris/1"
    assert any(
        "does not describe the group arn:aws:sagemaker:us-east-2:222222222222:" in note
        for note in trace_of(report)["sandbox"]
    )


def test_a_request_that_names_no_group_is_unknown_not_a_crash(tmp_path: Path) -> None:
    plan = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"),
        registration={"ModelPackageGroupName": "arn:aws:s3:::my-bucket"},
    )
    step = stopped_step(replay(plan))
    assert (step["step"], step["status"], step["target"]) == (1, "unknown", "(no group)")
    assert "names no model package group" in step["because"]
