"""Terraform plans (terraform show -json) as plan sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checker.errors import InputError
from checker.plan.loader import load_plan
from tests.sources.helpers import GROUP_ARN, REGISTRY, TRAINING, check, row, write_json, write_plan

REGISTRAR = f"arn:aws:iam::{TRAINING}:role/Registrar"
GROUP_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "TrainingRegisters",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{TRAINING}:root"},
            "Action": "sagemaker:CreateModelPackage",
            "Resource": f"arn:aws:sagemaker:us-east-2:{REGISTRY}:model-package/iris/*",
        }
    ],
}
REGISTRAR_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateModelPackage", "Resource": "*"}],
}


def _resource(address: str, kind: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": address.split(".")[-1],
        "values": values,
    }


def _tfplan(
    resources: list[dict[str, Any]],
    *,
    unknown: dict[str, dict[str, Any]] | None = None,
    prior: list[dict[str, Any]] | None = None,
    actions: dict[str, list[str]] | None = None,
    configuration: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``resources`` nested by their module addresses, as terraform show -json lays them out."""
    root: dict[str, Any] = {"resources": []}

    def module_for(address: str) -> dict[str, Any]:
        parts = address.split(".")
        node = root
        prefix: list[str] = []
        while len(parts) > 2 and parts[0] == "module":
            prefix += parts[:2]
            parts = parts[2:]
            name = ".".join(prefix)
            children = node.setdefault("child_modules", [])
            found = next((c for c in children if c["address"] == name), None)
            if found is None:
                found = {"address": name, "resources": []}
                children.append(found)
            node = found
        return node

    for resource in resources:
        module_for(resource["address"])["resources"].append(resource)
    changes = [
        {
            "address": address,
            "change": {"actions": (actions or {}).get(address, ["create"]), "after_unknown": after},
        }
        for address, after in (unknown or {}).items()
    ]
    for address, verbs in (actions or {}).items():
        if address not in (unknown or {}):
            changes.append({"address": address, "change": {"actions": verbs, "after_unknown": {}}})
    plan: dict[str, Any] = {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "a_field_from_the_future": {"x": 1},
        "planned_values": {"root_module": root},
        "resource_changes": changes,
    }
    if prior is not None:
        plan["prior_state"] = {"values": {"root_module": {"resources": prior}}}
    if configuration is not None:
        plan["configuration"] = configuration
    return plan


def _group(module: str = "module.registry.module.groups.") -> list[dict[str, Any]]:
    return [
        _resource(
            f"{module}aws_sagemaker_model_package_group.this",
            "aws_sagemaker_model_package_group",
            {"model_package_group_name": "iris"},
        ),
        _resource(
            f"{module}aws_sagemaker_model_package_group_policy.this",
            "aws_sagemaker_model_package_group_policy",
            {"model_package_group_name": "iris", "resource_policy": json.dumps(GROUP_POLICY)},
        ),
    ]


def _plan(tmp_path: Path, tfplan: dict[str, Any], **source: Any) -> Path:
    write_json(tmp_path / "tfplan.json", tfplan)
    entry = {"terraform_plan": "tfplan.json", **source}
    identity = {"principal": REGISTRAR, "policies": [REGISTRAR_POLICY]}
    return write_plan(tmp_path, [entry], principals={"registrar": REGISTRAR}, identities=[identity])


def _created(tmp_path: Path, tfplan: dict[str, Any], **source: Any) -> Any:
    return row(check(_plan(tmp_path, tfplan, **source)), "sagemaker:CreateModelPackage")


def test_policies_in_nested_child_modules_are_read(tmp_path: Path) -> None:
    created = _created(tmp_path, _tfplan(_group()), account=REGISTRY)
    assert created.decision.value == "allowed"
    assert (
        "tfplan.json#module.registry.module.groups.aws_sagemaker_model_package_group_policy.this"
        ".resource_policy"
    ) in {evidence.source for evidence in created.evidence}
    plan = load_plan(_plan(tmp_path, _tfplan(_group()), account=REGISTRY))
    assert [group.arn for group in plan.model_package_groups] == [GROUP_ARN]


def test_without_the_group_policy_the_registration_is_denied(tmp_path: Path) -> None:
    created = _created(tmp_path, _tfplan(_group()[:1]), account=REGISTRY)
    assert created.decision.value == "implicit_deny"


def test_an_after_unknown_policy_is_unknown_and_named(tmp_path: Path) -> None:
    resources = _group()
    del resources[1]["values"]["resource_policy"]
    address = resources[1]["address"]
    created = _created(
        tmp_path, _tfplan(resources, unknown={address: {"resource_policy": True}}), account=REGISTRY
    )
    assert created.decision.value == "unknown"
    assert f"{address}.resource_policy (tfplan.json: known after apply)" in created.because


def test_the_account_comes_from_the_plans_own_arns(tmp_path: Path) -> None:
    resources = _group("")
    resources.append(
        _resource(
            "aws_kms_key.other",
            "aws_kms_key",
            {"arn": f"arn:aws:kms:us-east-2:{REGISTRY}:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
        )
    )
    assert _created(tmp_path, _tfplan(resources)).decision.value == "allowed"


def test_without_any_account_the_reader_asks_for_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plan(tmp_path, _tfplan(_group("")))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as error:
        load_plan("plan.yaml")
    assert str(error.value).startswith(
        "plan.yaml: sources[0]: tfplan.json:"
        " aws_sagemaker_model_package_group.this needs the account"
    )


def test_prior_state_is_read_for_unchanged_resources_but_not_deleted_ones(tmp_path: Path) -> None:
    resources = _group("")
    tfplan = _tfplan(resources[:1], prior=[{**resources[1], "mode": "managed"}])
    assert _created(tmp_path, tfplan, account=REGISTRY).decision.value == "allowed"
    deleted = _tfplan(
        resources[:1], prior=[resources[1]], actions={resources[1]["address"]: ["delete"]}
    )
    assert _created(tmp_path, deleted, account=REGISTRY).decision.value == "implicit_deny"


def test_identities_roles_inline_attachments_and_references(tmp_path: Path) -> None:
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "sagemaker:*", "Resource": "*"}],
    }
    resources = [
        *_group(""),
        _resource(
            "aws_iam_role.registrar",
            "aws_iam_role",
            {
                "name": "Registrar",
                "path": "/",
                "inline_policy": [{"name": "r", "policy": json.dumps(REGISTRAR_POLICY)}],
            },
        ),
        _resource(
            "aws_iam_policy.deny", "aws_iam_policy", {"name": "deny", "policy": json.dumps(deny)}
        ),
        _resource("aws_iam_role_policy_attachment.deny", "aws_iam_role_policy_attachment", {}),
    ]
    configuration = {
        "root_module": {
            "resources": [
                {
                    "address": "aws_iam_role_policy_attachment.deny",
                    "expressions": {
                        "role": {
                            "references": ["aws_iam_role.registrar.name", "aws_iam_role.registrar"]
                        },
                        "policy_arn": {
                            "references": ["aws_iam_policy.deny.arn", "aws_iam_policy.deny"]
                        },
                    },
                }
            ]
        }
    }
    tfplan = _tfplan(
        resources,
        unknown={
            "aws_iam_role_policy_attachment.deny": {"role": True, "policy_arn": True},
            "aws_iam_policy.deny": {"arn": True},
        },
        configuration=configuration,
    )
    write_json(tmp_path / "tfplan.json", tfplan)
    plan = write_plan(
        tmp_path,
        [{"terraform_plan": "tfplan.json", "account": TRAINING}],
        principals={"registrar": REGISTRAR},
    )
    created = row(check(plan), "sagemaker:CreateModelPackage")
    # the group is in the training account here: the registrar's own account
    assert created.decision.value == "explicit_deny"
    assert created.location.source == "tfplan.json#aws_iam_policy.deny.policy"


def test_kms_grants_are_read(tmp_path: Path) -> None:
    key_arn = f"arn:aws:kms:us-east-2:{TRAINING}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    resources = [
        _resource(
            "aws_kms_key.k",
            "aws_kms_key",
            {
                "arn": key_arn,
                "key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
                "policy": json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": f"arn:aws:iam::{TRAINING}:root"},
                                "Action": "kms:*",
                                "Resource": "*",
                            }
                        ],
                    }
                ),
            },
        ),
        _resource(
            "aws_kms_grant.registry",
            "aws_kms_grant",
            {
                "key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
                "grantee_principal": f"arn:aws:iam::{REGISTRY}:root",
                "operations": ["Decrypt", "GenerateDataKey"],
            },
        ),
    ]
    write_json(tmp_path / "tfplan.json", _tfplan(resources))
    plan = load_plan(
        write_plan(
            tmp_path, [{"terraform_plan": "tfplan.json"}], training_job={"output_kms_key": key_arn}
        )
    )
    (key,) = plan.kms_keys
    assert [(grant.grantee_principal, grant.operations) for grant in key.grants] == [
        (f"arn:aws:iam::{REGISTRY}:root", ("Decrypt", "GenerateDataKey"))
    ]
    decrypt = row(check(tmp_path / "plan.yaml"), "kms:Decrypt")
    assert decrypt.decision.value == "allowed"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "tfplan.json: $: not a Terraform plan"),
        ({"format_version": "1.2"}, "tfplan.json: $: not a Terraform plan"),
        (
            {"planned_values": {"root_module": {"resources": [{"type": "x"}]}}},
            "tfplan.json: planned_values.root_module.resources[0].address:"
            " a resource needs its address",
        ),
        (
            _tfplan(
                [
                    _resource(
                        "aws_s3_bucket_policy.p",
                        "aws_s3_bucket_policy",
                        {"bucket": "b", "policy": "{not json"},
                    )
                ]
            ),
            "tfplan.json: aws_s3_bucket_policy.p.policy: not a JSON policy",
        ),
    ],
)
def test_malformed_plans_are_one_line(tmp_path: Path, document: Any, message: str) -> None:
    write_json(tmp_path / "tfplan.json", document)
    plan = write_plan(tmp_path, [{"terraform_plan": "tfplan.json", "account": TRAINING}])
    with pytest.raises(InputError) as error:
        load_plan(plan)
    assert str(error.value).startswith(message)


def test_a_fix_of_a_terraform_policy_is_jsonencode_ready(tmp_path: Path) -> None:
    from checker.check import check_plan
    from checker.engine.decide import CheckOptions

    resources = _group("")
    narrow = json.loads(resources[1]["values"]["resource_policy"])
    narrow["Statement"][0]["Action"] = "sagemaker:DescribeModelPackageGroup"
    resources[1]["values"]["resource_policy"] = json.dumps(narrow)
    report = check_plan(
        load_plan(_plan(tmp_path, _tfplan(resources), account=REGISTRY)), CheckOptions(lint=False)
    )
    (in_source,) = report.extra["source_fixes"]
    assert in_source["form"] == "terraform"
    assert in_source["property"] == "aws_sagemaker_model_package_group_policy.this.resource_policy"
    value = in_source["value"]
    assert value.startswith("resource_policy = jsonencode(") and value.endswith(")\n")
    fix = next(item for item in report.extra["fixes"] if item.id == in_source["fix"])
    assert json.loads(value.removeprefix("resource_policy = jsonencode(")[:-2]) == fix.policy


def test_bucket_encryption_and_ownership_follow_references_to_a_new_bucket(
    tmp_path: Path,
) -> None:
    key = f"arn:aws:kms:us-east-2:{TRAINING}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    resources = [
        _resource("module.data.aws_s3_bucket.artifacts", "aws_s3_bucket", {"bucket": "my-bucket"}),
        _resource(
            "module.data.aws_s3_bucket_server_side_encryption_configuration.artifacts",
            "aws_s3_bucket_server_side_encryption_configuration",
            {
                "rule": [
                    {
                        "apply_server_side_encryption_by_default": [
                            {"sse_algorithm": "aws:kms", "kms_master_key_id": key}
                        ]
                    }
                ]
            },
        ),
        _resource(
            "module.data.aws_s3_bucket_ownership_controls.artifacts",
            "aws_s3_bucket_ownership_controls",
            {"rule": [{"object_ownership": "BucketOwnerEnforced"}]},
        ),
    ]
    references = {"references": ["aws_s3_bucket.artifacts.id", "aws_s3_bucket.artifacts"]}
    configuration = {
        "root_module": {
            "module_calls": {
                "data": {
                    "module": {
                        "resources": [
                            {
                                "address": address,
                                "expressions": {"bucket": references},
                            }
                            for address in (
                                "aws_s3_bucket_server_side_encryption_configuration.artifacts",
                                "aws_s3_bucket_ownership_controls.artifacts",
                            )
                        ]
                    }
                }
            }
        }
    }
    unknown = {
        resources[1]["address"]: {"bucket": True, "id": True},
        resources[2]["address"]: {"bucket": True, "id": True},
    }
    write_json(
        tmp_path / "tfplan.json", _tfplan(resources, unknown=unknown, configuration=configuration)
    )
    plan = load_plan(write_plan(tmp_path, [{"terraform_plan": "tfplan.json", "account": TRAINING}]))
    (bucket,) = plan.s3_buckets
    assert bucket.name == "my-bucket"
    assert bucket.encryption is not None
    assert (bucket.encryption.sse, bucket.encryption.kms_key) == ("aws:kms", key)
    assert bucket.object_ownership == "BucketOwnerEnforced"


def test_a_later_source_without_a_policy_keeps_the_earlier_ones(tmp_path: Path) -> None:
    write_json(tmp_path / "a.json", _tfplan(_group("")))
    write_json(tmp_path / "b.json", _tfplan(_group("")[:1]))
    identity = {"principal": REGISTRAR, "policies": [REGISTRAR_POLICY]}
    plan = write_plan(
        tmp_path,
        [
            {"terraform_plan": "a.json", "account": REGISTRY},
            {"terraform_plan": "b.json", "account": REGISTRY},
        ],
        principals={"registrar": REGISTRAR},
        identities=[identity],
    )
    assert row(check(plan), "sagemaker:CreateModelPackage").decision.value == "allowed"
