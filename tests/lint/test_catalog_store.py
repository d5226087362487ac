"""The compact catalog cache: written once, read back equal, and never needed."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.catalog import data_version, store


@pytest.fixture
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XREG_CACHE_DIR", str(tmp_path / "cache"))
    store.cache_dir.cache_clear()
    yield tmp_path / "cache"
    store.cache_dir.cache_clear()


def test_first_read_writes_the_compact_copy(cache_in: Path) -> None:
    data = store.load_service("s3")
    (path,) = cache_in.glob("iam/*/s3.json")
    assert data_version().split(",")[0].replace(" ", "-") in str(path.parent)
    assert json.loads(path.read_text()) == data == store.compact_service("s3")
    assert data["actions"]["getbucketacl"] == ["GetBucketAcl", "Read", ["accesspoint", "bucket"]]
    assert data["types"]["bucket"] == ["bucket", "arn:${Partition}:s3:::${BucketName}"]
    assert "s3:prefix" in data["condition_keys"]
    assert path.stat().st_size < 30_000  # the raw files are over 120 KB


def test_later_reads_use_the_cache(cache_in: Path) -> None:
    store.load_service("ecr")
    (path,) = cache_in.glob("iam/*/ecr.json")
    path.write_text(json.dumps({"actions": {}, "types": {}, "condition_keys": ["marker"]}))
    assert store.load_service("ecr")["condition_keys"] == ["marker"]


def test_a_broken_cache_file_is_rebuilt(cache_in: Path) -> None:
    store.load_service("kms")
    (path,) = cache_in.glob("iam/*/kms.json")
    path.write_text("{not json")
    assert store.load_service("kms") == store.compact_service("kms")


def test_an_unwritable_cache_costs_time_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XREG_CACHE_DIR", str(blocker / "cannot-be-a-folder"))
    store.cache_dir.cache_clear()
    try:
        assert store.load_service("sts") == store.compact_service("sts")
    finally:
        store.cache_dir.cache_clear()
    assert os.path.isfile(blocker)
