"""Each replayed call is authorized from the check's own requirement rows."""

from __future__ import annotations

from pathlib import Path

from checker.dryrun.authorize import Authorizer
from checker.engine.decide import CheckOptions
from checker.plan.loader import load_plan
from checker.policy.decision import Decision
from tests.dryrun.conftest import copy_fixture

GROUP_ROW = "arn:aws:sagemaker:us-east-2:111111111111:model-package/iris/*"
REGISTRAR = "arn:aws:iam::222222222222:role/TrainingPipelineRole"


def _authorizer(tmp_path: Path, grant: str) -> Authorizer:
    plan = copy_fixture("aws-doc-sample-fixed", tmp_path / "plan")
    policy = tmp_path / "plan" / "policies" / "model-package-group.json"
    policy.write_text(policy.read_text().replace("model-package/iris/*", grant))
    return Authorizer(load_plan(plan), CheckOptions(lint=False))


def test_create_model_package_is_decided_on_the_version_it_creates(tmp_path: Path) -> None:
    """A group policy for version 1 only allows creating version 1, not version 2, and not
    the row for every version that ``xreg check`` reports."""
    authorizer = _authorizer(tmp_path, "model-package/iris/1")
    action = "sagemaker:CreateModelPackage"
    first = authorizer.decide(REGISTRAR, action, GROUP_ROW, GROUP_ROW[:-1] + "1")
    second = authorizer.decide(REGISTRAR, action, GROUP_ROW, GROUP_ROW[:-1] + "2")
    every = authorizer.decide(REGISTRAR, action, GROUP_ROW)
    assert first.decision.decision is Decision.ALLOWED
    assert second.decision.decision is Decision.IMPLICIT_DENY
    assert every.decision.decision is Decision.IMPLICIT_DENY
    assert "model-package/iris/2" in second.because


def test_a_call_with_no_requirement_row_is_never_allowed(tmp_path: Path) -> None:
    authorizer = _authorizer(tmp_path, "model-package/iris/*")
    answer = authorizer.decide(REGISTRAR, "s3:DeleteBucket", "arn:aws:s3:::my-bucket")
    assert answer.decision.decision is Decision.UNKNOWN
    assert answer.question is None
