"""Which key encrypts which artifact, and what happens when the plan cannot name it.

The training job's output key covers the model data it wrote; every other S3 object of the
request (evaluation metrics, drift baselines) is under its own key: the one the plan names for
the object, else its bucket's default encryption. A key xreg cannot name is unknown, and no fix
ever names a placeholder where an ARN belongs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.plan.loader import load_plan
from checker.plan.model import Plan
from checker.results.model import Fix, Report
from tests.conftest import FIXTURES, fixture_plans
from tests.plans import copy_fixture, edit_plan

FIXED = FIXTURES / "aws-doc-sample-fixed"
OUTPUT_KEY = "arn:aws:kms:us-east-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
METRICS_KEY = "arn:aws:kms:us-east-2:222222222222:key/0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9"
OBJECT_KEY = "arn:aws:kms:us-east-2:222222222222:key/77777777-6666-5555-4444-333333333333"
METRICS = "s3://metrics-bucket/eval/evaluation.json"


def with_metrics(
    uri: str = METRICS, bucket: dict[str, Any] | None = None
) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["registration"]["ModelMetrics"] = {
            "ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": uri}}
        }
        if bucket is not None:
            data["resources"]["s3_buckets"].append(bucket)

    return change


def metrics_bucket(**fields: Any) -> dict[str, Any]:
    return {
        "name": "metrics-bucket",
        "account": "222222222222",
        "policy": "policies/bucket.json",
        "object_ownership": "BucketOwnerEnforced",
        **fields,
    }


def plan_with(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Plan:
    return load_plan(edit_plan(copy_fixture(FIXED, tmp_path / "plan"), change))


def checked(plan: Plan) -> Report:
    return check_plan(plan, CheckOptions(lint=False))


def decrypt_rows(report: Report) -> dict[str, str]:
    return {r.resource: r.decision.value for r in report.requirements if r.action == "kms:Decrypt"}


def test_metrics_in_another_bucket_need_that_buckets_default_key(tmp_path: Path) -> None:
    encryption = {"sse": "aws:kms", "kms_key": METRICS_KEY}
    plan = plan_with(tmp_path, with_metrics(bucket=metrics_bucket(encryption=encryption)))
    rows = decrypt_rows(checked(plan))
    # The metrics key is asked for (the output key alone was before), and refused: the
    # consumer's identity policy allows only the output key.
    assert set(rows) == {OUTPUT_KEY, METRICS_KEY}
    assert rows[OUTPUT_KEY] == "allowed"
    assert rows[METRICS_KEY] == "implicit_deny"


def test_the_output_key_does_not_cover_an_object_it_did_not_write(tmp_path: Path) -> None:
    # Beside the model, in the same bucket (whose default is the output key) but with the
    # bucket's encryption dropped: only the model is known to be under the output key.
    def change(data: dict[str, Any]) -> None:
        with_metrics("s3://my-bucket/eval/evaluation.json")(data)
        data["resources"]["s3_buckets"][0].pop("encryption")

    report = checked(plan_with(tmp_path, change))
    rows = {r.resource: r for r in report.requirements if r.action == "kms:Decrypt"}
    assert rows[OUTPUT_KEY].decision.value == "allowed"
    unknown = rows["(key of s3://my-bucket/eval/evaluation.json)"]
    assert unknown.decision.value == "unknown"
    assert "covers only the model data it wrote" in unknown.because
    assert "get-bucket-encryption --bucket my-bucket" in unknown.because
    assert unknown.fix is None


def test_the_objects_own_key_wins(tmp_path: Path) -> None:
    bucket = metrics_bucket(
        encryption={"sse": "aws:kms", "kms_key": METRICS_KEY},
        objects=[{"key": "eval/evaluation.json", "kms_key": OBJECT_KEY}],
    )
    rows = decrypt_rows(checked(plan_with(tmp_path, with_metrics(bucket=bucket))))
    assert set(rows) == {OUTPUT_KEY, OBJECT_KEY}


def test_an_sse_s3_bucket_default_needs_no_key(tmp_path: Path) -> None:
    bucket = metrics_bucket(encryption={"sse": "AES256"})
    rows = decrypt_rows(checked(plan_with(tmp_path, with_metrics(bucket=bucket))))
    assert set(rows) == {OUTPUT_KEY}


def test_no_output_key_and_no_bucket_encryption_is_unknown_without_a_fix(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data.pop("training_job")
        data["resources"]["s3_buckets"][0].pop("encryption")

    report = checked(plan_with(tmp_path, change))
    (row,) = [r for r in report.requirements if r.action == "kms:Decrypt"]
    assert row.decision.value == "unknown"
    assert "training_job.output_kms_key" in row.because
    assert row.fix is None


# --- no fix ever names a placeholder where an ARN belongs ------------------------------------


def _resources(fix: Fix) -> Iterator[str]:
    if fix.resource:
        yield fix.resource
    for statement in (fix.policy or {}).get("Statement", []):
        for element in ("Resource", "NotResource"):
            value = statement.get(element, [])
            yield from [value] if isinstance(value, str) else value
    if fix.statement:
        value = fix.statement.get("Resource", [])
        yield from [value] if isinstance(value, str) else value


def _is_arn_or_star(value: str) -> bool:
    return value == "*" or (value.startswith("arn:") and len(value.split(":", 5)) == 6)


def _variants(tmp_path: Path) -> Iterator[tuple[str, Plan]]:
    for path in fixture_plans():
        yield path.parent.name, load_plan(path)

    def keyless(data: dict[str, Any]) -> None:
        data.pop("training_job")
        for bucket in data["resources"]["s3_buckets"]:
            bucket.pop("encryption", None)

    for name in ("aws-doc-sample", "aws-doc-sample-fixed", "identity-denies"):
        folder = tmp_path / name
        yield f"{name} without keys", load_plan(edit_plan(copy_fixture(name, folder), keyless))


def test_no_fix_of_any_fixture_names_a_resource_that_is_not_an_arn(tmp_path: Path) -> None:
    checked_fixes = 0
    for name, plan in _variants(tmp_path):
        # A pattern the plan's own policies already hold is the user's (a malformed one is a
        # lint finding); what a fix adds must be an ARN.
        own = "".join(
            path.read_text(encoding="utf-8") for path in Path(plan.source).parent.rglob("*.json")
        )
        for fix in checked(plan).extra["fixes"]:
            for resource in _resources(fix):
                if fix.kind in ("scp", "rcp") and resource == fix.resource:
                    continue  # an organization policy is named by its file
                if json.dumps(resource) in own:
                    continue
                assert _is_arn_or_star(resource), (name, fix.id, resource)
            assert "(key of" not in (fix.command or ""), (name, fix.id)
            checked_fixes += 1
    assert checked_fixes > 0


@pytest.mark.parametrize("name", ["aws-doc-sample", "identity-denies"])
def test_keyless_variant_has_key_rows_unknown(tmp_path: Path, name: str) -> None:
    def keyless(data: dict[str, Any]) -> None:
        data.pop("training_job")
        for bucket in data["resources"]["s3_buckets"]:
            bucket.pop("encryption", None)

    plan = load_plan(edit_plan(copy_fixture(name, tmp_path / "plan"), keyless))
    rows = [r for r in checked(plan).requirements if r.action.startswith("kms:")]
    assert rows and all(r.decision.value == "unknown" for r in rows)
