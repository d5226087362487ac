"""Fixtures of the plan-loader tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a fresh folder, so that messages name ``plan.yaml`` as a user would type it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
