"""Write a report's fixes out: each corrected document under the file name its command reads,
and one script of the commands, so that every ``file://…`` resolves where the script runs.

The user's own policy files are changed only when asked (``in_place``), and then the
original is kept beside it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from checker.errors import InputError
from checker.plan.model import Plan
from checker.records import record
from checker.results.model import Fix, Report

SCRIPT_NAME = "apply-fixes.sh"
# Fixes whose command is a shell command; the others (a change of the request, a manual step
# with placeholders) go into the script as comments to act on.
_RUNNABLE = frozenset({"resource_policy", "identity_policy", "boundary", "scp", "rcp", "kms_grant"})


@record
class Written:
    folder: Path
    documents: tuple[Path, ...]
    script: Path
    replaced: tuple[tuple[Path, Path], ...] = ()  # (policy file, where its original is kept)


def report_fixes(report: Report) -> list[Fix]:
    """Every fix of the report once: the Fixes section's, then findings' fixes not in it."""
    fixes: list[Fix] = list(report.extra.get("fixes", []))
    seen = {fix.id for fix in fixes}
    for finding in report.findings:
        fix = finding.fix
        if fix is not None and not finding.suppressed and fix.id not in seen:
            seen.add(fix.id)
            fixes.append(fix)
    return fixes


def script_text(fixes: Sequence[Fix]) -> str:
    lines = [
        "#!/bin/sh",
        "# The commands of xreg's fixes. Each runs in the account its comment names: run it",
        "# with that account's credentials (AWS_PROFILE=... or an assumed role).",
        "set -eu",
        'cd "$(dirname "$0")"',
    ]
    for fix in fixes:
        lines.append("")
        lines.append(f"# {fix.id}: {fix.target} (account {fix.account})")
        if fix.description:
            lines.append(f"# {' '.join(fix.description.split())}")
        if fix.kind in _RUNNABLE:
            lines.extend(fix.command.split("\n"))
        else:
            lines.extend(f"#   {text}" for text in fix.command.split("\n"))
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(str(path), "$", f"cannot write the fix: {error.strerror}") from None


def _kept_name(path: Path) -> Path:
    """Where the original of ``path`` is kept: ``NAME.orig``, numbered if that is taken."""
    candidate = path.with_name(path.name + ".orig")
    number = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.orig.{number}")
        number += 1
    return candidate


def write_fixes(
    report: Report, folder: Path, plan: Plan | None = None, *, in_place: bool = False
) -> Written:
    """Write the fixes of ``report`` into ``folder``; with ``in_place``, also write each
    corrected document over the policy file of ``plan`` it replaces (original kept)."""
    fixes = report_fixes(report)
    documents: list[Path] = []
    for fix in fixes:
        if fix.policy is not None and fix.policy_file:
            path = folder / fix.policy_file
            _write(path, json.dumps(fix.policy, indent=2, ensure_ascii=False) + "\n")
            documents.append(path)
    script = folder / SCRIPT_NAME
    _write(script, script_text(fixes))
    script.chmod(0o755)
    replaced: list[tuple[Path, Path]] = []
    if in_place and plan is not None:
        by_field = {loaded.plan_field: loaded for loaded in plan.loaded_policies().values()}
        for fix in fixes:
            loaded = by_field.get(fix.plan_field or "")
            if fix.policy is None or loaded is None or loaded.file is None:
                continue
            if loaded.file == plan.path:
                continue  # an inline policy: the plan file itself is never rewritten
            kept = _kept_name(loaded.file)
            shutil.copy2(loaded.file, kept)
            _write(loaded.file, json.dumps(fix.policy, indent=2, ensure_ascii=False) + "\n")
            replaced.append((loaded.file, kept))
    return Written(folder, tuple(documents), script, tuple(replaced))
