"""KMS specifics: recognising a request on a key, and what its grants give the requester.

A grant gives its ``operations`` to its grantee (KMS Developer Guide, "Grants in AWS KMS").
``Decrypt`` stands for ``kms:Decrypt`` only: ``GenerateDataKey`` does not cover
``kms:GenerateDataKeyWithoutPlaintext``. The grantee is matched like a principal in a key
policy: a role ARN covers the role's sessions; an account root ARN gives scope ``account``
(the account's IAM policies must then allow, an inference the KMS docs support for key
policies). A grantee that is not an ARN (the bare account id the seed passes) matches
nothing: ``CreateGrant`` documents an ARN, so AWS would not have created such a grant.
A grant with constraints applies only for some encryption contexts, which xreg does not
know: UNKNOWN.
"""

from __future__ import annotations

from typing import Final

from checker.policy.decision import Evidence, Tri
from checker.policy.principals import PrincipalScope, RequestPrincipal, match_entry
from checker.policy.request import Grant, Request
from checker.records import record

CONSTRAINT_NOTE: Final = "its constraints depend on the encryption context, which is not known"


def is_key_request(request: Request) -> bool:
    """A ``kms:`` action on a key ARN (``arn:aws:kms:region:account:key/id``)."""
    if not request.action.lower().startswith("kms:"):
        return False
    parts = request.resource.split(":", 5)
    return (
        len(parts) == 6 and parts[0] == "arn" and parts[2] == "kms" and parts[5].startswith("key/")
    )


@record
class GrantOutcome:
    grant: Grant
    evidence: Evidence
    applies: Tri
    scope: PrincipalScope | None = None
    note: str | None = None


def grant_label(grant: Grant, index: int) -> str:
    return f"grant:{grant.grant_id or index}"


def evaluate_grants(
    grants: tuple[Grant, ...], request: Request, requester: RequestPrincipal
) -> tuple[GrantOutcome, ...]:
    """Every grant with how it applies to ``request`` (``FALSE`` ones included, with a note
    when the reason deserves saying, e.g. a non-ARN grantee)."""
    operation = request.action.split(":", 1)[1].lower() if ":" in request.action else ""
    outcomes: list[GrantOutcome] = []
    for index, grant in enumerate(grants):
        evidence = Evidence(grant.source, grant_label(grant, index))
        if not grant.grantee_principal.startswith("arn:"):
            not_arn = (
                f"its grantee {grant.grantee_principal!r} is not an ARN, which KMS requires: "
                "it matches no principal"
            )
            outcomes.append(GrantOutcome(grant, evidence, Tri.FALSE, note=not_arn))
            continue
        if operation not in {op.lower() for op in grant.operations}:
            outcomes.append(GrantOutcome(grant, evidence, Tri.FALSE))
            continue
        match = match_entry(grant.grantee_principal, requester)
        if match.tri is Tri.FALSE:
            outcomes.append(GrantOutcome(grant, evidence, Tri.FALSE))
            continue
        tri: Tri = match.tri
        note: str | None = None
        if grant.constraints:
            tri, note = tri & Tri.UNKNOWN, CONSTRAINT_NOTE
        outcomes.append(GrantOutcome(grant, evidence, tri, match.scope, note))
    return tuple(outcomes)


def grants_allow(outcomes: tuple[GrantOutcome, ...], scope: PrincipalScope) -> Tri:
    result = Tri.FALSE
    for outcome in outcomes:
        if outcome.scope is scope:
            result = result | outcome.applies
    return result
