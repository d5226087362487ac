"""A gap's reason names the statements about the denied action, and why they miss."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.plan.loader import load_plan
from tests.plans import copy_fixture, edit_plan

OTHER_KEY = "arn:aws:kms:us-east-2:222222222222:key/another-key"


def _decrypt_on_another_key(tmp_path: Path, *, second_statement: bool = False) -> Path:
    plan_path = copy_fixture("identity-denies", tmp_path / "plan")
    role_file = plan_path.parent / "policies" / "deploy-role.json"
    role = json.loads(role_file.read_text())
    for statement in role["Statement"]:
        if statement.get("Sid") == "DecryptArtifacts":
            statement["Resource"] = OTHER_KEY
    if second_statement:
        role["Statement"].append(
            {
                "Sid": "DecryptWithTag",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": "arn:aws:kms:us-east-2:222222222222:key/third-key",
            }
        )
    role_file.write_text(json.dumps(role))

    def no_grants(data: dict[str, Any]) -> None:
        for key in data["resources"]["kms_keys"]:
            key.pop("grants", None)

    return edit_plan(plan_path, no_grants)


def _decrypt_reason(plan_path: Path) -> str:
    report = check_plan(load_plan(plan_path), CheckOptions(lint=False))
    (row,) = [
        r
        for r in report.requirements
        if r.action == "kms:Decrypt" and r.principal.endswith("role/SageMakerDeployRole")
    ]
    assert row.decision.is_denied
    return row.because


def test_the_reason_names_the_statement_about_the_action(tmp_path: Path) -> None:
    because = _decrypt_reason(_decrypt_on_another_key(tmp_path))
    assert f"statement DecryptArtifacts lists only {OTHER_KEY}" in because
    assert "EcrToken" not in because


def test_every_statement_about_the_action_is_named(tmp_path: Path) -> None:
    because = _decrypt_reason(_decrypt_on_another_key(tmp_path, second_statement=True))
    assert "statement DecryptArtifacts lists only" in because
    assert "statement DecryptWithTag lists only" in because
