"""SageMaker pipeline definitions and CDK cloud assemblies as plan sources."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from checker.errors import InputError
from checker.plan.loader import load_plan
from tests.plans import FIXTURES
from tests.sources.helpers import GROUP_ARN, REGISTRY, TRAINING, check, row, write_json, write_plan

FIXTURE = FIXTURES / "iac" / "cdk-pipeline"
PIPELINE: dict[str, Any] = json.loads((FIXTURE / "pipeline.json").read_text())


def _pipeline_plan(tmp_path: Path, pipeline: dict[str, Any], **source: Any) -> Path:
    write_json(tmp_path / "pipeline.json", pipeline)
    return write_plan(
        tmp_path, [{"sagemaker_pipeline": "pipeline.json", **source}], registration=None
    )


def _steps(pipeline: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["Name"]: step for step in pipeline["Steps"]}


def test_the_register_step_is_the_request(tmp_path: Path) -> None:
    plan = load_plan(_pipeline_plan(tmp_path, PIPELINE, parameters={"ModelGroup": GROUP_ARN}))
    assert plan.registration["ModelPackageGroupName"] == GROUP_ARN
    (container,) = plan.registration["InferenceSpecification"]["Containers"]
    assert container["Image"] == "222222222222.dkr.ecr.us-east-2.amazonaws.com/iris-inference:1.0"
    assert container["ModelDataUrl"] == (
        "s3://iris-artifacts-222222222222/iris/models/*/output/model.tar.gz"
    )
    assert plan.registration["ModelApprovalStatus"] == "PendingManualApproval"
    assert (
        plan.training_job_output_kms_key
        == "arn:aws:kms:us-east-2:222222222222:alias/iris-artifacts"
    )


def test_a_parameter_default_that_is_a_bare_name_names_the_callers_own_group(
    tmp_path: Path,
) -> None:
    plan = load_plan(_pipeline_plan(tmp_path, PIPELINE))
    assert plan.registration["ModelPackageGroupName"] == "iris"  # the finding of today's rules
    report = check(_pipeline_plan(tmp_path, PIPELINE))
    created = row(report, "sagemaker:CreateModelPackage")
    assert f":{TRAINING}:model-package/iris/*" in created.resource


def test_pipeline_parameters_from_the_command_line_win(tmp_path: Path) -> None:
    path = _pipeline_plan(tmp_path, PIPELINE, parameters={"ModelGroup": "other"})
    plan = load_plan(path, pipeline_parameters={"ModelGroup": GROUP_ARN})
    assert plan.registration["ModelPackageGroupName"] == GROUP_ARN


def test_a_training_step_without_a_key_uses_aws_s3(tmp_path: Path) -> None:
    pipeline = copy.deepcopy(PIPELINE)
    del _steps(pipeline)["TrainIris"]["Arguments"]["OutputDataConfig"]["KmsKeyId"]
    report = check(_pipeline_plan(tmp_path, pipeline, parameters={"ModelGroup": GROUP_ARN}))
    decrypt = row(report, "kms:Decrypt")
    assert "aws/s3" in decrypt.resource or "aws/s3" in decrypt.because
    assert decrypt.decision.value != "allowed"
    assert any("aws/s3" in finding.message for finding in report.findings)


def test_an_expression_left_symbolic_is_an_error_finding(tmp_path: Path) -> None:
    pipeline = copy.deepcopy(PIPELINE)
    container = _steps(pipeline)["RegisterIris-RegisterModel"]["Arguments"][
        "InferenceSpecification"
    ]["Containers"][0]
    container["ModelDataUrl"] = {
        "Std:JsonGet": {"PropertyFile": {"Get": "Steps.Eval.PropertyFiles.E"}, "Path": "uri"}
    }
    report = check(_pipeline_plan(tmp_path, pipeline, parameters={"ModelGroup": GROUP_ARN}))
    (finding,) = [f for f in report.findings if f.rule == "SOURCE-UNRESOLVED-REQUEST"]
    assert finding.severity.value == "error"
    assert "ModelDataUrl is Std:JsonGet" in finding.message
    assert finding.location.file.endswith("pipeline.json") and finding.location.line is not None
    assert report.verdict == "fail"
    assert not any(
        r.action == "s3:GetObject" and r.decision.value == "allowed" for r in report.requirements
    )


def test_a_parameter_without_value_or_default_is_symbolic(tmp_path: Path) -> None:
    pipeline = copy.deepcopy(PIPELINE)
    del pipeline["Parameters"][0]["DefaultValue"]
    report = check(_pipeline_plan(tmp_path, pipeline))
    assert any(
        "pipeline parameter ModelGroup (no value given)" in f.message for f in report.findings
    )


def test_step_selects_among_several(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline = copy.deepcopy(PIPELINE)
    second = copy.deepcopy(_steps(pipeline)["RegisterIris-RegisterModel"])
    second["Name"] = "RegisterOther"
    second["Arguments"]["ModelPackageGroupName"] = GROUP_ARN
    pipeline["Steps"].append(second)
    _pipeline_plan(tmp_path, pipeline)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as error:
        load_plan("plan.yaml")
    assert str(error.value) == (
        "plan.yaml: sources[0]: pipeline.json has 2 RegisterModel steps "
        "(RegisterIris-RegisterModel, RegisterOther): name one with step:"
    )
    _pipeline_plan(tmp_path, pipeline, step="RegisterOther")
    assert load_plan("plan.yaml").registration["ModelPackageGroupName"] == GROUP_ARN


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"Version": "2020-12-01"}, "pipeline.json: $: not a pipeline definition"),
        ({"Steps": [{"Name": "A"}]}, "pipeline.json: Steps[0].Type: a step needs a Type"),
        (
            {"Steps": [{"Name": "A", "Type": "Training"}]},
            "plan.yaml: sources[0]: pipeline.json has 0 RegisterModel steps",
        ),
        (
            {
                "Steps": [
                    {
                        "Name": "R",
                        "Type": "RegisterModel",
                        "Arguments": {"ModelPackageGroupName": {"Get": "Parameters.Nope"}},
                    }
                ]
            },
            "pipeline.json: Steps[0].Arguments.ModelPackageGroupName:"
            " Get Parameters.Nope: the pipeline has no such parameter",
        ),
    ],
)
def test_malformed_pipelines_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, document: Any, message: str
) -> None:
    _pipeline_plan(tmp_path, document)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as error:
        load_plan("plan.yaml")
    assert str(error.value).startswith(message)


def _cdk(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE / "cdk.out", tmp_path / "cdk.out")
    return tmp_path / "cdk.out"


def test_cdk_stacks_are_picked_by_name(tmp_path: Path) -> None:
    _cdk(tmp_path)
    entry = {"cdk": "cdk.out", "account": REGISTRY, "stacks": ["RegistryStack"]}
    plan = load_plan(write_plan(tmp_path, [entry]))
    assert [group.arn for group in plan.model_package_groups] == [GROUP_ARN]
    assert plan.ecr_repositories == ()
    both = load_plan(
        write_plan(
            tmp_path,
            [{"cdk": "cdk.out", "account": TRAINING}, {"cdk": "cdk.out", "account": REGISTRY}],
        )
    )
    assert len(both.model_package_groups) == 1 and len(both.ecr_repositories) == 1


def test_cdk_stacks_are_picked_by_account(tmp_path: Path) -> None:
    _cdk(tmp_path)
    plan = load_plan(write_plan(tmp_path, [{"cdk": "cdk.out", "account": TRAINING}]))
    assert plan.model_package_groups == ()
    assert [bucket.name for bucket in plan.s3_buckets] == ["iris-artifacts-222222222222"]


def test_cdk_joins_over_the_partition_resolve(tmp_path: Path) -> None:
    _cdk(tmp_path)
    plan = load_plan(
        write_plan(tmp_path, [{"cdk": "cdk.out", "account": REGISTRY}], partition="aws")
    )
    (group,) = plan.model_package_groups
    assert group.policy is not None
    statement = group.policy.document["Statement"][0]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::222222222222:root"}
    assert (
        statement["Resource"][1] == "arn:aws:sagemaker:us-east-2:111111111111:model-package/iris/*"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda m: m.pop("artifacts"),
            "cdk.out/manifest.json: artifacts: a cloud assembly manifest lists its artifacts",
        ),
        (
            lambda m: m["artifacts"]["TrainingStack"].update(environment="aws://x"),
            "cdk.out/manifest.json: artifacts.TrainingStack.environment: expected aws://ACCOUNT/REGION",
        ),
    ],
)
def test_malformed_assemblies_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Any, message: str
) -> None:
    folder = _cdk(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    change(manifest)
    write_json(folder / "manifest.json", manifest)
    write_plan(tmp_path, [{"cdk": "cdk.out", "account": TRAINING}])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as error:
        load_plan("plan.yaml")
    assert str(error.value).startswith(message)


def test_an_unknown_stack_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _cdk(tmp_path)
    write_plan(tmp_path, [{"cdk": "cdk.out", "account": TRAINING, "stacks": ["Nope"]}])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as error:
        load_plan("plan.yaml")
    assert str(error.value) == (
        "plan.yaml: sources[0].stacks[0]: cdk.out has no stack 'Nope' "
        "(its stacks: RegistryStack, TrainingStack)"
    )


def test_a_stack_of_another_account_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cdk(tmp_path)
    write_plan(tmp_path, [{"cdk": "cdk.out", "account": TRAINING, "stacks": ["RegistryStack"]}])
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as error:
        load_plan("plan.yaml")
    assert str(error.value) == (
        "plan.yaml: sources[0].stacks[0]: the stack RegistryStack deploys to account "
        "111111111111, not 222222222222"
    )
