"""Which shard an audit is, and which groups it holds.

A group belongs to the shard that a jump consistent hash of (account, region, group name)
picks: the split is the same on every machine, depends on nothing but the item itself (so
adding an account moves only that account's items, and a retried shard redoes exactly its
own work), and growing N to N+1 moves only the items that go to the new shard.

The index comes from ``--shard I/N`` or from the variables the fan-out engines set:
``JOB_COMPLETION_INDEX`` (a Kubernetes Indexed Job, 0-based; N from ``--shards``) and
``AWS_BATCH_JOB_ARRAY_INDEX`` / ``AWS_BATCH_JOB_ARRAY_SIZE`` (an AWS Batch array job, 0-based).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from checker.errors import InputError
from checker.records import record
from checker.refs import arn_or_none

KUBERNETES_INDEX = "JOB_COMPLETION_INDEX"
BATCH_INDEX = "AWS_BATCH_JOB_ARRAY_INDEX"
BATCH_SIZE = "AWS_BATCH_JOB_ARRAY_SIZE"
SHARD_TEXT = re.compile(r"([1-9][0-9]*)/([1-9][0-9]*)")
_COUNT = re.compile(r"[1-9][0-9]*")
_INDEX = re.compile(r"0|[1-9][0-9]*")
_MASK = (1 << 64) - 1
# How a message names where an engine's variable came from.
ENVIRONMENT = "environment"


def item_key(account: str, region: str, group: str) -> int:
    """The 64-bit hash of one work item (SHA-256: the same in every process and version)."""
    digest = hashlib.sha256(f"{account}\n{region}\n{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def jump_hash(key: int, buckets: int) -> int:
    """Lamping and Veach's jump consistent hash: the bucket in [0, buckets) of ``key``."""
    bucket, candidate = -1, 0
    while candidate < buckets:
        bucket = candidate
        key = (key * 2862933555777941757 + 1) & _MASK
        candidate = int((bucket + 1) * ((1 << 31) / ((key >> 33) + 1)))
    return bucket


@record
class Shard:
    """Shard ``index`` (1-based) of ``count``; ``chosen_by`` says where the index came from
    (``--shard``, or the engine variable that gave it)."""

    index: int
    count: int
    chosen_by: str = "--shard"

    def holds(self, account: str, region: str, group: str) -> bool:
        return jump_hash(item_key(account, region, group), self.count) == self.index - 1

    def holds_arn(self, arn: str) -> bool:
        """``holds`` for a model package group ARN
        (``arn:PARTITION:sagemaker:REGION:ACCOUNT:model-package-group/NAME``)."""
        parsed = arn_or_none(arn)
        if parsed is None:
            return self.holds("", "", arn)
        return self.holds(parsed.account, parsed.region, parsed.resource.split("/", 1)[-1])

    @property
    def label(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> tuple[int, int]:
    match = SHARD_TEXT.fullmatch(text)
    if not match or int(match[1]) > int(match[2]):
        raise InputError("--shard", "$", f"{text!r} is not I/N with 1 <= I <= N")
    return int(match[1]), int(match[2])


def _count(text: str, name: str, source: str | None = None) -> int:
    if not _COUNT.fullmatch(text.strip()):
        reason = f"{text!r} is not a whole number of shards (1 or more)"
        raise InputError(source, name, reason) if source else InputError(name, "$", reason)
    return int(text)


def _index(text: str, name: str, count: int) -> int:
    if not _INDEX.fullmatch(text.strip()):
        raise InputError(ENVIRONMENT, name, f"{text!r} is not a 0-based shard index")
    index = int(text)
    if index >= count:
        raise InputError(
            ENVIRONMENT, name, f"index {index} is out of range for {count} shards (0-based)"
        )
    return index


def choose_shard(
    shard: str | None, shards: str | int | None, environ: Mapping[str, str]
) -> Shard | None:
    """The shard this process is: ``--shard I/N`` (``shard``), else the engine's variables in
    ``environ`` with ``--shards N`` (``shards``); ``None`` when nothing names one. Missing N,
    an index out of range and contradictions are bad input."""
    count_option = None if shards is None else _count(str(shards), "--shards")
    engines = [name for name in (KUBERNETES_INDEX, BATCH_INDEX) if environ.get(name, "") != ""]
    if len(engines) > 1:
        raise InputError(ENVIRONMENT, engines[0], f"both {engines[0]} and {engines[1]} are set")
    found = _from_engine(engines[0], count_option, environ) if engines else None
    if shard is not None:
        index, count = parse_shard(shard)
        if count_option is not None and count_option != count:
            raise InputError("--shards", "$", f"{count_option} contradicts --shard {shard}")
        if found is not None and (found.index, found.count) != (index, count):
            raise InputError(
                "--shard", "$", f"{shard} contradicts {found.chosen_by} (shard {found.label})"
            )
        return Shard(index, count)
    if found is None and count_option is not None:
        raise InputError(
            "--shards",
            "$",
            f"which of the {count_option} shards is this one? give --shard I/N, or run it "
            f"where {KUBERNETES_INDEX} or {BATCH_INDEX} is set",
        )
    return found


def _from_engine(name: str, count_option: int | None, environ: Mapping[str, str]) -> Shard:
    if name == KUBERNETES_INDEX:
        if count_option is None:
            raise InputError(
                ENVIRONMENT,
                name,
                "give --shards N (the Job's completions) with a Kubernetes Indexed Job",
            )
        count = count_option
    else:
        size = environ.get(BATCH_SIZE, "")
        if size == "" and count_option is None:
            raise InputError(ENVIRONMENT, name, f"{BATCH_SIZE} is not set: give --shards N")
        count = _count(size, BATCH_SIZE, ENVIRONMENT) if size != "" else count_option or 1
        if count_option is not None and count_option != count:
            raise InputError("--shards", "$", f"{count_option} contradicts {BATCH_SIZE}={size}")
    index = _index(environ[name], name, count)
    return Shard(index + 1, count, chosen_by=f"{name}={index}")


def input_digest(
    accounts: Sequence[Mapping[str, Any]], options: Mapping[str, Any], version: str
) -> str:
    """What a shard's result depends on, as one hash: the accounts (their ids, regions and
    roles), the options that change results, and xreg's version. Shards of one audit agree
    on it; ``xreg merge`` refuses shards that do not."""
    canonical = json.dumps(
        {"accounts": accounts, "options": options, "xreg": version},
        sort_keys=True,
        separators=(",", ":"),
    )
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
