"""An account under an OU with an SCP: the snapshot keeps the organization's levels, and the
written plan decides as the live collection does.

The registry account creates the organization (moto lets only the management account read
policies) and moves itself under an OU whose allow-list SCP replaces FullAWSAccess and
lacks ecr:BatchGetImage. (AWS exempts the management account from SCPs; here it only stands
in for an account whose SCPs xreg can read.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from live_helpers import access, snapshot, tree
from live_scenarios import REGISTRY, TRAINING, populate_seed

from checker.aws.collect import collect
from checker.aws.memory_plan import build_plan
from checker.aws.plan_writer import plan_document
from checker.aws.session import AwsAccount
from checker.aws.snapshot import SnapshotOptions, build_subject
from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.plan.loader import load_plan
from checker.results.model import Report
from tests.moto_server import MotoServer, session_as

FULL_ACCESS_ID = "p-FullAWSAccess"
ALLOW_LIST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowListed",
            "Effect": "Allow",
            "Action": [
                "ecr:GetDownloadUrlForLayer",
                "ecr:GetAuthorizationToken",
                "ecr:DescribeImages",
                "s3:*",
                "kms:*",
                "sagemaker:*",
            ],
            "Resource": "*",
        }
    ],
}


def put_registry_under_an_ou(endpoint_url: str) -> str:
    """Returns the allow-list SCP's id."""
    organizations = session_as(endpoint_url, REGISTRY).client(
        "organizations", endpoint_url=endpoint_url
    )
    organizations.create_organization(FeatureSet="ALL")
    root = organizations.list_roots()["Roots"][0]["Id"]
    ou = organizations.create_organizational_unit(ParentId=root, Name="ml-serving")
    ou_id = ou["OrganizationalUnit"]["Id"]
    organizations.move_account(AccountId=REGISTRY, SourceParentId=root, DestinationParentId=ou_id)
    policy_id: str = organizations.create_policy(
        Name="ml-serving-allow-list",
        Description="what serving accounts may call",
        Type="SERVICE_CONTROL_POLICY",
        Content=json.dumps(ALLOW_LIST),
    )["Policy"]["PolicySummary"]["Id"]
    organizations.attach_policy(PolicyId=policy_id, TargetId=ou_id)
    organizations.detach_policy(PolicyId=FULL_ACCESS_ID, TargetId=ou_id)
    return policy_id


def decisions(report: Report) -> list[tuple[str, str, str, str, str]]:
    return sorted(
        (row.principal, row.action, row.resource, row.decision.value, row.sides.organization.value)
        for row in report.requirements
    )


def live_plan_decisions(server: MotoServer, request: dict[str, Any], tmp_path: Path) -> Report:
    """The decisions on the live collection itself, in memory, as the audit makes them."""
    training = AwsAccount(access(server, TRAINING))
    registry = AwsAccount(access(server, REGISTRY))
    options = SnapshotOptions(
        output_dir=tmp_path / "unused",
        training=access(server, TRAINING),
        registry=access(server, REGISTRY),
    )
    subject = build_subject({"registration": request}, options, training, registry)
    collection = collect(subject, {REGISTRY: registry, TRAINING: training})
    written, _ = plan_document(subject, collection)
    plan = build_plan(
        source="live",
        partition=subject.partition,
        region=subject.region,
        training_account=TRAINING,
        registry_account=REGISTRY,
        registration=request,
        collection=collection,
        repositories=collection.repositories,
        buckets=collection.buckets,
        keys=collection.keys,
        groups=collection.groups,
        training_output_key=written.get("training_job", {}).get("output_kms_key"),
    )
    return check_plan(plan, CheckOptions(lint=False))


def test_the_snapshot_writes_the_levels_and_replays_the_live_decisions(
    server: MotoServer, tmp_path: Path
) -> None:
    seed = populate_seed(server.endpoint_url)
    allow_list_id = put_registry_under_an_ou(server.endpoint_url)
    plan_path = snapshot(server, seed.request, tmp_path / "snap")

    written = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    full_access = f"policies/scp-{FULL_ACCESS_ID}.json"
    allow_list = f"policies/scp-{allow_list_id}.json"
    assert written["service_control_policies"] == {
        REGISTRY: [[full_access], [allow_list], [full_access]],
        TRAINING: [],  # not in any organization: nothing restricts it
    }
    assert len(written["resource_control_policies"][REGISTRY]) == 3
    assert json.loads((plan_path.parent / allow_list).read_text()) == ALLOW_LIST

    offline = check_plan(load_plan(plan_path), CheckOptions(lint=False))
    live = live_plan_decisions(server, seed.request, tmp_path)
    assert decisions(offline) == decisions(live)
    pulls = {
        row.action: row
        for row in offline.requirements
        if row.principal == f"arn:aws:iam::{REGISTRY}:root"
    }
    assert pulls["ecr:BatchGetImage"].decision.value == "implicit_deny"
    assert pulls["ecr:BatchGetImage"].sides.organization.value == "implicit_deny"
    assert pulls["ecr:DescribeImages"].sides.organization.value == "allowed"
    # Levels are written in a fixed order: a second snapshot of the same state is identical.
    again = snapshot(server, seed.request, tmp_path / "again")
    assert tree(plan_path.parent) == tree(again.parent)


def test_denied_scps_make_the_replayed_check_unknown(server: MotoServer, tmp_path: Path) -> None:
    seed = populate_seed(server.endpoint_url)
    put_registry_under_an_ou(server.endpoint_url)
    server.set_faults(
        [
            {
                "service": "organizations",
                "operation": "ListPoliciesForTarget",
                "fault": "access_denied",
            }
        ]
    )
    plan_path = snapshot(server, seed.request, tmp_path / "snap")
    written = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    fields = {(entry["resource"], entry["field"]) for entry in written["x-snapshot"]["unreadable"]}
    assert {(REGISTRY, "scps"), (REGISTRY, "rcps")} <= fields
    offline = check_plan(load_plan(plan_path), CheckOptions(lint=False))
    assert decisions(offline) == decisions(live_plan_decisions(server, seed.request, tmp_path))
    consumer = [r for r in offline.requirements if r.principal == f"arn:aws:iam::{REGISTRY}:root"]
    assert consumer and {r.sides.organization.value for r in consumer} == {"unknown"}
    assert "unknown" in {r.decision.value for r in consumer}
    assert "allowed" not in {r.decision.value for r in consumer}
