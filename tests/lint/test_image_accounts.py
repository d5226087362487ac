"""The AWS-owned image registry list: how it is extracted from the SDK, and what is shipped."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from checker.paths import PACKAGE_DIR
from tests.lint.harness import load_script


def _wheel(path: Path, files: dict[str, object]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, json.dumps(content))
    return path


def test_extract_reads_nested_registries_of_both_sdk_layouts(tmp_path: Path) -> None:
    build = load_script("build_aws_image_accounts")
    wheel = _wheel(
        tmp_path / "sagemaker_core-9.9.9-py3-none-any.whl",
        {
            "sagemaker/core/image_uri_config/xgboost.json": {
                "inference": {"versions": {"1.7-1": {"registries": {"us-east-2": "257758044811"}}}}
            },
            "sagemaker/image_uri_config/pytorch.json": {
                "versions": [
                    {"registries": {"us-east-2": "763104351884", "eu-west-1": "763104351884"}}
                ]
            },
            # Not a registry block, and not in a config folder: ignored.
            "sagemaker/core/image_uri_config/instance_gpu_info.json": {
                "ml.p3.2xlarge": {"gpus": 1}
            },
            "sagemaker/other/registries.json": {"registries": {"us-east-2": "999999999999"}},
        },
    )
    data = build.extract(wheel)
    assert data["regions"] == {
        "eu-west-1": ["763104351884"],
        "us-east-2": ["257758044811", "763104351884"],
    }
    assert data["source"]["package"] == "sagemaker-core"
    assert data["source"]["version"] == "9.9.9"
    assert data["source"]["files"] == 3


def test_shipped_list_records_its_sdk_and_is_well_formed() -> None:
    data = json.loads((PACKAGE_DIR / "data" / "aws_image_accounts.json").read_text())
    assert data["source"]["package"] in ("sagemaker", "sagemaker-core")
    assert data["source"]["version"][0].isdigit()
    regions = data["regions"]
    assert len(regions) > 20
    for region, accounts in regions.items():
        assert region.count("-") >= 2
        assert accounts == sorted(set(accounts))
        assert all(len(account) == 12 and account.isdigit() for account in accounts)
