"""The request model: the shipped JSON equals what botocore says today, and validation finds
what SageMaker refuses (including what botocore's own validator lets through)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from checker.plan.request_model import ascii_pattern, request_model, validate_request
from tests.conftest import ROOT
from tests.lint.harness import base_registration, load_script


def test_shipped_model_matches_the_installed_botocore() -> None:
    regenerated = load_script("build_request_model").build_shapes()
    shipped = request_model()
    assert {key: shipped[key] for key in regenerated} == regenerated, (
        "checker/data/create_model_package.json is stale: run scripts/build_request_model.py"
    )


def _problems(request: dict[str, Any]) -> list[tuple[str, str]]:
    from checker.errors import field_path

    return [(field_path(p.path), p.kind) for p in validate_request(request)]


def test_the_example_request_is_valid() -> None:
    assert validate_request(base_registration()) == []


def _with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    request = copy.deepcopy(base_registration())
    node: Any = request
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return request


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("ModelApprovalStatus",), "Pending", ("ModelApprovalStatus", "enum")),
        (("ModelPackageDescription",), "x" * 1025, ("ModelPackageDescription", "max")),
        # a control character is outside the description's \p{...} classes
        (("ModelPackageDescription",), "irises\u0007", ("ModelPackageDescription", "pattern")),
        (("ModelPackageGroupName",), "iris-", ("ModelPackageGroupName", "pattern")),
        (("CertifyForMarketplace",), "yes", ("CertifyForMarketplace", "type")),
        (
            ("InferenceSpecification", "Containers", 0, "Image"),
            "has space",
            ("InferenceSpecification.Containers[0].Image", "pattern"),
        ),
        (
            ("InferenceSpecification", "Containers", 0, "ModelDataUrl"),
            "ftp://x/y",
            ("InferenceSpecification.Containers[0].ModelDataUrl", "pattern"),
        ),
        (
            ("InferenceSpecification", "Containers", 0, "Framework"),
            3,
            ("InferenceSpecification.Containers[0].Framework", "type"),
        ),
        (("CustomerMetadataProperties",), {}, ("CustomerMetadataProperties", "min")),
        (
            ("CustomerMetadataProperties",),
            {"k": "v" * 257},
            ("CustomerMetadataProperties.k", "max"),
        ),
        (
            ("InferenceSpecification", "Containers"),
            [{"Image": "a"}] * 16,
            ("InferenceSpecification.Containers", "max"),
        ),
        (("Tags",), [{"Key": "team"}], ("Tags[0].Value", "required")),
        (("ModelPackageDescripton",), "typo", ("ModelPackageDescripton", "unknown")),
    ],
)
def test_validation_finds(
    path: tuple[str | int, ...], value: Any, expected: tuple[str, str]
) -> None:
    assert _problems(_with(path, value)) == [expected]


def test_too_long_and_off_pattern_are_both_said() -> None:
    assert _problems(_with(("ModelPackageGroupName",), "i" * 171)) == [
        ("ModelPackageGroupName", "max"),
        ("ModelPackageGroupName", "pattern"),
    ]


def test_unicode_patterns_accept_letters_of_any_script() -> None:
    request = _with(("CustomerMetadataProperties",), {"équipe": "視覚"})
    request["ModelPackageDescription"] = "Modèle d'iris (Setosa, Versicolour) \u2013 v2"
    assert validate_request(request) == []


def test_unknown_parameter_suggests_the_right_one() -> None:
    (problem,) = validate_request(_with(("ModelPackageDescripton",), "typo"))
    assert "did you mean ModelPackageDescription?" in problem.message


def test_not_an_object_at_all() -> None:
    assert _problems(_with(("InferenceSpecification",), ["x"])) == [
        ("InferenceSpecification", "type")
    ]


UNICODE_PATTERNS = sorted(
    {
        shape["pattern"]
        for shape in request_model()["shapes"].values()
        if "\\p{" in shape.get("pattern", "")
    }
)


@pytest.mark.parametrize("pattern", UNICODE_PATTERNS)
def test_ascii_narrowing_agrees_with_regex(pattern: str) -> None:
    import re

    import regex
    from hypothesis import given, settings
    from hypothesis import strategies as st

    original = regex.compile(pattern)
    narrowed = re.compile(ascii_pattern(pattern) or "")
    for code in range(128):
        char = chr(code)
        assert bool(original.fullmatch(char)) == bool(narrowed.fullmatch(char)), repr(char)

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.characters(max_codepoint=127), max_size=20))
    def agree(text: str) -> None:
        assert bool(original.fullmatch(text)) == bool(narrowed.fullmatch(text))

    agree()


def test_ascii_requests_do_not_import_regex() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from checker.plan.request_model import validate_request; "
        "from tests.lint.harness import base_registration; "
        "r = base_registration(); r['CustomerMetadataProperties'] = {'team': 'vision'}; "
        "assert validate_request(r) == []; print('regex' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
