"""Configuration: where it is found, what each key does, and refusals with the key's path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.lint import lint_plan
from checker.lint.config import LintConfig, load_config
from checker.plan.loader import load_plan
from checker.results.model import Finding, Location, Severity
from tests.lint.harness import SEED


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git checkout with the seed plan two folders down."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(SEED, root / "plans" / "seed")
    return root


def _plan(project: Path) -> Path:
    return project / "plans" / "seed" / "plan.yaml"


def test_no_configuration_means_defaults(project: Path) -> None:
    config = load_config(_plan(project))
    assert config == LintConfig()
    assert config.fail_on == "error" and config.source is None


def test_xreg_yaml_up_the_tree_applies(project: Path) -> None:
    (project / ".xreg.yaml").write_text(
        "fail-on: warning\n"
        "disable: [action-wildcard]\n"
        "severity: {KMS-GRANT-GRANTEE: warning, REPOSITORY-REGISTRY-ACTION: error}\n"
        "baseline: baselines/xreg.yaml\n"
    )
    config = load_config(_plan(project))
    assert config.source == str(project / ".xreg.yaml")
    assert config.fail_on == "warning"
    assert config.baseline == project / "baselines" / "xreg.yaml"
    findings = lint_plan(load_plan(_plan(project)), {}, config)
    by_rule = {finding.rule: finding.severity for finding in findings}
    assert "ACTION-WILDCARD" not in by_rule  # disabled (ids are case-insensitive)
    assert by_rule["KMS-GRANT-GRANTEE"] is Severity.WARNING
    assert by_rule["REPOSITORY-REGISTRY-ACTION"] is Severity.ERROR
    assert by_rule["ACTION-RESOURCE-MISMATCH"] is Severity.ERROR  # untouched


def test_nearest_configuration_wins_and_search_stops_at_the_checkout(
    project: Path, tmp_path: Path
) -> None:
    (tmp_path / ".xreg.yaml").write_text("fail-on: never\n")  # above the checkout: ignored
    assert load_config(_plan(project)).fail_on == "error"
    (project / ".xreg.yaml").write_text("fail-on: warning\n")
    (project / "plans" / ".xreg.yml").write_text("fail-on: never\n")
    assert load_config(_plan(project)).fail_on == "never"


def test_pyproject_tool_xreg(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "models"\n\n[tool.xreg]\nfail-on = "warning"\ndisable = ["POLICY-SID"]\n'
    )
    config = load_config(_plan(project))
    assert config.fail_on == "warning"
    assert config.disabled == frozenset({"POLICY-SID"})


def test_pyproject_without_the_table_is_skipped(project: Path) -> None:
    (project / "plans" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (project / ".xreg.yaml").write_text("fail-on: never\n")
    assert load_config(_plan(project)).fail_on == "never"


def test_command_line_fail_on_wins(project: Path) -> None:
    (project / ".xreg.yaml").write_text("fail-on: never\ndisable: [POLICY-SID]\n")
    config = load_config(_plan(project), "warning")
    assert config.fail_on == "warning"
    assert config.disabled == frozenset({"POLICY-SID"})


@pytest.mark.parametrize(
    ("text", "path", "reason"),
    [
        ("fail-on: sometimes\n", "fail-on", "must be one of error, warning, never"),
        (
            "disable: [ACTION-RESOURCE-MISMACH]\n",
            "disable[0]",
            "did you mean ACTION-RESOURCE-MISMATCH?",
        ),
        (
            "severity: {POLICY-SID: fatal}\n",
            "severity.POLICY-SID",
            "must be error, warning or info",
        ),
        ("disabled: [POLICY-SID]\n", "disabled", "did you mean disable?"),
        ("- just a list\n", "$", "must be a mapping"),
        ("baseline: 3\n", "baseline", "must be the path of a baseline file"),
    ],
)
def test_bad_configuration_names_the_key(project: Path, text: str, path: str, reason: str) -> None:
    (project / ".xreg.yaml").write_text(text)
    with pytest.raises(InputError) as raised:
        load_config(_plan(project))
    assert raised.value.source == str(project / ".xreg.yaml")
    assert raised.value.path == path
    assert reason in raised.value.reason


def test_bad_pyproject_key_has_the_table_path(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.xreg]\nfail-on = "always"\n')
    with pytest.raises(InputError) as raised:
        load_config(_plan(project))
    assert raised.value.path == "tool.xreg.fail-on"


def test_bad_command_line_fail_on(project: Path) -> None:
    with pytest.raises(InputError):
        load_config(_plan(project), "sometimes")


def _finding(severity: Severity, suppressed: str | None = None) -> Finding:
    return Finding(
        rule="X-Y",
        severity=severity,
        message="m",
        location=Location(source="s"),
        fingerprint="0" * 20,
        suppressed=suppressed,
    )


@pytest.mark.parametrize(
    ("fail_on", "severity", "fails"),
    [
        ("error", Severity.ERROR, True),
        ("error", Severity.WARNING, False),
        ("warning", Severity.WARNING, True),
        ("warning", Severity.INFO, False),
        ("never", Severity.ERROR, False),
    ],
)
def test_fail_on_threshold(fail_on: str, severity: Severity, fails: bool) -> None:
    config = LintConfig(fail_on=fail_on)
    assert config.fails(_finding(severity)) is fails
    assert config.fails(_finding(severity, suppressed="accepted")) is False
