"""An audit holds the reads of a batch of groups at a time, not of every group: what it keeps
of the groups stays bounded however many the account has, and the batches change neither the
report nor the reads (each resource is read once)."""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Callable

from fleet_world import add_registry
from live_helpers import access
from live_scenarios import REGISTRY, TRAINING, populate_audit

from checker.aws.audit.sweep import AuditSettings, GroupRead, VersionRead, audit
from checker.aws.session import AwsAccount
from checker.report.json_report import report_to_dict
from checker.results.model import Report
from tests.moto_server import MotoServer

EXTRA_GROUPS = tuple(f"batch-{number:02d}" for number in range(12))  # two versions each


def live(kind: type) -> int:
    return sum(1 for each in gc.get_objects() if isinstance(each, kind))


def run(server: MotoServer, **settings: object) -> Report:
    return audit(
        AwsAccount(access(server, REGISTRY)),
        [AwsAccount(access(server, TRAINING))],
        AuditSettings(**settings),  # type: ignore[arg-type]
    )


def test_the_reads_held_are_one_batch_of_groups(server: MotoServer) -> None:
    populate_audit(server.endpoint_url)
    add_registry(server.endpoint_url, REGISTRY, EXTRA_GROUPS)
    held: list[tuple[int, int]] = []

    def progress(label: str, total: int) -> Callable[[], None]:
        def tick() -> None:
            held.append((live(GroupRead), live(VersionRead)))

        return tick

    report = run(server, batch=3, jobs=2, progress=progress)
    assert len(report.extra["groups"]) == 16 and len(held) == 16
    # At most the batch being read (3 groups, at most 2 versions each), never the 16.
    assert max(groups for groups, _ in held) <= 3
    assert max(versions for _, versions in held) <= 6
    gc.collect()
    assert (live(GroupRead), live(VersionRead)) == (0, 0)


def test_batches_change_neither_the_report_nor_the_reads(server: MotoServer) -> None:
    populate_audit(server.endpoint_url)
    add_registry(server.endpoint_url, REGISTRY, EXTRA_GROUPS)
    outcomes = []
    for batch in (1, 5, 1000):
        server.clear_log()
        report = json.dumps(report_to_dict(run(server, batch=batch, jobs=4)), sort_keys=True)
        reads = Counter(operation for _, operation, _ in server.operations())
        outcomes.append((report, reads))
    (one, reads_one), (five, reads_five), (all_, reads_all) = outcomes
    assert one == five == all_
    assert reads_one == reads_five == reads_all
    # Each image, bucket and key once for the whole audit, whatever the batches.
    assert reads_one["DescribeImages"] == 2
    assert reads_one["GetBucketPolicy"] == 2
    assert reads_one["GetKeyPolicy"] == 2  # the seed's key and the good bucket's
