"""``xreg audit --org-ou``: the active accounts under an OU (its child OUs included) or the
root, read from AWS Organizations with the environment's credentials (the management
account), each reached with the ``--role-name`` role."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from live_scenarios import REGION, Admin, add_group

from checker.aws.readonly import READ_OPERATIONS
from checker.cli import main
from tests.moto_server import MotoServer

MANAGEMENT = "123456789012"  # the account of moto's default credentials


def organizations(server: MotoServer) -> Any:
    return boto3.client("organizations", endpoint_url=server.endpoint_url, region_name=REGION)


def new_account(client: Any, name: str, parent: str, root: str) -> str:
    status = client.create_account(AccountName=name, Email=f"{name}@example.com")
    account: str = status["CreateAccountStatus"]["AccountId"]
    if parent != root:
        client.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
    return account


def build_organization(server: MotoServer) -> dict[str, Any]:
    """ml (two accounts, one closed) ⊃ ml/prod (one account); one account under the root."""
    client = organizations(server)
    client.create_organization(FeatureSet="ALL")
    root = client.list_roots()["Roots"][0]["Id"]
    ml = client.create_organizational_unit(ParentId=root, Name="ml")["OrganizationalUnit"]["Id"]
    prod = client.create_organizational_unit(ParentId=ml, Name="prod")["OrganizationalUnit"]["Id"]
    accounts = {
        "ml-a": new_account(client, "ml-a", ml, root),
        "ml-closed": new_account(client, "ml-closed", ml, root),
        "ml-prod": new_account(client, "ml-prod", prod, root),
        "elsewhere": new_account(client, "elsewhere", root, root),
    }
    client.close_account(AccountId=accounts["ml-closed"])
    return {"root": root, "ml": ml, "accounts": accounts}


def listed(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, str]]:
    capsys.readouterr()
    assert main(["audit", *argv, "--list-items"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_the_accounts_under_an_ou_are_found_and_audited_with_their_role(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org = build_organization(server)
    names = org["accounts"]
    common = ("--endpoint-url", server.endpoint_url, "--region", REGION)
    items = listed(capsys, "--org-ou", org["ml"], "--role-name", "xreg-{name}", *common)
    expected = sorted((names[name], name) for name in ("ml-a", "ml-prod"))
    assert [(item["account_id"], item["name"]) for item in items] == expected
    everyone = listed(capsys, "--org-ou", org["root"], "--role-name", "xreg-checker", *common)
    found = {item["account_id"] for item in everyone}
    assert {MANAGEMENT, names["ml-a"], names["ml-prod"], names["elsewhere"]} == found

    add_group(Admin(server.endpoint_url, names["ml-prod"]), "prod-model", register_principal=None)
    server.clear_log()
    output = tmp_path / "org.json"
    argv = ["--org-ou", org["ml"], "--role-name", "xreg-{name}", *common]
    code = main(["audit", *argv, "--format", "json", "-o", str(output)])
    report = json.loads(output.read_text(encoding="utf-8"))
    # A member account cannot read its SCPs (only the management account can): unknown.
    assert code == 1 and report["verdict"] == "fail"
    assert {(entry[0], entry[1]) for entry in report["unreadable"]} <= {
        (names["ml-prod"], "scps"),
        (names["ml-prod"], "rcps"),
    }
    assert [group["name"] for group in report["groups"]] == ["prod-model"]
    assert [entry["account_id"] for entry in report["accounts"]] == [e for e, _ in expected]
    sent = server.operations()
    assert {(s, o) for s, o, _ in sent if s == "organizations"} >= {
        ("organizations", "ListAccountsForParent"),
        ("organizations", "ListChildren"),
    }
    assert all(operation in READ_OPERATIONS[service] for service, operation, _ in sent)


def test_a_bad_ou_no_account_or_a_denied_listing_is_one_line(
    server: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ("--role-name", "r", "--endpoint-url", server.endpoint_url, "--list-items")
    assert main(["audit", "--org-ou", "ou-nope", *common]) == 2
    assert "neither a root id" in capsys.readouterr().err
    assert main(["audit", "--org-ou", "r-abcd", *common]) == 2
    assert "no active account under r-abcd" in capsys.readouterr().err
    server.set_faults([{"operation": "ListAccounts", "fault": "access_denied"}])
    assert main(["audit", "--org-ou", "r-abcd", *common]) == 2
    err = capsys.readouterr().err
    assert "cannot list the organization's accounts: organizations:ListAccounts denied" in err
    assert len(err.splitlines()) == 1
