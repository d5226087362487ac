"""IaC fixtures end to end through the command line: exit codes, SARIF located in the
files the user edits, bad sources refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_xreg

# fixture → (exit status, the source file SARIF must point into)
IAC_FIXTURES = {
    "cfn-training-yaml": (1, "fixtures/iac/cfn-training-yaml/infra/training.template.yaml"),
    "cdk-pipeline": (0, "fixtures/iac/cdk-pipeline/cdk.out/TrainingStack.template.json"),
    "terraform-registry": (1, "fixtures/iac/terraform-registry/registry/tfplan.json"),
}


@pytest.mark.parametrize("name", sorted(IAC_FIXTURES))
def test_sarif_points_into_the_sources(name: str, tmp_path: Path) -> None:
    status, source_file = IAC_FIXTURES[name]
    out = tmp_path / "report.sarif"
    result = run_xreg("check", f"fixtures/iac/{name}/plan.yaml", "-f", "sarif", "-o", str(out))
    assert result.returncode == status, result.stderr
    log = json.loads(out.read_text())
    locations = [
        location["physicalLocation"]
        for run in log["runs"]
        for item in run["results"]
        for location in item["locations"]
    ]
    in_source = [place for place in locations if place["artifactLocation"]["uri"] == source_file]
    assert in_source, sorted({place["artifactLocation"]["uri"] for place in locations})
    if not source_file.endswith("tfplan.json"):  # Terraform: the resource address, no line
        assert all(place["region"]["startLine"] > 1 for place in in_source)


def test_the_pipeline_step_is_located_in_the_pipeline(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_xreg("check", "fixtures/iac/cdk-pipeline/plan.yaml", "-f", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = json.loads(out.read_text())["requirements"]
    token = next(row for row in rows if row["action"] == "ecr:GetAuthorizationToken")
    assert token["location"]["file"] == "fixtures/iac/cdk-pipeline/pipeline.json"
    pipeline = (FIXTURES / "iac" / "cdk-pipeline" / "pipeline.json").read_text().splitlines()
    assert '"Image"' in pipeline[token["location"]["line"] - 1]


def test_pipeline_parameters_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_xreg(
        "check",
        "fixtures/iac/cdk-pipeline/plan.yaml",
        "--pipeline-parameter",
        "ImageUri=222222222222.dkr.ecr.us-east-2.amazonaws.com/other:1",
        "-f",
        "json",
        "-o",
        str(out),
    )
    # the template has no such repository: its accesses are unknown, and the check fails
    assert result.returncode == 1, result.stderr
    rows = json.loads(out.read_text())["requirements"]
    pulls = [row for row in rows if row["action"] == "ecr:BatchGetImage"]
    assert [row["resource"] for row in pulls] == [
        "arn:aws:ecr:us-east-2:222222222222:repository/other"
    ]
    assert pulls[0]["decision"] == "unknown"


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        ("t.yaml", "Resources:\n  A: !Ref\n    - [\n", "t.yaml: $: malformed YAML"),
        (
            "t.yaml",
            "Resources:\n  A:\n    Type: AWS::S3::Bucket\n   "
            " Properties:\n      BucketName: !GetAtt\n        - X\n",
            "t.yaml: Resources.A.Properties.BucketName.Fn::GetAtt:"
            " Fn::GetAtt takes [resource, attribute]",
        ),
        (
            "t.json",
            '{"Resources": {"A": {"Type": "AWS::S3::Bucket",}}}',
            "t.json: Resources.A: malformed JSON",
        ),
    ],
)
def test_a_malformed_source_is_one_line_exit_2(
    tmp_path: Path, file: str, text: str, message: str
) -> None:
    (tmp_path / file).write_text(text)
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "version: 1\nregion: us-east-2\naccounts: {training:"
        " '222222222222', registry: '111111111111'}\n"
        f"sources:\n  - cloudformation: {file}\n    account: '222222222222'\n"
        "registration:\n  ModelPackageGroupName: g\n "
        " InferenceSpecification: {Containers: [{Image: i}]}\n"
    )
    result = run_xreg("check", str(plan))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"xreg: error: {message}"), line


def test_a_fix_gives_the_property_value_in_the_templates_form(tmp_path: Path) -> None:
    import yaml

    out = tmp_path / "report.json"
    # The template's one gap is a documented access: fixed on request.
    run_xreg(
        "check",
        "fixtures/iac/cfn-training-yaml/plan.yaml",
        "--fix-documented",
        "-f",
        "json",
        "-o",
        str(out),
    )
    report = json.loads(out.read_text())
    (in_source,) = report["source_fixes"]
    fix = next(item for item in report["fixes"] if item["id"] == in_source["fix"])
    assert in_source["file"] == "fixtures/iac/cfn-training-yaml/infra/training.template.yaml"
    assert in_source["property"] == "Resources.ArtifactBucketPolicy.Properties.PolicyDocument"
    assert in_source["form"] == "yaml"
    assert yaml.safe_load(in_source["value"]) == {"PolicyDocument": fix["policy"]}
    template = (FIXTURES / "iac/cfn-training-yaml/infra/training.template.yaml").read_text()
    assert template.splitlines()[in_source["line"] - 1].strip().startswith("Version:")


def test_a_source_named_on_the_command_line(tmp_path: Path) -> None:
    import shutil

    import yaml

    folder = tmp_path / "project"
    shutil.copytree(FIXTURES / "iac" / "cfn-training-yaml", folder)
    plan = yaml.safe_load((folder / "plan.yaml").read_text())
    del plan["sources"]
    (folder / "plan.yaml").write_text(yaml.safe_dump(plan))
    with_source, from_plan = tmp_path / "a.json", tmp_path / "b.json"
    template = folder / "infra" / "training.template.yaml"
    source = f"cloudformation:{template},account=222222222222,parameters=infra/params.json"
    result = run_xreg(
        "check", str(folder / "plan.yaml"), "--source", source, "-f", "json", "-o", str(with_source)
    )
    assert result.returncode == 1, result.stderr
    run_xreg(
        "check",
        str(FIXTURES / "iac" / "cfn-training-yaml" / "plan.yaml"),
        "-f",
        "json",
        "-o",
        str(from_plan),
    )

    def decided(path: Path) -> list[tuple[str, str]]:
        return [(r["action"], r["decision"]) for r in json.loads(path.read_text())["requirements"]]

    assert decided(with_source) == decided(from_plan)
    bad = run_xreg("check", str(folder / "plan.yaml"), "--source", "cfn:x")
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "xreg: error: --source: 'cfn:x': expected KIND:FILE with KIND one of "
        "cloudformation, cdk, terraform_plan, sagemaker_pipeline"
    )


def test_the_console_and_markdown_give_the_fix_in_the_templates_form(tmp_path: Path) -> None:
    template = "fixtures/iac/cfn-training-yaml/infra/training.template.yaml"
    plan = "fixtures/iac/cfn-training-yaml/plan.yaml"
    console = run_xreg("check", plan, "--fix-documented")
    assert f"or in the source, {template}:" in console.stdout
    assert "Resources.ArtifactBucketPolicy.Properties.PolicyDocument with:" in console.stdout
    pasted = console.stdout.split("PolicyDocument with:\n", 1)[1]
    assert pasted.startswith("PolicyDocument:\n  Version: '2012-10-17'\n")
    out = tmp_path / "report.md"
    run_xreg("check", plan, "--fix-documented", "-f", "markdown", "-o", str(out))
    markdown = out.read_text(encoding="utf-8")
    assert f"or in the source, {template}:" in markdown
    assert "```yaml\nPolicyDocument:\n" in markdown


def test_sarif_gives_the_fix_in_the_templates_form(tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    plan = "fixtures/iac/cfn-training-yaml/plan.yaml"
    run_xreg("check", plan, "--fix-documented", "-f", "sarif", "-o", str(out))
    results = json.loads(out.read_text(encoding="utf-8"))["runs"][0]["results"]
    with_fix = [r for r in results if "inSource" in r.get("properties", {}).get("fix", {})]
    assert with_fix
    (entry,) = with_fix[0]["properties"]["fix"]["inSource"]
    assert entry["property"] == "Resources.ArtifactBucketPolicy.Properties.PolicyDocument"
    assert entry["value"].startswith("PolicyDocument:\n")
    assert "```yaml\nPolicyDocument:\n" in with_fix[0]["message"]["markdown"]
