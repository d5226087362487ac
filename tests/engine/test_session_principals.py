"""A registrar or consumer given as a role session is decided by its role.

The ``session-principals`` fixture passes as a whole (tests/e2e/test_fixtures.py); these
variants change one fact each: the role's path, whether the role is listed at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.fix.apply import apply_fixes
from checker.plan.identities import find_identity, identity_principal
from checker.plan.loader import load_plan
from checker.policy.decision import Decision
from checker.results.model import RequirementResult
from tests.plans import copy_fixture, edit_plan

REGISTRAR_ROLE = "arn:aws:iam::222222222222:role/service-role/TrainingPipelineRole"
SESSION = "arn:aws:sts::222222222222:assumed-role/TrainingPipelineRole/pipelines-7xkq2-TrainModel"


def _registration(plan_path: Path) -> RequirementResult:
    report = check_plan(load_plan(plan_path), CheckOptions(lint=False))
    (row,) = [r for r in report.requirements if r.action == "sagemaker:CreateModelPackage"]
    return row


def _set_identity(data: dict[str, Any], principal: str | None) -> None:
    identities = data["identities"]
    if principal is None:
        identities.pop(0)
    else:
        identities[0]["principal"] = principal


def _set_guard(folder: Path, allowed_registrar: str) -> None:
    path = folder / "policies" / "model-package-group.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    guard = document["Statement"][-1]["Condition"]["StringNotLike"]["aws:PrincipalArn"]
    guard[0] = allowed_registrar
    path.write_text(json.dumps(document), encoding="utf-8")


def test_the_session_takes_its_roles_identity_whatever_the_path(tmp_path: Path) -> None:
    plan = load_plan(copy_fixture("session-principals", tmp_path))
    identity = find_identity(plan, SESSION)
    assert identity is not None and identity.principal == REGISTRAR_ROLE
    assert identity_principal(plan, SESSION) == REGISTRAR_ROLE
    other_account = SESSION.replace("222222222222", "333333333333")
    assert find_identity(plan, other_account) is None
    assert identity_principal(plan, other_account) == (
        "arn:aws:iam::333333333333:role/TrainingPipelineRole"
    )


def test_the_guard_sees_the_roles_path(tmp_path: Path) -> None:
    plan_path = copy_fixture("session-principals", tmp_path)
    row = _registration(plan_path)
    assert row.decision is Decision.ALLOWED
    assert row.sides.identity_policy is Decision.ALLOWED
    # The same role under another path is not the one the guard lets through.
    edit_plan(
        plan_path, lambda data: _set_identity(data, REGISTRAR_ROLE.replace("service-role/", ""))
    )
    row = _registration(plan_path)
    assert row.decision is Decision.EXPLICIT_DENY
    assert "OnlyTheTrainingPipelineRegisters" in row.because


def test_without_the_role_a_path_guard_stays_unknown(tmp_path: Path) -> None:
    plan_path = edit_plan(
        copy_fixture("session-principals", tmp_path), lambda data: _set_identity(data, None)
    )
    row = _registration(plan_path)
    assert row.sides.identity_policy is Decision.UNVERIFIED
    assert row.sides.resource_policy is Decision.UNKNOWN
    assert "aws:principalarn" in row.unknown_keys


def test_without_the_role_a_guard_that_ignores_the_path_is_decided(tmp_path: Path) -> None:
    plan_path = edit_plan(
        copy_fixture("session-principals", tmp_path), lambda data: _set_identity(data, None)
    )
    _set_guard(tmp_path, "arn:aws:iam::222222222222:role/*TrainingPipelineRole")
    assert _registration(plan_path).sides.resource_policy is Decision.ALLOWED
    _set_guard(tmp_path, "arn:aws:iam::222222222222:role/*Other")
    assert _registration(plan_path).sides.resource_policy is Decision.EXPLICIT_DENY


def test_a_fix_to_the_identity_side_goes_to_the_role(tmp_path: Path) -> None:
    def without_the_grant(data: dict[str, Any]) -> None:
        data["identities"][0]["policies"] = ["policies/deploy-role.json"]

    plan = load_plan(edit_plan(copy_fixture("session-principals", tmp_path), without_the_grant))
    report = check_plan(plan, CheckOptions(lint=False))
    (row,) = [r for r in report.requirements if r.action == "sagemaker:CreateModelPackage"]
    assert row.decision is Decision.IMPLICIT_DENY
    assert row.fix is not None and row.fix.principal == REGISTRAR_ROLE
    fixed = check_plan(apply_fixes(plan, report.extra["fixes"]), CheckOptions(lint=False))
    assert all(r.decision is Decision.ALLOWED for r in fixed.requirements)
