"""What the sandbox holds, as the replay and the gate need to find it again."""

from __future__ import annotations

from checker.matrix.expand import KeyChoice
from checker.matrix.references import GroupRef
from checker.records import field, record


@record
class SandboxImage:
    """An image pushed for a container: a placeholder manifest under the plan's tag or
    digest, whose blobs (config and one layer) a pull downloads."""

    uri: str
    account: str
    region: str
    repository: str
    repository_arn: str
    image_id: dict[str, str]  # {"imageTag": …} or {"imageDigest": …}
    blobs: tuple[str, ...]


@record
class SandboxArtifact:
    """An S3 artifact of the request, placed as one object.

    ``row`` is the requirement's resource (the object ARN, or ``…/prefix*`` for an
    ``S3Prefix``). ``key_choice``: the KMS key that encrypts it (``None``: none does).
    ``sandbox_key``/``ciphertext``: the sandbox key standing for it and a data key encrypted
    under it, which the consumer's ``Decrypt`` replays.
    """

    uri: str
    bucket: str
    key: str
    row: str
    owner: str | None
    key_choice: KeyChoice | None
    sandbox_key: str | None = None
    ciphertext: bytes | None = None

    @property
    def key_row(self) -> str:
        """The key's requirement row: its ARN, or a placeholder the plan leaves unknown."""
        if self.key_choice is not None and self.key_choice.arn is not None:
            return self.key_choice.arn
        return f"(key of {self.uri})"


@record(frozen=False)
class Sandbox:
    images: list[SandboxImage] = field(default_factory=list)
    artifacts: list[SandboxArtifact] = field(default_factory=list)
    # moto chooses key ids itself: plan key ARN -> sandbox key ARN, and back.
    sandbox_keys: dict[str, str] = field(default_factory=dict)
    plan_keys: dict[str, str] = field(default_factory=dict)
    bucket_owners: dict[str, str] = field(default_factory=dict)
    group: GroupRef | None = None
    group_created: bool = False
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def artifact_at(self, bucket: str, key: str) -> SandboxArtifact | None:
        return next((a for a in self.artifacts if a.bucket == bucket and a.key == key), None)

    def artifact_for_key(self, key_id: str) -> SandboxArtifact | None:
        """The artifact encrypted under ``key_id``: a sandbox key, or the key's row when the
        sandbox has no key for it."""
        for artifact in self.artifacts:
            if artifact.key_choice is None:
                continue
            if artifact.sandbox_key == key_id or (
                artifact.sandbox_key is None and artifact.key_row == key_id
            ):
                return artifact
        return None
