"""``xreg audit --accounts`` over a small organization on the moto server: unsharded, as
shards run as concurrent processes that take their index from the engines' variables, and
as Step Functions item batches; ``xreg merge`` gives back the unsharded report byte for byte
and refuses what would not make a whole audit."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fleet_world import (
    ACCOUNTS,
    ADDED,
    EMPTY,
    SECOND_REGISTRY,
    add_registry,
    populate_fleet,
    write_accounts,
)
from live_scenarios import REGION, REGISTRY, TRAINING

from checker.aws.readonly import READ_OPERATIONS
from checker.cli import main
from tests.conftest import ROOT, assert_valid_report
from tests.moto_server import MotoServer

SHARDS = 3
# Each engine's variables for shard ``index`` (0-based), and the --shards it needs.
ENGINES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "kubernetes": (lambda index: {"JOB_COMPLETION_INDEX": str(index)}, ("--shards", str(SHARDS))),
    "batch": (
        lambda index: {
            "AWS_BATCH_JOB_ARRAY_INDEX": str(index),
            "AWS_BATCH_JOB_ARRAY_SIZE": str(SHARDS),
        },
        (),
    ),
}


def audit_argv(server: MotoServer, accounts: Path, output: Path, *extra: str) -> list[str]:
    return [
        "audit",
        "--accounts",
        str(accounts),
        "--endpoint-url",
        server.endpoint_url,
        "--format",
        "json",
        "-o",
        str(output),
        *extra,
    ]


def audit(server: MotoServer, accounts: Path, output: Path, *extra: str) -> int:
    return main(audit_argv(server, accounts, output, *extra))


def merge(*reports: Path, output: Path) -> int:
    return main(["merge", *map(str, reports), "-o", str(output)])


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def group_arns(path: Path) -> set[str]:
    return {group["arn"] for group in load(path)["groups"]}


def run_concurrently(
    server: MotoServer, accounts: Path, tmp_path: Path, engine: str
) -> list[subprocess.CompletedProcess[str]]:
    """The shards as separate ``xreg`` processes, all running at once."""
    variables, extra = ENGINES[engine]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "checker.cli",
                *audit_argv(server, accounts, tmp_path / f"{engine}-{index}.json", *extra),
            ],
            cwd=ROOT,
            env={**os.environ, **variables(index)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(SHARDS)
    ]
    done = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


def test_shards_from_the_engines_variables_merge_to_the_unsharded_report(
    server: MotoServer, tmp_path: Path
) -> None:
    populate_fleet(server.endpoint_url)
    accounts = write_accounts(tmp_path / "accounts.yml")
    server.clear_log()
    whole = tmp_path / "whole.json"
    assert audit(server, accounts, whole) == 1
    report = load(whole)
    assert_valid_report(report)
    assert "shard" not in report
    assert [entry["account_id"] for entry in report["accounts"]] == sorted(ACCOUNTS)
    deployable = {
        group["arn"].rsplit(":", 2)[1] + "/" + group["name"]: [
            v["deployable"] for v in group["versions"]
        ]
        for group in report["groups"]
    }
    # Each registry's groups read with its own role, the training account's resources with
    # its role: the first registry may pull, the second is not let in by the training side.
    assert deployable[f"{REGISTRY}/churn"] == ["yes", "yes"]
    assert deployable[f"{SECOND_REGISTRY}/fraud"] == ["no", "no"]
    assert not report["unreadable"]

    for engine in ENGINES:
        runs = run_concurrently(server, accounts, tmp_path, engine)
        shards = [tmp_path / f"{engine}-{index}.json" for index in range(SHARDS)]
        variable = "JOB_COMPLETION_INDEX" if engine == "kubernetes" else "AWS_BATCH_JOB_ARRAY_INDEX"
        for index, (run, path) in enumerate(zip(runs, shards, strict=True)):
            shard = load(path)
            assert run.returncode == (1 if shard["verdict"] == "fail" else 0), run.stderr
            stamp = shard["shard"]
            assert (stamp["index"], stamp["count"]) == (index + 1, SHARDS)
            assert stamp["chosen_by"] == f"{variable}={index}"
            assert f"shard {index + 1}/{SHARDS} (chosen by {variable}={index})" in run.stderr
        arns = [group_arns(path) for path in shards]
        assert sum(map(len, arns)) == len(set().union(*arns)) == len(report["groups"])
        merged = tmp_path / f"{engine}-merged.json"
        assert merge(*reversed(shards), output=merged) == 1
        assert merged.read_bytes() == whole.read_bytes()

    # Every request the audits sent was a read of the allow-list: nothing was written.
    sent = {(service, operation) for service, operation, _ in server.operations()}
    assert sent and all(operation in READ_OPERATIONS[service] for service, operation in sent)


def shard_reports(server: MotoServer, accounts: Path, tmp_path: Path, name: str) -> list[Path]:
    paths = []
    for index in range(1, SHARDS + 1):
        path = tmp_path / f"{name}-{index}.json"
        audit(server, accounts, path, "--shard", f"{index}/{SHARDS}")
        paths.append(path)
    return paths


def test_merge_refuses_a_missing_a_duplicated_a_foreign_and_an_edited_shard(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    populate_fleet(server.endpoint_url)
    accounts = write_accounts(tmp_path / "accounts.yml")
    first, second, third = shard_reports(server, accounts, tmp_path, "shard")
    fewer = write_accounts(tmp_path / "fewer.yml", tuple(a for a in ACCOUNTS if a != EMPTY))
    foreign = tmp_path / "foreign-2.json"
    audit(server, fewer, foreign, "--shard", f"2/{SHARDS}")
    edited = tmp_path / "edited-3.json"
    cut = load(third)
    cut["groups"] = cut["groups"][1:]
    edited.write_text(json.dumps(cut), encoding="utf-8")
    capsys.readouterr()
    out = tmp_path / "merged.json"
    for shards, reason in (
        ((first, second), f"shard 3/{SHARDS} missing"),
        ((first, second, second, third), f"shard 2/{SHARDS} is given twice"),
        ((first, foreign, third), "from different inputs"),
        ((first, second, edited), "does not hold what its shard counted"),
    ):
        assert merge(*shards, output=out) == 2
        err = capsys.readouterr().err
        assert reason in err and len(err.strip().splitlines()) == 1
        assert not out.exists()


def test_item_batches_merge_to_the_unsharded_report(
    server: MotoServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    populate_fleet(server.endpoint_url)
    accounts = write_accounts(tmp_path / "accounts.yml")
    whole = tmp_path / "whole.json"
    audit(server, accounts, whole)
    capsys.readouterr()
    assert main(["audit", "--accounts", str(accounts), "--list-items"]) == 0
    lines = capsys.readouterr().out.splitlines()
    items = [json.loads(line) for line in lines]
    assert [(item["account_id"], item["region"]) for item in items] == [
        (account, REGION) for account in sorted(ACCOUNTS)
    ]
    # One batch from a file (a JSON array), one on stdin as ItemBatcher hands it over.
    batch_file = tmp_path / "batch-1.json"
    batch_file.write_text(json.dumps(items[:2]), encoding="utf-8")
    audit(server, accounts, tmp_path / "items-1.json", "--items", str(batch_file))
    batch = {"BatchInput": {"run": "nightly"}, "Items": items[2:]}
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(batch)))
    audit(server, accounts, tmp_path / "items-2.json", "--items", "-")
    stamp = load(tmp_path / "items-2.json")["shard"]
    assert stamp["chosen_by"] == "--items" and stamp["of"] == len(items)
    assert stamp["items"] == [f"{item['account_id']}/{item['region']}" for item in items[2:]]
    merged = tmp_path / "merged.json"
    merge(tmp_path / "items-2.json", tmp_path / "items-1.json", output=merged)
    assert merged.read_bytes() == whole.read_bytes()
    capsys.readouterr()
    assert merge(tmp_path / "items-1.json", output=merged) == 2
    assert "2 of 4 items missing" in capsys.readouterr().err
    # An item that is not one of the accounts' is refused, not audited.
    stray = tmp_path / "stray.jsonl"
    stray.write_text(json.dumps({"account_id": ADDED, "region": REGION}) + "\n", encoding="utf-8")
    assert audit(server, accounts, tmp_path / "stray.json", "--items", str(stray)) == 2
    assert f"{ADDED}/{REGION} is not an (account, region)" in capsys.readouterr().err


def test_adding_an_account_moves_only_that_accounts_items(
    server: MotoServer, tmp_path: Path
) -> None:
    populate_fleet(server.endpoint_url)
    before = shard_reports(server, write_accounts(tmp_path / "before.yml"), tmp_path, "before")
    added = set(add_registry(server.endpoint_url, ADDED, ("alpha", "beta", "gamma", "delta")))
    grown = write_accounts(tmp_path / "after.yml", (*ACCOUNTS, ADDED))
    after = shard_reports(server, grown, tmp_path, "after")
    for old, new in zip(before, after, strict=True):
        assert group_arns(new) - added == group_arns(old)
    assert set().union(*map(group_arns, after)) >= added


def test_an_owner_without_a_role_stays_unknown(server: MotoServer, tmp_path: Path) -> None:
    populate_fleet(server.endpoint_url)
    accounts = write_accounts(tmp_path / "accounts.yml", (REGISTRY, SECOND_REGISTRY))
    audit(server, accounts, tmp_path / "audit.json")
    report = load(tmp_path / "audit.json")
    churn = next(group for group in report["groups"] if group["name"] == "churn")
    assert [version["deployable"] for version in churn["versions"]] == ["unknown", "unknown"]
    assert any(
        f"no credentials for account {TRAINING}" in entry[2] for entry in report["unreadable"]
    )
    assert report["verdict"] == "fail"


def test_an_account_whose_role_cannot_be_assumed_is_unknown_and_the_audit_goes_on(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    populate_fleet(server.endpoint_url)
    accounts = write_accounts(tmp_path / "accounts.yml")
    # The first role assumed is the first registry's, to list its groups.
    server.set_faults([{"operation": "AssumeRole", "fault": "access_denied", "times": 1}])
    assert audit(server, accounts, tmp_path / "audit.json", "--jobs", "1") == 1
    assert "Traceback" not in capsys.readouterr().err
    report = load(tmp_path / "audit.json")
    every_group = f"arn:aws:sagemaker:{REGION}:{REGISTRY}:model-package-group/*"
    (entry,) = [entry for entry in report["unreadable"] if entry[0] == every_group]
    assert entry[1] == "groups" and "AccessDenied" in entry[2]
    assert {group["arn"].split(":")[4] for group in report["groups"]} == {SECOND_REGISTRY}


def test_the_console_names_each_groups_account_and_region(
    server: MotoServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    populate_fleet(server.endpoint_url)
    accounts = write_accounts(tmp_path / "accounts.yml", (REGISTRY, TRAINING, SECOND_REGISTRY))
    capsys.readouterr()
    assert main(["audit", "--accounts", str(accounts), "--endpoint-url", server.endpoint_url]) == 1
    out = capsys.readouterr().out
    assert f"{SECOND_REGISTRY}/{REGION}/fraud" in out and f"{REGISTRY}/{REGION}/churn" in out
    assert "verdict: fail" in out
