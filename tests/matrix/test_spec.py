"""load_matrix: rules/matrix.yaml as requirement specs."""

from __future__ import annotations

from checker.matrix.spec import load_matrix
from checker.paths import rules_dir
from checker.results.model import Level
from checker.yaml_io import read_yaml


def test_every_row_of_the_file_is_a_spec_in_file_order() -> None:
    rows = read_yaml(rules_dir() / "matrix.yaml")["requirements"]
    specs = load_matrix()
    assert [spec.id for spec in specs] == [row["id"] for row in rows]
    assert len({spec.id for spec in specs}) == len(specs)
    for spec, row in zip(specs, rows, strict=True):
        assert spec.actions == tuple(row["actions"])
        assert spec.decided_by == tuple(row["decided_by"])
        assert spec.level is Level(row["level"])


def test_rationales_are_one_line() -> None:
    for spec in load_matrix():
        assert "\n" not in spec.rationale and "  " not in spec.rationale
        assert spec.rationale == spec.rationale.strip()


def test_the_required_rows_of_a_cross_account_registration() -> None:
    required = {
        (spec.who, action, spec.resource)
        for spec in load_matrix()
        if spec.level is Level.REQUIRED
        for action in spec.actions
    }
    assert required == {
        ("registrar", "sagemaker:CreateModelPackage", "group_versions"),
        ("consumer", "ecr:BatchGetImage", "repository"),
        ("consumer", "ecr:GetDownloadUrlForLayer", "repository"),
        ("consumer", "ecr:GetAuthorizationToken", "any"),
        ("consumer", "s3:GetObject", "object"),
        ("consumer", "kms:Decrypt", "artifact_key"),
    }


def test_the_matrix_is_read_once() -> None:
    assert load_matrix() is load_matrix()
