"""An audit's progress: one line per finished account in logs (stderr not a terminal), and a
bar per shard on a terminal."""

from __future__ import annotations

import io
import re
from contextlib import ExitStack
from pathlib import Path

import pytest
from live_scenarios import REGION, REGISTRY, TRAINING, populate_audit

from checker.aws.audit.progress import account_log, audit_progress
from checker.cli import main
from tests.moto_server import MotoServer

LINE = re.compile(
    r"xreg audit: (\d{12}) (\S+): (\d+) groups, (\d+) versions, (\d+) not deployable, "
    r"(\d+) unreadable \((\d+\.\d) s\)"
)


def audit_stderr(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> list[str]:
    capsys.readouterr()
    main(
        [
            "audit",
            "--registry-role-arn",
            f"arn:aws:iam::{REGISTRY}:role/xreg-checker",
            "--training-role-arn",
            f"arn:aws:iam::{TRAINING}:role/xreg-checker",
            "--endpoint-url",
            server.endpoint_url,
            "-f",
            "json",
            "-o",
            str(tmp_path / "audit.json"),
            *extra,
        ]
    )
    # Only the account lines: the shard chosen is said on a line of its own.
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("xreg audit:")]


def test_a_finished_account_is_one_line_in_the_log(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    populate_audit(server.endpoint_url)
    (line,) = audit_stderr(server, tmp_path, capsys)
    match = LINE.fullmatch(line)
    assert match, line
    # Four groups, four versions; iris's image cannot be pulled. Nor can old's (the same
    # image), but old's version is rejected: not meant to deploy, it is not counted.
    assert match.groups()[:6] == (REGISTRY, REGION, "4", "4", "1", "0")


def test_the_line_counts_only_the_shards_groups_and_what_could_not_be_read(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    populate_audit(server.endpoint_url)
    server.set_faults([{"operation": "GetModelPackageGroupPolicy", "fault": "access_denied"}])
    (line,) = audit_stderr(server, tmp_path, capsys, "--shard", "1/2")
    report = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    match = LINE.fullmatch(line)
    assert match, line
    groups = len(report["groups"])
    versions = sum(len(group["versions"]) for group in report["groups"])
    assert 0 < groups < 4
    assert match.groups()[2:4] == (str(groups), str(versions))
    assert match.group(6) == str(len(report["unreadable"])) != "0"


def test_each_line_is_timed_from_its_own_accounts_start() -> None:
    lines: list[str] = []
    now = [100.0]
    start = account_log(lines.append, clock=lambda: now[0])
    first = start("111111111111", "us-east-1")
    now[0] = 112.34
    second = start("333333333333", "eu-west-1")
    groups = [
        {
            "versions": [
                {"deployable": "yes", "status": "Approved"},
                {"deployable": "no", "status": "Approved"},
                {"deployable": "no", "status": "Rejected"},
                {"deployable": "unknown", "status": "PendingManualApproval"},
            ]
        },
        {"versions": []},
    ]
    first(groups, 3)
    now[0] = 113.0
    second([], 0)
    assert lines == [
        "xreg audit: 111111111111 us-east-1: 2 groups, 4 versions, 1 not deployable, "
        "3 unreadable (12.3 s)",
        "xreg audit: 333333333333 eu-west-1: 0 groups, 0 versions, 0 not deployable, "
        "0 unreadable (0.7 s)",
    ]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_names_the_shard_and_the_lines_print_above_it() -> None:
    terminal = Terminal()
    with ExitStack() as stack:
        progress = audit_progress(stack, terminal, "2/4")
        assert progress.bar is not None
        tick = progress.bar("groups of account 111111111111", 2)
        tick()
        tick()
        progress.account("111111111111", "us-east-1")([], 0)
    written = terminal.getvalue()
    assert "shard 2/4: groups of account 111111111111" in written
    assert "xreg audit: 111111111111 us-east-1: 0 groups" in written


def test_off_a_terminal_there_is_no_bar() -> None:
    pipe = io.StringIO()
    with ExitStack() as stack:
        progress = audit_progress(stack, pipe, "2/4")
    assert progress.bar is None
    progress.account("111111111111", "us-east-1")([], 0)
    assert pipe.getvalue().startswith("xreg audit: 111111111111 us-east-1: 0 groups")
