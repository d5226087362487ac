"""What a live snapshot recorded beside the plan: ``x-snapshot`` (see ``docs/live.md``).

``unreadable`` (a fact a read was refused), ``missing`` (a resource the request names that does
not exist) and ``objects`` (each artifact's own encryption, from ``HeadObject``). They are
parsed here, once, into a typed object on the ``Plan``; everything else asks that object.
A malformed entry is refused with one line naming its field, like any other plan error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from checker.errors import InputError, field_path, json_type_name
from checker.records import record
from checker.refs import is_account_id

FieldPath = tuple[str | int, ...]

SNAPSHOT_KEY = "x-snapshot"
OBJECT_SSE = ("AES256", "aws:kms", "aws:kms:dsse")
# Fields of an ``unreadable`` entry that name an account's organization policies.
ORGANIZATION_FIELDS = {"organization": ("scp", "rcp"), "scps": ("scp",), "rcps": ("rcp",)}


@record
class UnreadableFact:
    resource: str  # an ARN, an image or S3 URI, or an account id
    field: str  # policy, encryption, grants, identity, organization, scps, rcps…
    reason: str


@record
class MissingFact:
    resource: str
    reason: str
    index: int  # its place in x-snapshot.missing, for pointing at it


@record
class ObjectFact:
    uri: str
    sse: str | None  # None: the entry does not say (the artifact's key is then chosen as
    # if there were no entry)
    kms_key: str | None = None


@record
class SnapshotFacts:
    unreadable: tuple[UnreadableFact, ...] = ()
    missing: tuple[MissingFact, ...] = ()
    objects: tuple[ObjectFact, ...] = ()

    def organization_unreadable(self, kind: str, account: str) -> str | None:
        """Why the ``kind`` (``scp`` / ``rcp``) policies of ``account`` are unknown, if they are."""
        reasons = [
            fact.reason
            for fact in self.unreadable
            if fact.resource == account and kind in ORGANIZATION_FIELDS.get(fact.field, ())
        ]
        return "; ".join(dict.fromkeys(reasons)) or None

    def object(self, uri: str) -> ObjectFact | None:
        return next((fact for fact in self.objects if fact.uri == uri), None)

    def other_unreadable(self) -> tuple[UnreadableFact, ...]:
        """The entries about resources and principals (not about organization policies)."""
        return tuple(f for f in self.unreadable if f.field not in ORGANIZATION_FIELDS)


NO_FACTS = SnapshotFacts()


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def refuse(self, path: FieldPath, reason: str) -> InputError:
        return InputError(self.source, field_path((SNAPSHOT_KEY, *path)), reason)

    def entries(self, notes: Mapping[str, Any], name: str) -> list[tuple[int, Mapping[str, Any]]]:
        items = notes.get(name, [])
        if not isinstance(items, list):
            raise self.refuse((name,), f"expected a list, got {json_type_name(items)}")
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise self.refuse((name, index), f"expected an object, got {json_type_name(item)}")
        return list(enumerate(items))

    def optional(self, item: Mapping[str, Any], path: FieldPath, key: str) -> str | None:
        value = item.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.refuse((*path, key), f"expected a string, got {json_type_name(value)}")
        if not value.strip():
            raise self.refuse((*path, key), "must not be empty")
        return value

    def required(self, item: Mapping[str, Any], path: FieldPath, key: str) -> str:
        value = self.optional(item, path, key)
        if value is None:
            raise self.refuse(path, f"missing required field {key!r}")
        return value


def parse_snapshot_facts(
    data: Mapping[str, Any],
    source: str,
    check_kms_key: Callable[[str, FieldPath], None],
) -> SnapshotFacts:
    """The ``x-snapshot`` of a plan document (``NO_FACTS`` when it has none).

    ``check_kms_key(arn, field)``: the loader's own key-ARN check (partition included), so an
    object's key is held to the same rules as every other key in the plan.
    """
    notes = data.get(SNAPSHOT_KEY)
    if notes is None:
        return NO_FACTS
    reader = _Reader(source)
    if not isinstance(notes, Mapping):
        raise InputError(source, SNAPSHOT_KEY, f"expected an object, got {json_type_name(notes)}")
    unreadable = []
    for index, item in reader.entries(notes, "unreadable"):
        path: FieldPath = ("unreadable", index)
        resource = reader.required(item, path, "resource")
        what = reader.required(item, path, "field")
        reason = reader.required(item, path, "reason")
        if what in ORGANIZATION_FIELDS and not is_account_id(resource):
            raise reader.refuse(
                (*path, "resource"),
                f"{resource!r} is not an account id (12 digits), which field {what} is about",
            )
        unreadable.append(UnreadableFact(resource, what, reason))
    missing = []
    for index, item in reader.entries(notes, "missing"):
        path = ("missing", index)
        resource = reader.required(item, path, "resource")
        reason = reader.required(item, path, "reason")
        missing.append(MissingFact(resource, reason, index))
    objects = []
    seen: dict[str, int] = {}
    for index, item in reader.entries(notes, "objects"):
        path = ("objects", index)
        uri = reader.required(item, path, "uri")
        if not uri.startswith("s3://"):
            raise reader.refuse((*path, "uri"), f"{uri!r} is not an S3 URI (s3://BUCKET/KEY)")
        if uri in seen:
            earlier = field_path((SNAPSHOT_KEY, "objects", seen[uri]))
            raise reader.refuse((*path, "uri"), f"{uri!r} is listed twice (also at {earlier})")
        seen[uri] = index
        sse = reader.optional(item, path, "sse")
        if sse is not None and sse not in OBJECT_SSE:
            raise reader.refuse((*path, "sse"), f"{sse!r} is not one of {', '.join(OBJECT_SSE)}")
        kms_key = reader.optional(item, path, "kms_key")
        if kms_key is not None:
            if sse is None or not sse.startswith("aws:kms"):
                raise reader.refuse(
                    (*path, "kms_key"), f"a KMS key needs sse aws:kms or aws:kms:dsse, not {sse}"
                )
            check_kms_key(kms_key, (SNAPSHOT_KEY, *path, "kms_key"))
        objects.append(ObjectFact(uri, sse, kms_key))
    return SnapshotFacts(tuple(unreadable), tuple(missing), tuple(objects))
