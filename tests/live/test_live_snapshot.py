"""A snapshot writes what both accounts hold, as a plan that replays offline."""

from __future__ import annotations

import json
from pathlib import Path

from live_helpers import read_plan, snapshot, tree
from live_scenarios import (
    BUCKET,
    GROUP_ARN,
    IMAGE,
    REGION,
    REGISTRY,
    REPOSITORY,
    TRAINING,
    populate_seed,
    seed_request,
)

from tests.conftest import FIXTURES
from tests.moto_server import MotoServer, session_as

FIXTURE = FIXTURES / "aws-doc-sample"


def policy_of(plan_path: Path, relative: str) -> dict:
    return json.loads((plan_path.parent / relative).read_text(encoding="utf-8"))


def test_the_seed_scenario_is_written_as_a_plan(server: MotoServer, tmp_path: Path) -> None:
    seed = populate_seed(server.endpoint_url)
    plan_path = snapshot(server, seed.request, tmp_path / "snap")
    plan = read_plan(plan_path)
    assert plan["accounts"] == {"training": TRAINING, "registry": REGISTRY}
    assert plan["region"] == REGION
    assert plan["registration"] == seed.request
    resources = plan["resources"]
    (repository,) = resources["ecr_repositories"]
    assert repository["arn"] == f"arn:aws:ecr:{REGION}:{TRAINING}:repository/{REPOSITORY}"
    repository_policy = policy_of(plan_path, repository["policy"])
    assert repository_policy == policy_of(FIXTURE / "plan.yaml", "policies/ecr-repository.json")
    (bucket,) = resources["s3_buckets"]
    assert (bucket["name"], bucket["account"]) == (BUCKET, TRAINING)
    assert policy_of(plan_path, bucket["policy"]) == policy_of(
        FIXTURE / "plan.yaml", "policies/bucket.json"
    )
    (key,) = resources["kms_keys"]
    assert key["arn"] == seed.key_arn and key["manager"] == "CUSTOMER"
    assert [(g["grantee_principal"], g["operations"]) for g in key["grants"]] == [
        (REGISTRY, ["Decrypt", "GenerateDataKey"])
    ]
    (group,) = resources["model_package_groups"]
    assert group["arn"] == GROUP_ARN
    assert policy_of(plan_path, group["policy"]) == policy_of(
        FIXTURE / "plan.yaml", "policies/model-package-group.json"
    )
    # The artifact's own key (HeadObject) is the training job's output key.
    assert plan["training_job"] == {"output_kms_key": seed.key_arn}
    assert plan["x-snapshot"]["objects"] == [
        {"uri": f"s3://{BUCKET}/model.tar.gz", "sse": "aws:kms", "kms_key": seed.key_arn}
    ]
    assert "unreadable" not in plan["x-snapshot"] and "missing" not in plan["x-snapshot"]


def test_two_snapshots_of_the_same_state_are_identical(server: MotoServer, tmp_path: Path) -> None:
    seed = populate_seed(server.endpoint_url)
    first = snapshot(server, seed.request, tmp_path / "one").parent
    second = snapshot(server, seed.request, tmp_path / "two").parent
    assert tree(first) == tree(second)
    text = (first / "plan.yaml").read_text(encoding="utf-8")
    assert text.index("version:") < text.index("accounts:") < text.index("resources:")


def test_a_second_snapshot_into_the_same_folder_drops_stale_policy_files(
    server: MotoServer, tmp_path: Path
) -> None:
    seed = populate_seed(server.endpoint_url)
    folder = tmp_path / "snap"
    snapshot(server, seed.request, folder)
    session_as(server.endpoint_url, TRAINING).client(
        "s3", endpoint_url=server.endpoint_url
    ).delete_bucket_policy(Bucket=BUCKET)
    plan = read_plan(snapshot(server, seed.request, folder))
    (bucket,) = plan["resources"]["s3_buckets"]
    assert "policy" not in bucket  # none now: the plan says so by omitting it
    assert not (folder / "policies" / "s3-my-bucket.json").exists()


def test_missing_image_and_group_are_recorded(server: MotoServer, tmp_path: Path) -> None:
    populate_seed(server.endpoint_url)
    request = seed_request()
    request["InferenceSpecification"]["Containers"][0]["Image"] = IMAGE.replace(":latest", ":v9")
    request["ModelPackageGroupName"] = GROUP_ARN.replace("/iris", "/absent")
    plan = read_plan(snapshot(server, request, tmp_path / "snap"))
    missing = {entry["resource"]: entry["reason"] for entry in plan["x-snapshot"]["missing"]}
    assert "does not exist" in missing[IMAGE.replace(":latest", ":v9")]
    assert "does not exist" in missing[GROUP_ARN.replace("/iris", "/absent")]
    assert "model_package_groups" not in plan["resources"]
    # The repository itself exists and was read.
    assert plan["resources"]["ecr_repositories"][0]["arn"].endswith(REPOSITORY)


def test_principals_policies_are_collected_as_documents(
    managed_server: MotoServer, tmp_path: Path
) -> None:
    server = managed_server
    seed = populate_seed(server.endpoint_url)
    iam = session_as(server.endpoint_url, REGISTRY).client("iam", endpoint_url=server.endpoint_url)
    trust = json.dumps({"Version": "2012-10-17", "Statement": []})
    boundary_arn = iam.create_policy(
        PolicyName="deploy-boundary",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
    )["Policy"]["Arn"]
    iam.create_role(
        RoleName="SageMakerDeployRole",
        AssumeRolePolicyDocument=trust,
        PermissionsBoundary=boundary_arn,
    )
    inline = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Pull", "Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*"}
        ],
    }
    iam.put_role_policy(
        RoleName="SageMakerDeployRole", PolicyName="pull", PolicyDocument=json.dumps(inline)
    )
    iam.attach_role_policy(
        RoleName="SageMakerDeployRole",
        PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
    )
    consumer = f"arn:aws:iam::{REGISTRY}:role/SageMakerDeployRole"
    plan_path = snapshot(server, seed.request, tmp_path / "snap", consumers=(consumer,))
    plan = read_plan(plan_path)
    assert plan["principals"] == {"consumers": [consumer]}
    (identity,) = plan["identities"]
    assert identity["principal"] == consumer
    documents = [policy_of(plan_path, path) for path in identity["policies"]]
    assert inline in documents
    managed = [path for path in identity["policies"] if "aws-managed" in path]
    assert managed == ["policies/iam-aws-managed-policy-AmazonSageMakerFullAccess.json"]
    assert any("sagemaker:*" in json.dumps(document) for document in documents), (
        "the AWS managed policy is written as its document"
    )
    boundary = policy_of(plan_path, identity["permissions_boundary"])
    assert boundary["Statement"][0]["Action"] == "*"


def test_an_offline_check_of_the_snapshot_gives_the_fixtures_verdict(
    server: MotoServer, tmp_path: Path
) -> None:
    from checker.check import check_plan
    from checker.engine.decide import CheckOptions
    from checker.plan.loader import load_plan

    seed = populate_seed(server.endpoint_url)
    plan_path = snapshot(server, seed.request, tmp_path / "snap")
    live = check_plan(load_plan(plan_path), CheckOptions())
    offline = check_plan(load_plan(FIXTURE / "plan.yaml"), CheckOptions())
    assert live.verdict == offline.verdict == "fail"

    def decisions(report):  # type: ignore[no-untyped-def]
        return sorted(
            (row.phase, row.action, row.decision.value, row.level.value)
            for row in report.requirements
        )

    assert decisions(live) == decisions(offline)


def test_a_session_principal_is_described_by_its_role(server: MotoServer, tmp_path: Path) -> None:
    from checker.plan.loader import load_plan

    seed = populate_seed(server.endpoint_url)
    iam = session_as(server.endpoint_url, REGISTRY).client("iam", endpoint_url=server.endpoint_url)
    iam.create_role(
        RoleName="Deploy",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    iam.put_role_policy(
        RoleName="Deploy",
        PolicyName="pull",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            }
        ),
    )
    session = f"arn:aws:sts::{REGISTRY}:assumed-role/Deploy/deploy-job"
    plan_path = snapshot(server, seed.request, tmp_path / "snap", consumers=(session,))
    (identity,) = read_plan(plan_path)["identities"]
    assert identity["principal"] == f"arn:aws:iam::{REGISTRY}:role/Deploy"
    assert load_plan(plan_path).identities[0].principal == identity["principal"]
