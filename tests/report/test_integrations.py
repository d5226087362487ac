"""The ready-made CI integrations: valid, and the xreg commands they run really work.

Each integration's ``xreg`` command is taken from its file, parsed by the real argument
parser and run on the bundled AWS-documentation example; the files that the following steps
upload must then exist and be what those steps expect.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.cli import build_parser, main
from checker.commands.outputs import requested_formats
from report.sarif_schema import assert_valid_sarif
from tests.conftest import FIXTURES, ROOT

GITHUB_WORKFLOW = ROOT / "integrations" / "github-actions" / "xreg.yml"
GITLAB_JOB = ROOT / "integrations" / "gitlab" / "xreg.gitlab-ci.yml"
PRE_COMMIT_HOOKS = ROOT / ".pre-commit-hooks.yaml"
SAMPLE_PLAN = FIXTURES / "aws-doc-sample" / "plan.yaml"
# The languages pre-commit knows (its `language:` values).
PRE_COMMIT_LANGUAGES = {
    "conda", "coursier", "dart", "docker", "docker_image", "dotnet", "fail", "golang",
    "haskell", "julia", "lua", "node", "perl", "pygrep", "python", "r", "ruby", "rust",
    "script", "swift", "system", "unsupported", "unsupported_script",
}  # fmt: skip


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def xreg_argv(command: str, plan: Path) -> list[str]:
    """The argument vector of one ``xreg`` shell line, with ``$XREG_PLAN`` set to ``plan``."""
    tokens = shlex.split(command)
    assert tokens[0] == "xreg"
    assert not {"|", "||", "&&", ";", ">", "<"} & set(tokens), "one plain command expected"
    return [token.replace("$XREG_PLAN", str(plan)) for token in tokens[1:]]


def run_xreg(
    command: str, workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> int:
    argv = xreg_argv(command, SAMPLE_PLAN)
    arguments = build_parser().parse_args(argv)
    assert arguments.command == "check"
    requested_formats(arguments)  # every named format exists
    monkeypatch.chdir(workdir)
    status = main(argv)
    capsys.readouterr()
    return status


def check_outputs(workdir: Path, sarif: str, junit: str, markdown: str) -> None:
    log = json.loads((workdir / sarif).read_text(encoding="utf-8"))
    assert_valid_sarif(log)
    assert log["runs"][0]["results"], "the documented example has gaps to report"
    root = ET.fromstring((workdir / junit).read_text(encoding="utf-8"))
    assert root.tag == "testsuites" and int(root.attrib["failures"]) > 0
    assert (workdir / markdown).read_text(encoding="utf-8").startswith("<!-- xreg-report -->")


def project_name_and_scripts() -> tuple[str, dict[str, str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["name"], project["scripts"]


def test_github_workflow_is_valid_and_its_steps_fit_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = load(GITHUB_WORKFLOW)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"pull_request", "push"} <= set(triggers)
    assert workflow["name"]
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    assert all(("uses" in step) != ("run" in step) for step in steps)
    assert workflow["env"]["XREG_PACKAGE"] == project_name_and_scripts()[0]

    (command,) = [step["run"] for step in steps if step.get("run", "").startswith("xreg ")]
    (upload,) = [
        step
        for step in steps
        if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    ]
    assert upload["if"].startswith("${{ !cancelled()")  # uploads a failing run's findings too
    comment = next(step for step in steps if "gh pr comment" in step.get("run", ""))
    body_file = re.search(r"--body-file (\S+)", comment["run"])
    assert body_file is not None

    assert run_xreg(command, tmp_path, monkeypatch, capsys) == 1
    check_outputs(
        tmp_path,
        sarif=upload["with"]["sarif_file"],
        junit="reports/xreg-junit.xml",
        markdown=body_file.group(1),
    )
    assert (tmp_path / "reports" / "xreg-report.html").read_text().startswith("<!DOCTYPE html>")


def test_gitlab_job_is_valid_and_publishes_what_it_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load(GITLAB_JOB)
    job = config["xreg"]
    assert job["stage"] == "test"
    assert job["image"].startswith("python:3.")
    assert job["artifacts"]["when"] == "always"
    assert job["variables"]["XREG_PACKAGE"] == project_name_and_scripts()[0]
    assert all(isinstance(rule["if"], str) for rule in job["rules"])
    script = job["script"]
    assert 'python -m pip install "$XREG_PACKAGE"' in script
    (command,) = [line for line in script if line.startswith("xreg ")]
    junit = job["artifacts"]["reports"]["junit"]

    assert run_xreg(command, tmp_path, monkeypatch, capsys) == 1
    check_outputs(
        tmp_path, sarif="reports/xreg-report.sarif", junit=junit, markdown="reports/xreg-report.md"
    )
    for kept in job["artifacts"]["paths"]:
        assert (tmp_path / kept).exists()


def test_pre_commit_hook_is_valid_and_runs_the_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hooks = load(PRE_COMMIT_HOOKS)
    assert isinstance(hooks, list)
    (hook,) = hooks
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["language"] in PRE_COMMIT_LANGUAGES
    assert hook["pass_filenames"] is False  # xreg checks one plan, named in the hook's args
    files = re.compile(hook["files"])
    assert files.search("deploy/registration-plan.yaml")
    assert files.search("deploy/policies/bucket.json")
    assert not files.search("README.md")

    program, *arguments = shlex.split(hook["entry"])
    assert program in project_name_and_scripts()[1]
    argv = [*arguments, str(SAMPLE_PLAN)]  # what a user's `args: [plan]` adds
    parsed = build_parser().parse_args(argv)
    assert requested_formats(parsed) == ["console"]  # writes no file into the work tree
    monkeypatch.chdir(ROOT)
    status = main(argv)
    output = capsys.readouterr().out
    assert status == 1
    assert "GetDownloadUrlForLayer" in output
