"""What an audit shows while it runs: a progress bar per shard on a terminal, and one line
per finished account in logs.

A fan-out engine keeps each shard's stderr as its log: a line per account says how far the
shard got and what it found, where a bar would be a stream of control characters. rich is
imported only for a terminal.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from typing import IO, Any

from checker.records import record

Tick = Callable[[], None]
# (label, total) → tick: a bar of ``total`` steps.
BarStart = Callable[[str, int], Tick]
# (group entries of the report, unreadable count) → None: the account is done.
AccountDone = Callable[[Iterable[Mapping[str, Any]], int], None]
# (account, region) → what to call when it is done.
AccountStart = Callable[[str, str], AccountDone]


@record
class AccountTally:
    """What the audit found in one account and region, and how long it took."""

    account: str
    region: str
    groups: int
    versions: int
    not_deployable: int
    unreadable: int
    seconds: float


def tally(
    account: str,
    region: str,
    groups: Iterable[Mapping[str, Any]],
    unreadable: int,
    seconds: float,
) -> AccountTally:
    count = versions = blocked = 0
    for group in groups:
        count += 1
        for version in group["versions"]:
            versions += 1
            # A rejected version is not meant to deploy: as in the summary, it blocks nothing.
            blocked += version["deployable"] == "no" and version["status"] != "Rejected"
    return AccountTally(account, region, count, versions, blocked, unreadable, seconds)


def account_line(done: AccountTally) -> str:
    return (
        f"xreg audit: {done.account} {done.region}: {done.groups} groups, "
        f"{done.versions} versions, {done.not_deployable} not deployable, "
        f"{done.unreadable} unreadable ({done.seconds:.1f} s)"
    )


def account_log(
    write: Callable[[str], None], clock: Callable[[], float] = time.monotonic
) -> AccountStart:
    """Account lines given to ``write``, each timed from its account's start by ``clock``."""

    def start(account: str, region: str) -> AccountDone:
        started = clock()

        def done(groups: Iterable[Mapping[str, Any]], unreadable: int) -> None:
            write(account_line(tally(account, region, groups, unreadable, clock() - started)))

        return done

    return start


def stream_writer(stream: IO[str]) -> Callable[[str], None]:
    def write(line: str) -> None:
        stream.write(line + "\n")
        stream.flush()  # a log collector sees each account as it finishes

    return write


@record
class AuditProgress:
    """The audit's hooks: ``bar`` (None: no bar) and ``account`` (the account lines)."""

    bar: BarStart | None
    account: AccountStart


def audit_progress(stack: ExitStack, stream: IO[str], shard: str | None = None) -> AuditProgress:
    """On a terminal, a bar per reading step labelled with the shard (``2/4``), the account
    lines printed above it; elsewhere, the account lines alone."""
    if not stream.isatty():
        return AuditProgress(bar=None, account=account_log(stream_writer(stream)))
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    progress = stack.enter_context(
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(file=stream),
            transient=True,
        )
    )
    prefix = f"shard {shard}: " if shard else ""

    def bar(label: str, total: int) -> Tick:
        task = progress.add_task(prefix + label, total=total)
        return lambda: progress.advance(task)

    def write(line: str) -> None:
        progress.console.print(line, markup=False, highlight=False)

    return AuditProgress(bar=bar, account=account_log(write))
