"""Turning a plan's policy references into documents: a file next to the plan, a document
inline in the plan, or an AWS managed policy by name.

Files are read only from inside the plan's folder: a plan is often reviewed as a ticket
attachment, and must not make xreg read (and quote in reports) files from elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from checker.errors import InputError, field_path
from checker.plan.documents import PositionMap, load_document
from checker.plan.managed_policies import (
    MANAGED_NAME,
    ListKind,
    bundled_document,
    managed_name_from_arn,
)
from checker.plan.model import FieldPath, LoadedPolicy, ManagedPolicyRef, Positions

if TYPE_CHECKING:
    from checker.sources.model import SourcePolicy

_POLICY_SUFFIXES = (".json", ".yaml", ".yml")
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:")


def _is_path_like(text: str) -> bool:
    return "/" in text or "\\" in text or text.lower().endswith(_POLICY_SUFFIXES)


class PolicyReader:
    """Reads the policies a plan refers to; each file once, however often it is named."""

    def __init__(
        self,
        plan_path: Path,
        plan_source: str,
        plan_positions: Positions,
        *,
        derived: Mapping[FieldPath, SourcePolicy] | None = None,
    ) -> None:
        self.plan_path = plan_path
        self.derived = derived or {}
        self.plan_source = plan_source
        self.plan_name = plan_path.name
        self.plan_positions = plan_positions
        self.folder = plan_path.parent.resolve()
        self._files: dict[Path, tuple[dict[str, Any], PositionMap]] = {}

    def refuse(self, field: FieldPath, reason: str) -> InputError:
        return InputError(self.plan_source, field_path(field), reason)

    # --- the three kinds of reference -------------------------------------------------------

    def inline(self, document: dict[str, Any], field: FieldPath) -> LoadedPolicy:
        derived = self.derived.get(field)
        if derived is not None:
            # A policy a source gave: reports point into the file the user edits.
            return LoadedPolicy(
                source=derived.label,
                document=document,
                plan_field=field_path(field),
                file=derived.file,
                positions=derived.positions,
            )
        depth = len(field)
        positions = {
            path[depth:]: position
            for path, position in self.plan_positions.items()
            if path[:depth] == field
        }
        plan_field = field_path(field)
        return LoadedPolicy(
            source=f"{self.plan_name}#{plan_field}",
            document=document,
            plan_field=plan_field,
            file=self.plan_path,
            positions=positions,
        )

    def file(self, relative: str, field: FieldPath) -> LoadedPolicy:
        path = self._inside_folder(relative, field)
        try:
            exists, is_dir = path.exists(), path.is_dir()
        except OSError as error:  # a name longer than the file system allows, say
            raise self.refuse(
                field, f"cannot read the file ({error.strerror}): {relative}"
            ) from None
        if not exists:
            raise self.refuse(field, f"policy file not found: {relative}")
        if is_dir:
            raise self.refuse(field, f"{relative} is a directory, not a policy file")
        if path not in self._files:
            self._files[path] = load_document(path, source=relative)
        document, positions = self._files[path]
        return LoadedPolicy(
            source=relative,
            document=document,
            plan_field=field_path(field),
            file=path,
            positions=positions,
        )

    def managed(self, name: str, field: FieldPath, kind: ListKind) -> ManagedPolicyRef:
        return ManagedPolicyRef(
            name=name, plan_field=field_path(field), document=bundled_document(name, kind)
        )

    # --- what each plan field accepts -------------------------------------------------------

    def resource_policy(self, value: Any, field: FieldPath) -> LoadedPolicy | None:
        """``resources.*[].policy``: a file, an inline document, or none."""
        if value is None:
            return None
        if isinstance(value, dict):
            return self.inline(value, field)
        return self.file(value, field)

    def listed(
        self, value: Any, field: FieldPath, kind: ListKind
    ) -> LoadedPolicy | ManagedPolicyRef:
        """An entry of ``identities[].policies`` or of an SCP/RCP list."""
        if isinstance(value, dict):
            return self.inline(value, field)
        if value.startswith("arn:"):
            try:
                return self.managed(managed_name_from_arn(value, kind), field, kind)
            except ValueError as error:
                raise self.refuse(field, str(error)) from None
        if _is_path_like(value) or self._is_file_in_folder(value):
            return self.file(value, field)
        if MANAGED_NAME.fullmatch(value):
            return self.managed(value, field, kind)
        raise self.refuse(
            field, f"{value!r} is neither a policy file nor an AWS managed policy name"
        )

    def boundary(self, value: Any, field: FieldPath) -> LoadedPolicy:
        """``identities[].permissions_boundary``: its document must be known to cap anything."""
        if isinstance(value, dict):
            return self.inline(value, field)
        if value.startswith("arn:") or not (_is_path_like(value) or self._is_file_in_folder(value)):
            raise self.refuse(
                field,
                f"{value!r} names a managed policy whose document xreg does not have: "
                "save the document as a file next to the plan and give its path",
            )
        return self.file(value, field)

    # --- paths ------------------------------------------------------------------------------

    def _is_file_in_folder(self, name: str) -> bool:
        if not MANAGED_NAME.fullmatch(name) or name in (".", ".."):
            return False
        try:
            return (self.folder / name).is_file()
        except OSError:  # a name the file system cannot hold is no file in the folder
            return False

    def _inside_folder(self, relative: str, field: FieldPath) -> Path:
        if not relative or "\x00" in relative:
            raise self.refuse(field, "empty or invalid file path")
        if (
            PurePosixPath(relative).is_absolute()
            or PureWindowsPath(relative).is_absolute()
            or relative.startswith("\\")
            or _WINDOWS_DRIVE.match(relative)
        ):
            raise self.refuse(
                field,
                f"{relative} is an absolute path: give a path relative to the plan's folder",
            )
        try:
            resolved = (self.folder / relative).resolve()
        except (OSError, RuntimeError) as error:
            raise self.refuse(field, f"cannot resolve {relative}: {error}") from None
        if not resolved.is_relative_to(self.folder):
            raise self.refuse(
                field,
                f"{relative} leads outside the plan's folder (after following '..' and "
                "symbolic links): policy files must be inside it",
            )
        return resolved
