"""load_plan: a valid plan becomes a typed Plan; every invalid one is one line naming the field."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from checker.errors import InputError
from checker.plan.loader import load_plan
from checker.plan.model import LoadedPolicy, ManagedPolicyRef
from tests.plan.plan_files import (
    GROUP_ARN,
    KEY_ARN,
    REPOSITORY_ARN,
    SIMPLE_POLICY,
    VALID_PLAN,
    minimal_plan,
    refused,
    write_plan,
    write_policy,
)

# --- a valid plan -----------------------------------------------------------------------------


def test_the_full_example_plan_loads_into_the_model() -> None:
    plan = load_plan(VALID_PLAN)
    assert plan.source == str(VALID_PLAN)
    assert (plan.version, plan.partition, plan.region) == (1, "aws", "us-east-2")
    assert (plan.training_account, plan.registry_account) == ("222222222222", "111111111111")
    assert plan.organization_id == "o-a1b2c3d4e5"
    assert plan.registrar_arn == "arn:aws:iam::222222222222:role/TrainingPipelineRole"
    assert plan.consumer_arns == ("arn:aws:iam::111111111111:role/SageMakerDeployRole",)
    assert plan.context == {"aws:SourceVpce": "vpce-0abc"}
    assert plan.has_training_job and plan.training_job_output_kms_key == KEY_ARN
    assert plan.registration["ModelPackageGroupName"] == GROUP_ARN

    (repository,) = plan.ecr_repositories
    assert repository.arn == REPOSITORY_ARN
    assert repository.plan_field == "resources.ecr_repositories[0]"
    assert repository.policy is not None
    assert repository.policy.source == "policies/ecr-repository.json"
    assert repository.policy.plan_field == "resources.ecr_repositories[0].policy"
    assert repository.policy.document["Statement"][0]["Sid"] == "AddPerm"

    (bucket,) = plan.s3_buckets
    assert (bucket.name, bucket.account, bucket.object_ownership) == (
        "my-bucket",
        "222222222222",
        "BucketOwnerEnforced",
    )
    assert bucket.encryption is not None
    assert (bucket.encryption.sse, bucket.encryption.kms_key) == ("aws:kms", KEY_ARN)
    assert bucket.policy is not None and bucket.policy.line_of(("Statement", 1)) == 11

    (key,) = plan.kms_keys
    assert key.manager == "CUSTOMER"
    assert key.policy is not None and key.policy.source == "policies/key.yaml"
    assert key.policy.line_of(("Statement", 1)) == 9
    (grant,) = key.grants
    assert grant.grantee_principal == "arn:aws:iam::111111111111:root"
    assert grant.operations == ("Decrypt", "GenerateDataKey")
    assert grant.plan_field == "resources.kms_keys[0].grants[0]"

    (group,) = plan.model_package_groups
    assert group.policy is not None
    assert group.policy.source == "plan.yaml#resources.model_package_groups[0].policy"
    assert group.policy.file == VALID_PLAN
    assert group.policy.document["Statement"][0]["Sid"] == "AddPermModelPackageGroup"
    # Inline documents are positioned in the plan file itself.
    assert group.policy.line_of(("Statement", 0)) == 55
    assert group.policy.line_of(("Statement", 0, "Resource", 1)) == 64

    (identity,) = plan.identities
    assert identity.plan_field == "identities[0]"
    file_policy, by_name, by_arn = identity.policies
    assert (
        isinstance(file_policy, LoadedPolicy)
        and file_policy.source == "policies/pipeline-role.json"
    )
    assert by_name == ManagedPolicyRef("AmazonSageMakerFullAccess", "identities[0].policies[1]")
    assert by_arn == ManagedPolicyRef("AmazonS3ReadOnlyAccess", "identities[0].policies[2]")
    assert identity.permissions_boundary is not None
    assert identity.permissions_boundary.source == "policies/boundary.json"

    assert plan.service_control_policies is not None
    full_access, deny_outside = plan.service_control_policies["222222222222"]
    assert isinstance(full_access, ManagedPolicyRef) and full_access.name == "FullAWSAccess"
    assert full_access.document == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    assert isinstance(deny_outside, LoadedPolicy)
    assert deny_outside.plan_field == "service_control_policies.222222222222[1]"
    assert plan.resource_control_policies == {"222222222222": ()}
    assert plan.raw["x-ticket"] == "ML-1234"
    assert plan.positions[("registration",)] == (17, 3)


def test_the_example_plan_reads_the_same_as_json(in_tmp: Path) -> None:
    import yaml

    shutil.copytree(VALID_PLAN.parent / "policies", in_tmp / "policies")
    write_plan(in_tmp, yaml.safe_load(VALID_PLAN.read_text()), "plan.json")
    from_json = load_plan("plan.json")
    from_yaml = load_plan(VALID_PLAN)
    assert from_json.raw == from_yaml.raw
    json_bucket, yaml_bucket = from_json.s3_buckets[0].policy, from_yaml.s3_buckets[0].policy
    assert json_bucket is not None and yaml_bucket is not None
    assert (json_bucket.source, json_bucket.document, json_bucket.positions) == (
        yaml_bucket.source,
        yaml_bucket.document,
        yaml_bucket.positions,
    )
    assert from_json.model_package_groups[0].policy is not None
    assert from_json.model_package_groups[0].policy.source == (
        "plan.json#resources.model_package_groups[0].policy"
    )


def test_minimal_plan_takes_the_defaults(in_tmp: Path) -> None:
    write_plan(in_tmp, minimal_plan())
    plan = load_plan("plan.yaml")
    assert plan.partition == "aws"
    assert plan.registrar_arn == "arn:aws:iam::222222222222:root"
    assert plan.consumer_arns == ("arn:aws:iam::111111111111:root",)
    assert not plan.has_training_job and plan.training_job_output_kms_key is None
    assert plan.identities == () and plan.ecr_repositories == ()
    assert plan.service_control_policies is None and plan.resource_control_policies is None


def test_a_file_named_twice_is_read_once(in_tmp: Path) -> None:
    write_policy(in_tmp, "policies/shared.json")

    def change(plan: dict[str, Any]) -> None:
        plan["service_control_policies"] = {
            "222222222222": ["policies/shared.json"],
            "111111111111": ["policies/shared.json"],
        }

    plan_data = minimal_plan()
    change(plan_data)
    write_plan(in_tmp, plan_data)
    plan = load_plan("plan.yaml")
    assert plan.service_control_policies is not None
    (first,) = plan.service_control_policies["222222222222"]
    (second,) = plan.service_control_policies["111111111111"]
    assert isinstance(first, LoadedPolicy) and isinstance(second, LoadedPolicy)
    assert first.document is second.document
    assert (first.plan_field, second.plan_field) == (
        "service_control_policies.222222222222[0]",
        "service_control_policies.111111111111[0]",
    )


def test_policy_names_resolve_by_what_exists(in_tmp: Path) -> None:
    # A bare name is a file when such a file is next to the plan, else a managed policy.
    write_policy(in_tmp, "LocalPolicy")
    plan_data = minimal_plan()
    plan_data["identities"] = [
        {
            "principal": "arn:aws:iam::111111111111:role/SageMakerDeployRole",
            "policies": [
                "LocalPolicy",
                "ReadOnlyAccess",
                "arn:aws:iam::aws:policy/service-role/AmazonSageMakerServiceCatalogProductsUseRole",
                SIMPLE_POLICY,
            ],
        }
    ]
    plan_data["resource_control_policies"] = {"111111111111": ["RCPFullAWSAccess"]}
    write_plan(in_tmp, plan_data)
    plan = load_plan("plan.yaml")
    local, managed, with_path, inline = plan.identities[0].policies
    assert isinstance(local, LoadedPolicy) and local.source == "LocalPolicy"
    assert managed == ManagedPolicyRef("ReadOnlyAccess", "identities[0].policies[1]")
    assert isinstance(with_path, ManagedPolicyRef)
    assert with_path.name == "AmazonSageMakerServiceCatalogProductsUseRole"
    assert isinstance(inline, LoadedPolicy)
    assert inline.source == "plan.yaml#identities[0].policies[3]"
    assert inline.document == SIMPLE_POLICY
    assert plan.resource_control_policies is not None
    (rcp,) = plan.resource_control_policies["111111111111"]
    assert isinstance(rcp, ManagedPolicyRef) and rcp.document is not None
    assert rcp.document["Statement"][0]["Principal"] == "*"


def test_the_organizations_arn_of_full_aws_access_is_recognized(in_tmp: Path) -> None:
    plan_data = minimal_plan()
    plan_data["service_control_policies"] = {
        "222222222222": ["arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"]
    }
    write_plan(in_tmp, plan_data)
    plan = load_plan("plan.yaml")
    assert plan.service_control_policies is not None
    (scp,) = plan.service_control_policies["222222222222"]
    assert isinstance(scp, ManagedPolicyRef) and scp.name == "FullAWSAccess" and scp.document


def test_extension_keys_are_allowed(in_tmp: Path) -> None:
    plan_data = minimal_plan()
    plan_data["x-owner"] = "ml-platform"
    plan_data["accounts"]["x-note"] = "same org"
    write_plan(in_tmp, plan_data)
    assert load_plan("plan.yaml").raw["x-owner"] == "ml-platform"


def test_same_account_plans_are_legal(in_tmp: Path) -> None:
    plan_data = minimal_plan()
    plan_data["accounts"]["registry"] = "222222222222"
    write_plan(in_tmp, plan_data)
    plan = load_plan("plan.yaml")
    assert plan.training_account == plan.registry_account == "222222222222"


def test_other_partitions(in_tmp: Path) -> None:
    plan_data = minimal_plan()
    plan_data.update(partition="aws-cn", region="cn-north-1")
    plan_data["principals"] = {"registrar": "arn:aws-cn:iam::222222222222:role/Pipeline"}
    write_plan(in_tmp, plan_data)
    plan = load_plan("plan.yaml")
    assert plan.registrar_arn == "arn:aws-cn:iam::222222222222:role/Pipeline"
    assert plan.consumer_arns == ("arn:aws-cn:iam::111111111111:root",)


# --- refusals: one line each, naming the field --------------------------------------------------


def test_the_brief_example_message(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["accounts"]["training"] = "2222"

    assert (
        refused(in_tmp, change) == "plan.yaml: accounts.training: '2222' does not match ^[0-9]{12}$"
    )


def test_integer_account_id_says_quote_it(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["accounts"]["registry"] = 111111111111

    assert refused(in_tmp, change) == (
        "plan.yaml: accounts.registry: 111111111111 is a number, but account ids are strings: "
        'quote it ("111111111111")'
    )


def test_integer_account_id_as_a_key_says_quote_it(in_tmp: Path) -> None:
    (in_tmp / "plan.yaml").write_text(
        "version: 1\nregion: us-east-2\nservice_control_policies:\n  222222222222: "
        "[FullAWSAccess]\n"
    )
    with pytest.raises(InputError) as error:
        load_plan("plan.yaml")
    assert str(error.value) == (
        "plan.yaml: service_control_policies: the key 222222222222 is a number, keys must be "
        "strings: quote it (line 4, column 3)"
    )


def test_malformed_plan_yaml(in_tmp: Path) -> None:
    (in_tmp / "plan.yaml").write_text("version: 1\naccounts:\n  training: '2222\n")
    with pytest.raises(InputError) as error:
        load_plan("plan.yaml")
    assert str(error.value).startswith(
        "plan.yaml: accounts.training: malformed YAML at line 4, column 1: "
    )


def test_missing_plan(in_tmp: Path) -> None:
    with pytest.raises(InputError) as error:
        load_plan("nope.yaml")
    assert str(error.value) == "nope.yaml: $: file not found"


def test_plan_that_is_not_an_object(in_tmp: Path) -> None:
    (in_tmp / "plan.yaml").write_text("- version: 1\n")
    with pytest.raises(InputError) as error:
        load_plan("plan.yaml")
    assert str(error.value) == "plan.yaml: $: the document must be an object ({...}), not an array"


def test_unknown_top_level_key(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["regoin"] = "us-east-2"

    assert refused(in_tmp, change) == (
        "plan.yaml: regoin: unknown field; known fields: version, partition, region, accounts, "
        "organization_id, organization, principals, context, registration, training_job, "
        "resources, identities, service_control_policies, resource_control_policies, "
        "canonical_ids, sources "
        "(or a key starting with x-)"
    )


def test_unknown_nested_key(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["resources"] = {
            "s3_buckets": [{"name": "my-bucket", "account": "222222222222", "owner": "x"}]
        }

    assert refused(in_tmp, change) == (
        "plan.yaml: resources.s3_buckets[0].owner: unknown field; known fields: name, account, "
        "policy, encryption, object_ownership, objects (or a key starting with x-)"
    )


def test_bad_enum(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["resources"] = {
            "s3_buckets": [
                {
                    "name": "my-bucket",
                    "account": "222222222222",
                    "encryption": {"sse": "aws:kms:bad"},
                }
            ]
        }

    assert refused(in_tmp, change) == (
        "plan.yaml: resources.s3_buckets[0].encryption.sse: 'aws:kms:bad' is not one of "
        "AES256, aws:kms, aws:kms:dsse"
    )


def test_bad_grant_operation(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["resources"] = {
            "kms_keys": [
                {
                    "arn": KEY_ARN,
                    "grants": [
                        {"grantee_principal": "111111111111", "operations": ["Decrypt", "Use"]}
                    ],
                }
            ]
        }

    assert refused(in_tmp, change).startswith(
        "plan.yaml: resources.kms_keys[0].grants[0].operations[1]: 'Use' is not one of Decrypt, "
        "Encrypt,"
    )


def test_missing_required_field(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        del plan["registration"]["InferenceSpecification"]["Containers"][0]["Image"]

    assert refused(in_tmp, change) == (
        "plan.yaml: registration.InferenceSpecification.Containers[0]: missing required field "
        "'Image'"
    )


def test_too_many_containers(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        containers = plan["registration"]["InferenceSpecification"]["Containers"]
        containers.extend([dict(containers[0]) for _ in range(15)])

    assert refused(in_tmp, change) == (
        "plan.yaml: registration.InferenceSpecification.Containers: has 16 items, at most 15 are "
        "allowed"
    )


def test_unsupported_version(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["version"] = 2

    assert (
        refused(in_tmp, change)
        == "plan.yaml: version: unsupported plan version 2 (this xreg reads version 1)"
    )


def test_wrong_type_names_what_was_expected(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["resources"] = {"ecr_repositories": [{"arn": REPOSITORY_ARN, "policy": 3}]}

    assert refused(in_tmp, change) == (
        "plan.yaml: resources.ecr_repositories[0].policy: expected a policy file path (relative "
        "to the plan), an inline policy document, or null for no policy, got a number"
    )


def test_deepest_error_wins(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["regoin"] = "x"  # shallow
        plan["principals"] = {"consumers": ["arn:aws:iam::111111111111:group/Admins"]}  # deep

    assert refused(in_tmp, change).startswith(
        "plan.yaml: principals.consumers[0]: 'arn:aws:iam::111111111111:group/Admins' is not an "
        "IAM principal ARN"
    )


def test_account_key_of_an_scp_map_must_be_an_account_id(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["service_control_policies"] = {"training": ["FullAWSAccess"]}

    assert refused(in_tmp, change) == (
        "plan.yaml: service_control_policies.training: 'training' is not an account id (12 "
        "digits, quoted)"
    )


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (
            ("principals", "registrar"),
            "arn:aws:iam::2222:role/Pipeline",
            "plan.yaml: principals.registrar: 'arn:aws:iam::2222:role/Pipeline' is not an IAM "
            "principal "
            "ARN (arn:aws:iam::ACCOUNT:role/NAME, :user/NAME, :root, or "
            "arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)",
        ),
        (
            ("principals", "registrar"),
            "arn:aws:iam::222222222222:role/bad!name",
            "plan.yaml: principals.registrar: 'arn:aws:iam::222222222222:role/bad!name': "
            "'bad!name' is not a valid IAM name",
        ),
        (
            ("training_job", "output_kms_key"),
            "arn:aws:kms:us-east-2:222222222222:key/not-a-key",
            "plan.yaml: training_job.output_kms_key: "
            "'arn:aws:kms:us-east-2:222222222222:key/not-a-key' "
            "is not a KMS key ARN (…:key/KEY-ID or …:alias/NAME)",
        ),
        (
            ("training_job", "output_kms_key"),
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "plan.yaml: training_job.output_kms_key: '1234abcd-12ab-34cd-56ef-1234567890ab' is not "
            "a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID or …:alias/NAME)",
        ),
        (
            ("principals", "registrar"),
            "arn:aws-cn:iam::222222222222:role/Pipeline",
            "plan.yaml: principals.registrar: 'arn:aws-cn:iam::222222222222:role/Pipeline' is in "
            "partition aws-cn, but the plan's partition is aws",
        ),
        (
            ("region",),
            "cn-north-1",
            "plan.yaml: region: region cn-north-1 is in partition aws-cn, but the plan's "
            "partition is aws",
        ),
        (
            ("region",),
            "us-east",
            "plan.yaml: region: 'us-east' is not an AWS region name like us-east-2",
        ),
        (
            ("organization_id",),
            "o-short",
            "plan.yaml: organization_id: 'o-short' is not an AWS Organizations id (o- followed by "
            "10 "
            "to 32 lowercase letters or digits)",
        ),
    ],
)
def test_invalid_names(in_tmp: Path, field: tuple[str, ...], value: str, expected: str) -> None:
    def change(plan: dict[str, Any]) -> None:
        target = plan
        for part in field[:-1]:
            target = target.setdefault(part, {})
        target[field[-1]] = value

    assert refused(in_tmp, change) == expected


def test_kms_key_with_s3_managed_encryption_is_contradictory(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["resources"] = {
            "s3_buckets": [
                {
                    "name": "my-bucket",
                    "account": "222222222222",
                    "encryption": {"sse": "AES256", "kms_key": KEY_ARN},
                }
            ]
        }

    assert refused(in_tmp, change) == (
        "plan.yaml: resources.s3_buckets[0].encryption.kms_key: a KMS key makes no sense with sse "
        "AES256 (S3 managed keys)"
    )


def test_a_resource_listed_twice_is_ambiguous(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["resources"] = {"ecr_repositories": [{"arn": REPOSITORY_ARN}, {"arn": REPOSITORY_ARN}]}

    assert refused(in_tmp, change) == (
        f"plan.yaml: resources.ecr_repositories[1]: '{REPOSITORY_ARN}' is listed twice "
        "(also at resources.ecr_repositories[0])"
    )


def test_identity_of_a_session_points_to_the_role(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["identities"] = [
            {"principal": "arn:aws:sts::222222222222:assumed-role/Pipeline/run-1"}
        ]

    assert refused(in_tmp, change) == (
        "plan.yaml: identities[0].principal: identity policies belong to the role, not to its "
        "sessions: give arn:aws:iam::222222222222:role/Pipeline"
    )


def test_grantee_must_be_a_principal(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["resources"] = {
            "kms_keys": [
                {
                    "arn": KEY_ARN,
                    "grants": [{"grantee_principal": "deploy-role", "operations": ["Decrypt"]}],
                }
            ]
        }

    assert refused(in_tmp, change) == (
        "plan.yaml: resources.kms_keys[0].grants[0].grantee_principal: 'deploy-role' is not an IAM "
        "principal ARN, an account id or a service principal"
    )


# --- policy files -----------------------------------------------------------------------------


def with_policy(reference: Any) -> Callable[[dict[str, Any]], None]:
    def change(plan: dict[str, Any]) -> None:
        plan["resources"] = {"ecr_repositories": [{"arn": REPOSITORY_ARN, "policy": reference}]}

    return change


def test_missing_policy_file(in_tmp: Path) -> None:
    assert refused(in_tmp, with_policy("policies/nope.json")) == (
        "plan.yaml: resources.ecr_repositories[0].policy: policy file not found: policies/nope.json"
    )


def test_policy_path_that_is_a_directory(in_tmp: Path) -> None:
    (in_tmp / "policies").mkdir()
    assert refused(in_tmp, with_policy("policies")) == (
        "plan.yaml: resources.ecr_repositories[0].policy: policies is a directory, not a policy "
        "file"
    )


def test_policy_path_escaping_the_plan_folder(in_tmp: Path) -> None:
    plan_folder = in_tmp / "plan"
    plan_folder.mkdir()
    write_policy(in_tmp, "outside.json")
    plan = minimal_plan()
    with_policy("../outside.json")(plan)
    write_plan(plan_folder, plan)
    with pytest.raises(InputError) as error:
        load_plan("plan/plan.yaml")
    assert str(error.value) == (
        "plan/plan.yaml: resources.ecr_repositories[0].policy: ../outside.json leads outside the "
        "plan's folder (after following '..' and symbolic links): policy files must be inside it"
    )


def test_policy_symlink_escaping_the_plan_folder(in_tmp: Path) -> None:
    plan_folder = in_tmp / "plan"
    (plan_folder / "policies").mkdir(parents=True)
    secret = write_policy(in_tmp, "secret.json")
    os.symlink(secret, plan_folder / "policies" / "linked.json")
    plan = minimal_plan()
    with_policy("policies/linked.json")(plan)
    write_plan(plan_folder, plan)
    with pytest.raises(InputError) as error:
        load_plan(plan_folder / "plan.yaml")
    assert "policies/linked.json leads outside the plan's folder" in str(error.value)


def test_policy_symlink_inside_the_folder_is_fine(in_tmp: Path) -> None:
    target = write_policy(in_tmp, "policies/real.json")
    os.symlink(target, in_tmp / "policies" / "alias.json")
    plan = minimal_plan()
    with_policy("policies/alias.json")(plan)
    write_plan(in_tmp, plan)
    loaded = load_plan("plan.yaml")
    assert loaded.ecr_repositories[0].policy is not None
    assert loaded.ecr_repositories[0].policy.document == SIMPLE_POLICY


def test_absolute_policy_path(in_tmp: Path) -> None:
    absolute = write_policy(in_tmp, "policies/abs.json")
    assert refused(in_tmp, with_policy(str(absolute))) == (
        f"plan.yaml: resources.ecr_repositories[0].policy: {absolute} is an absolute path: "
        "give a path relative to the plan's folder"
    )


def test_errors_inside_a_policy_file_name_the_policy_file(in_tmp: Path) -> None:
    (in_tmp / "policies").mkdir()
    (in_tmp / "policies" / "repo.json").write_text('{"Statement": [1, 2,]}')
    assert refused(in_tmp, with_policy("policies/repo.json")) == (
        "policies/repo.json: Statement[2]: malformed JSON at line 1, column 21: expected a value, "
        "found ']'"
    )


def test_policy_file_that_is_not_an_object(in_tmp: Path) -> None:
    write_policy(in_tmp, "policies/list.json", [SIMPLE_POLICY])
    assert refused(in_tmp, with_policy("policies/list.json")) == (
        "policies/list.json: $: the document must be an object ({...}), not an array"
    )


def test_null_policy_means_no_policy(in_tmp: Path) -> None:
    plan = minimal_plan()
    with_policy(None)(plan)
    write_plan(in_tmp, plan)
    assert load_plan("plan.yaml").ecr_repositories[0].policy is None


def test_inline_policy_positions_come_from_the_plan(in_tmp: Path) -> None:
    plan = minimal_plan()
    with_policy(SIMPLE_POLICY)(plan)
    path = write_plan(in_tmp, plan)
    loaded = load_plan("plan.yaml")
    policy = loaded.ecr_repositories[0].policy
    assert policy is not None and policy.source == "plan.yaml#resources.ecr_repositories[0].policy"
    line = policy.line_of(("Statement", 0))
    assert line is not None
    assert path.read_text().splitlines()[line - 1].strip().startswith("- Effect: Allow")


def test_managed_policy_arn_that_is_customer_managed(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["identities"] = [
            {
                "principal": "arn:aws:iam::222222222222:role/Pipeline",
                "policies": ["arn:aws:iam::222222222222:policy/TeamPolicy"],
            }
        ]

    assert refused(in_tmp, change) == (
        "plan.yaml: identities[0].policies[0]: 'arn:aws:iam::222222222222:policy/TeamPolicy' is "
        "not "
        "an AWS managed policy ARN (arn:aws:iam::aws:policy/NAME); give a customer managed "
        "policy's "
        "document as a file"
    )


def test_policy_reference_that_is_neither_file_nor_name(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["identities"] = [
            {"principal": "arn:aws:iam::222222222222:role/Pipeline", "policies": ["my policy"]}
        ]

    assert refused(in_tmp, change) == (
        "plan.yaml: identities[0].policies[0]: 'my policy' is neither a policy file nor an AWS "
        "managed policy name"
    )


def test_managed_boundary_without_a_document_is_refused(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["identities"] = [
            {
                "principal": "arn:aws:iam::222222222222:role/Pipeline",
                "permissions_boundary": "PowerUserAccess",
            }
        ]

    assert refused(in_tmp, change) == (
        "plan.yaml: identities[0].permissions_boundary: 'PowerUserAccess' names a managed policy "
        "whose document xreg does not have: save the document as a file next to the plan and give "
        "its path"
    )
