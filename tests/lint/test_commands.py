"""``xreg rules``, ``xreg explain`` and ``xreg baseline`` as a user runs them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from checker.cli import main
from checker.lint.spec import load_rule_specs
from tests.lint.harness import SEED


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["rules", "--config-from", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for spec in load_rule_specs():
        assert spec.id in out and spec.title in out
    assert f"{len(load_rule_specs())} rules" in out


def test_rules_json_shows_configuration(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".xreg.yaml").write_text(
        "disable: [POLICY-SID]\nseverity: {ACTION-WILDCARD: warning}\n"
        "organization-rules:\n"
        "  - {id: ORG-X, title: Nothing public, severity: error, when: {public: true}}\n"
    )
    assert main(["rules", "--format", "json", "--config-from", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {row["id"]: row for row in data["rules"]}
    assert rows["POLICY-SID"]["enabled"] is False
    assert rows["ACTION-WILDCARD"]["severity"] == "warning"
    assert rows["ORG-X"]["family"] == "organization"
    assert data["config"] == str(tmp_path / ".xreg.yaml")


def test_explain_prints_rationale_fix_and_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "action-resource-mismatch"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ACTION-RESOURCE-MISMATCH: Action listed on resources it does not act on")
    assert "s3:GetBucketAcl" in out and "How to fix it" in out
    assert "bad example 1: the AWS sample bucket policy" in out and "good example 1" in out
    assert "https://docs.aws.amazon.com/" in out


def test_explain_unknown_rule_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "ACTION-RESOURCE-MISMACH"]) == 2
    assert "did you mean ACTION-RESOURCE-MISMATCH?" in capsys.readouterr().err


def test_baseline_writes_every_finding(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "seed"
    shutil.copytree(SEED, folder)
    (folder / ".git").mkdir()
    output = tmp_path / "baseline.yaml"
    code = main(
        [
            "baseline",
            str(folder / "plan.yaml"),
            "-o",
            str(output),
            "--reason",
            "PLAT-42",
            "--expires",
            "2999-12-31",
        ]
    )
    assert code == 0
    data = yaml.safe_load(output.read_text())
    assert data["version"] == 1
    rules = sorted(entry["rule"] for entry in data["suppressions"] if "rule" in entry)
    assert rules == [
        "ACTION-RESOURCE-MISMATCH",
        "ACTION-WILDCARD",
        "KMS-GRANT-GRANTEE",
        "REPOSITORY-REGISTRY-ACTION",
    ]
    # the denied accesses are accepted too, by requirement
    accepted = sorted(e["requirement"] for e in data["suppressions"] if "requirement" in e)
    assert accepted == ["consumer-pulls-image", "consumer-reads-bucket-acl"]
    assert {entry["reason"] for entry in data["suppressions"]} == {"PLAT-42"}
    assert {str(entry["expires"]) for entry in data["suppressions"]} == {"2999-12-31"}
    assert "wrote 6 suppressions" in capsys.readouterr().err


def test_baseline_default_expiry_is_ninety_days(tmp_path: Path) -> None:
    output = tmp_path / "baseline.yaml"
    assert main(["baseline", str(SEED / "plan.yaml"), "-o", str(output)]) == 0
    entry = yaml.safe_load(output.read_text())["suppressions"][0]
    assert dt.date.fromisoformat(str(entry["expires"])) == dt.date.today() + dt.timedelta(days=90)
    assert entry["reason"].startswith("accepted when the baseline was written")


@pytest.mark.parametrize("expires", ["someday", "2001-01-01"])
def test_baseline_refuses_a_bad_expiry(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, expires: str
) -> None:
    assert (
        main(
            [
                "baseline",
                str(SEED / "plan.yaml"),
                "-o",
                str(tmp_path / "b.yaml"),
                "--expires",
                expires,
            ]
        )
        == 2
    )
    assert "--expires" in capsys.readouterr().err
    assert not (tmp_path / "b.yaml").exists()


def test_explain_takes_a_requirement_id(capsys: pytest.CaptureFixture[str]) -> None:
    """Requirement ids are the SARIF rule ids of the gaps: explain knows them too."""
    assert main(["explain", "consumer-pulls-image"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("consumer-pulls-image: ")
    assert "ecr:BatchGetImage, ecr:GetDownloadUrlForLayer" in out
    assert "Why it is needed" in out


def test_explain_prints_policy_keys_in_the_usual_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "ACTION-RESOURCE-MISMATCH"]) == 0
    out = capsys.readouterr().out.split("Examples", 1)[1]
    statement = out.split("- Sid: AddPerm", 1)[1].split("\n  good", 1)[0]
    keys = [
        line.strip().split(":")[0]
        for line in statement.splitlines()
        if line.startswith("        ") and not line.startswith("         ") and ":" in line
    ]
    expected = ["Effect", "Principal", "Action", "Resource"]
    assert [key for key in keys if key in expected][: len(expected)] == expected
    assert out.index("Version:") < out.index("Statement:")
