"""Additions to moto for the test server: operations moto lacks that xreg reads.

Each plugin checks the moto version it was written against and refuses any other, so a
moto upgrade fails loudly here instead of silently changing what the tests exercise.
"""

from __future__ import annotations

from moto_plugins import sagemaker_group_policy


def install_all() -> None:
    sagemaker_group_policy.install()
