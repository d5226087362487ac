"""The fields of a registration request that AWS would refuse, and what depends on each.

A request SageMaker refuses registers nothing, so such a request fails the check whatever
lint, ``--fail-on`` or a baseline says; and an access that depends on a refused field (the
artifact an invalid ``ModelDataUrl`` names, the repository of a malformed image URI) is
``unknown`` naming that field, never left out.
"""

from __future__ import annotations

from checker.errors import field_path
from checker.matrix.references import References, is_uri_key
from checker.plan.model import Plan
from checker.plan.request_model import validate_request
from checker.records import record

REQUEST_ROOT = "registration"
# Free-form maps: a key named like a URI there is the user's, no reference.
_FREE_FORM = frozenset({"CustomerMetadataProperties", "Environment"})
# The rule ids of the findings that report a refused field (lint reports them too).
REQUEST_INVALID = "REQUEST-INVALID"
URI_MALFORMED = "URI-MALFORMED"
REQUEST_RULES = frozenset({REQUEST_INVALID, URI_MALFORMED})


@record
class InvalidField:
    field: str  # the field path, from ``registration``
    message: str  # "registration.X must be a string, not a number"
    rule: str  # REQUEST-INVALID (the API model refuses it) or URI-MALFORMED
    detail: str  # tells apart several problems of one field (as lint's fingerprint does)
    depends: str | None  # "group", "image", "artifact": what names the field; None: nothing
    resource: str  # what the finding is about: the group the request names, or the URI

    def reason(self) -> str:
        return f"{self.message}: the request is invalid, so the access cannot be decided"


def _depends(parts: tuple[str | int, ...]) -> str | None:
    names = [part for part in parts if isinstance(part, str)]
    if any(name in _FREE_FORM for name in names[:-1]):
        return None
    if parts == ("ModelPackageGroupName",):
        return "group"
    last = parts[-1] if parts else None
    if last == "Image" and "Containers" in names:
        return "image"
    if isinstance(last, str) and is_uri_key(last):
        return "artifact"
    return None


_REFERENCE_RULES = {
    "REF-GROUP-INVALID": ("group", "is not a model package group"),
    "REF-IMAGE-INVALID": ("image", "is not a valid image URI"),
    "REF-S3-URI-INVALID": ("artifact", "is not a valid S3 location"),
}


def invalid_fields(plan: Plan, references: References) -> list[InvalidField]:
    """Every field of the request AWS would refuse, in document order, one entry per problem;
    a reference xreg cannot follow (a malformed URI) counts as one."""
    group = plan.registration.get("ModelPackageGroupName")
    group_reference = group if isinstance(group, str) else REQUEST_ROOT
    found: list[InvalidField] = []
    for problem in validate_request(plan.registration):
        path = field_path((REQUEST_ROOT, *problem.path))
        message = f"{path} {problem.message}"
        depends = _depends(problem.path)
        found.append(
            InvalidField(path, message, REQUEST_INVALID, problem.kind, depends, group_reference)
        )
    seen = {item.field for item in found}
    for reference in references.problems:
        if reference.rule not in _REFERENCE_RULES or reference.field in seen:
            continue
        depends, what = _REFERENCE_RULES[reference.rule]
        rule = REQUEST_INVALID if depends == "group" else URI_MALFORMED
        message = f"{reference.field} {what}: {reference.message}"
        resource = group_reference if depends == "group" else reference.value
        found.append(InvalidField(reference.field, message, rule, "reference", depends, resource))
        seen.add(reference.field)
    return found
