"""With no credentials at all, a live command says how to give them, in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_snapshot_without_credentials_says_how_to_give_them(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") or key == "AWS_DEFAULT_REGION"
    }
    # Nowhere to find credentials: no files, no instance metadata (the machine is offline).
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "checker.cli",
            "snapshot",
            "--plan",
            str(ROOT / "fixtures/aws-doc-sample/plan.yaml"),
            "-o",
            str(tmp_path / "snap"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "Unable to locate credentials" in line
    assert "--registry-profile PROFILE" in line
    assert "--registry-role-arn ARN" in line
    assert "AWS_ACCESS_KEY_ID" in line
    assert not (tmp_path / "snap").exists()
