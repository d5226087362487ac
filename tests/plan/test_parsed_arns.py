"""The plan model keeps every ARN and principal parsed at load; names that do not come from a
plan go through one strict parser whose ``None`` says the name is not an ARN."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from checker.aws.memory_plan import build_plan
from checker.aws.snapshot import _named_accounts
from checker.aws.state import Collection, GroupState, KeyState, ObjectState, RepositoryState
from checker.errors import InputError
from checker.plan.loader import load_plan
from checker.refs import Arn, arn_or_none
from tests.plans import FIXTURES, copy_fixture, edit_plan

KEY = "arn:aws:kms:us-east-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = "arn:aws:kms:us-west-2:333333333333:key/0000abcd-12ab-34cd-56ef-1234567890ab"
REPOSITORY = "arn:aws:ecr:us-east-2:222222222222:repository/decision-trees-sample"
GROUP = "arn:aws:sagemaker:us-east-2:111111111111:model-package-group/iris"


def test_resources_carry_their_account_region_and_name() -> None:
    plan = load_plan(FIXTURES / "aws-doc-sample" / "plan.yaml")
    (repository,) = plan.ecr_repositories
    assert (repository.account, repository.region, repository.name) == (
        "222222222222",
        "us-east-2",
        "decision-trees-sample",
    )
    (group,) = plan.model_package_groups
    assert (group.account, group.region, group.name) == ("111111111111", "us-east-2", "iris")
    (key,) = plan.kms_keys
    assert (key.account, key.region) == ("222222222222", "us-east-2")
    assert key.parsed == Arn("aws", "kms", "us-east-2", "222222222222", key.parsed.resource)


def test_default_principals_are_the_accounts_roots() -> None:
    plan = load_plan(FIXTURES / "aws-doc-sample" / "plan.yaml")
    registrar = plan.registrar_principal
    assert (registrar.arn, registrar.kind, registrar.account) == (
        "arn:aws:iam::222222222222:root",
        "root",
        "222222222222",
    )
    assert [c.account for c in plan.consumer_principals] == ["111111111111"]
    assert plan.registrar_arn == registrar.arn
    assert plan.consumer_arns == ("arn:aws:iam::111111111111:root",)


def test_given_principals_are_parsed_once() -> None:
    plan = load_plan(FIXTURES / "session-principals" / "plan.yaml")
    registrar = plan.registrar_principal
    assert (registrar.kind, registrar.account, registrar.name, registrar.session) == (
        "assumed-role",
        "222222222222",
        "TrainingPipelineRole",
        "pipelines-7xkq2-TrainModel",
    )
    (consumer,) = plan.consumer_arns
    found = plan.principal(consumer)
    assert found is not None and found.account == "111111111111"
    for identity in plan.identities:
        assert identity.parsed.arn == identity.principal
        assert plan.principal(identity.principal) == identity.parsed
    assert plan.principal("arn:aws:iam::999999999999:role/Nobody") is None


def test_every_key_arn_the_plan_names_is_kept_parsed(tmp_path: Path) -> None:
    def add_keys(data: dict[str, Any]) -> None:
        bucket = data["resources"]["s3_buckets"][0]
        bucket["encryption"] = {"sse": "aws:kms", "kms_key": OTHER_KEY}
        bucket["objects"] = [{"key": "model.tar.gz", "kms_key": OTHER_KEY}]

    plan = load_plan(edit_plan(copy_fixture("aws-doc-sample", tmp_path), add_keys))
    assert set(plan.key_arns) == {KEY, OTHER_KEY}
    other = plan.key_arn(OTHER_KEY)
    assert other is not None and (other.account, other.region) == ("333333333333", "us-west-2")
    known = plan.key_arn(KEY)
    assert known is not None and known.account == "222222222222"
    assert plan.key_arn("1234abcd-12ab-34cd-56ef-1234567890ab") is None


@pytest.mark.parametrize(
    "text",
    [
        "alias/aws/s3",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:us-east-2:2222:key/x",  # not a 12-digit account
        "arn:aws:kms:not-a-region:222222222222:key/x",
        "arn:aws",
        "",
    ],
)
def test_a_name_that_is_not_an_arn_says_so(text: str) -> None:
    assert arn_or_none(text) is None


def test_an_arn_parses_to_its_fields() -> None:
    assert arn_or_none(KEY) == Arn(
        "aws", "kms", "us-east-2", "222222222222", "key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )


def _collection(repository: str) -> Collection:
    collection = Collection()
    collection.repositories[repository] = RepositoryState(repository, None)
    collection.keys[KEY] = KeyState(KEY, "CUSTOMER", None)
    collection.groups[GROUP] = GroupState(GROUP, None)
    uri = "s3://my-bucket/model.tar.gz"
    collection.objects[uri] = ObjectState(uri, "aws:kms", OTHER_KEY)
    return collection


def _memory_plan(collection: Collection, consumers: tuple[str, ...] = ()) -> Any:
    registration = {
        "ModelPackageGroupName": GROUP,
        "InferenceSpecification": {
            "Containers": [{"ModelDataUrl": "s3://my-bucket/model.tar.gz"}],
        },
    }
    return build_plan(
        source="live",
        partition="aws",
        region="us-east-2",
        training_account="222222222222",
        registry_account="111111111111",
        registration=registration,
        collection=collection,
        repositories=collection.repositories,
        keys=collection.keys,
        groups=collection.groups,
        consumers=consumers,
    )


def test_the_audit_plan_parses_its_collection_as_the_loader_does() -> None:
    plan = _memory_plan(_collection(REPOSITORY), ("arn:aws:iam::111111111111:role/Deploy",))
    (repository,) = plan.ecr_repositories
    assert (repository.account, repository.name) == ("222222222222", "decision-trees-sample")
    assert plan.kms_keys[0].region == "us-east-2"
    assert plan.model_package_groups[0].name == "iris"
    assert [c.name for c in plan.consumer_principals] == ["Deploy"]
    other = plan.key_arn(OTHER_KEY)
    assert other is not None and other.account == "333333333333"


def test_the_audit_plan_refuses_a_name_that_does_not_parse_in_one_line() -> None:
    with pytest.raises(InputError) as raised:
        _memory_plan(_collection("arn:aws:ecr:us-east-2:222222222222:not-a-repository"))
    message = str(raised.value)
    assert "resources.ecr_repositories[0].arn" in message
    assert "\n" not in message
    with pytest.raises(InputError) as raised:
        _memory_plan(_collection(REPOSITORY), ("arn:aws:iam::111111111111:group/Ops",))
    assert str(raised.value).startswith("--consumer: 'arn:aws:iam::111111111111:group/Ops'")


def test_the_snapshot_reads_the_registry_account_from_a_strictly_parsed_group_arn() -> None:
    base = {"registration": {"ModelPackageGroupName": GROUP}}
    assert _named_accounts(base)[0] == "111111111111"
    assert _named_accounts({"registration": {"ModelPackageGroupName": "iris"}})[0] is None
    with pytest.raises(InputError) as raised:
        _named_accounts({"registration": {"ModelPackageGroupName": "arn:aws:sagemaker"}})
    assert str(raised.value).startswith("request: ModelPackageGroupName: ")
