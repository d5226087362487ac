"""Who is asking, and whether a ``Principal`` / ``NotPrincipal`` element names them.

How a request principal relates to the ARNs a policy may name:

* ``arn:aws:iam::A:root`` (or the bare id ``A``, stored as that ARN) names the account: every
  principal of A matches, with scope ``account`` (delegation to A's own IAM policies).
* A *requester* given as an account root (or bare id) stands for some principal of that
  account, not for the root user: a policy naming the account matches it with scope
  ``account``, one naming a particular role, user or session of it matches UNKNOWN-ly.
* An IAM role ARN matches the role and all its sessions
  (``arn:aws:sts::A:assumed-role/Role/session``). Session ARNs carry no role path, and role
  names are unique within an account whatever their path, so roles are matched on
  (partition, account, name), ignoring any path.
* A user ARN matches that user (also by name: user names are unique per account).
* A session ARN in a policy matches only that session. When the request principal is a role
  ARN (some session of it, name not known), such a policy entry matches UNKNOWN-ly.
* ``"*"`` and ``{"AWS": "*"}`` match every principal; ``Service``, ``Federated`` and
  ``CanonicalUser`` entries never match an IAM principal.

Wildcards inside a principal ARN are not honoured by IAM (only a lone ``*`` is): such an
entry matches nothing.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from checker.policy.decision import Tri
from checker.policy.model import Principal
from checker.records import record


class PrincipalKind(StrEnum):
    ROOT = "root"
    USER = "user"
    ROLE = "role"
    SESSION = "session"  # an assumed-role session
    FEDERATED_USER = "federated_user"
    OTHER = "other"


class PrincipalScope(StrEnum):
    """How a resource-policy Allow reached the principal."""

    SPECIFIC = "specific"  # named the principal itself (or "*")
    ACCOUNT = "account"  # only through the account root: delegation to that account's IAM


@record
class RequestPrincipal:
    arn: str
    kind: PrincipalKind
    partition: str
    account: str
    name: str  # the role name for a role or session, the user name for a user
    session: str | None = None

    @property
    def root_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:root"


# A bare account id, which stands for that account's root wherever a principal is named.
ACCOUNT_ID = re.compile(r"^\d{12}$")


@lru_cache(maxsize=4096)
def parse_principal(arn: str, partition: str = "aws") -> RequestPrincipal:
    """Classify an IAM principal ARN; a bare 12-digit id is that account's root."""
    if ACCOUNT_ID.match(arn):
        return RequestPrincipal(
            f"arn:{partition}:iam::{arn}:root", PrincipalKind.ROOT, partition, arn, "root"
        )
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return RequestPrincipal(arn, PrincipalKind.OTHER, partition, "", arn)
    _, arn_partition, service, _, account, resource = parts
    if service == "iam" and resource == "root":
        kind, name, session = PrincipalKind.ROOT, "root", None
    elif service == "iam" and resource.startswith("role/"):
        kind, name, session = PrincipalKind.ROLE, resource.rsplit("/", 1)[-1], None
    elif service == "iam" and resource.startswith("user/"):
        kind, name, session = PrincipalKind.USER, resource.rsplit("/", 1)[-1], None
    elif service == "sts" and resource.startswith("assumed-role/") and resource.count("/") >= 2:
        _, name, session = resource.split("/", 2)
        kind = PrincipalKind.SESSION
    elif service == "sts" and resource.startswith("federated-user/"):
        kind, name, session = PrincipalKind.FEDERATED_USER, resource.split("/", 1)[1], None
    else:
        kind, name, session = PrincipalKind.OTHER, resource, None
    return RequestPrincipal(arn, kind, arn_partition, account, name, session)


@record
class EntryMatch:
    """How one policy principal entry relates to the request principal."""

    tri: Tri
    scope: PrincipalScope = PrincipalScope.SPECIFIC
    # True when the entry is the requester's own user or session ARN (not its role, not
    # ``*``): within one account a permissions boundary does not cap such a grant.
    exact: bool = False


_NO_MATCH = EntryMatch(Tri.FALSE)


@lru_cache(maxsize=16384)
def match_entry(entry: str, requester: RequestPrincipal) -> EntryMatch:
    """Does the AWS principal ``entry`` (an ARN from a policy) name ``requester``?"""
    if entry == "*":
        return EntryMatch(Tri.TRUE, PrincipalScope.SPECIFIC)
    if "*" in entry or "?" in entry:
        return _NO_MATCH
    named = parse_principal(entry, requester.partition)
    if named.kind is PrincipalKind.OTHER or requester.kind is PrincipalKind.OTHER:
        return EntryMatch(Tri.of(named.arn == requester.arn), exact=named.arn == requester.arn)
    if named.partition != requester.partition or named.account != requester.account:
        return _NO_MATCH
    if named.kind is PrincipalKind.ROOT:
        return EntryMatch(Tri.TRUE, PrincipalScope.ACCOUNT)
    if requester.kind is PrincipalKind.ROOT:
        # "Some principal of the account": it may or may not be the one named.
        return EntryMatch(Tri.UNKNOWN)
    if named.kind is PrincipalKind.ROLE:
        same_role = requester.kind in (PrincipalKind.ROLE, PrincipalKind.SESSION)
        return EntryMatch(Tri.TRUE) if same_role and named.name == requester.name else _NO_MATCH
    if named.kind is PrincipalKind.SESSION:
        if requester.kind is PrincipalKind.SESSION:
            same = named.name == requester.name and named.session == requester.session
            return EntryMatch(Tri.TRUE, exact=True) if same else _NO_MATCH
        if requester.kind is PrincipalKind.ROLE and named.name == requester.name:
            # The requester stands for any session of the role: this one may or may not be it.
            return EntryMatch(Tri.UNKNOWN)
        return _NO_MATCH
    if named.kind is PrincipalKind.USER:
        same = requester.kind is PrincipalKind.USER and named.name == requester.name
        return EntryMatch(Tri.TRUE, exact=True) if same else _NO_MATCH
    if named.kind is PrincipalKind.FEDERATED_USER:
        same = requester.kind is PrincipalKind.FEDERATED_USER and named.name == requester.name
        return EntryMatch(Tri.TRUE, exact=True) if same else _NO_MATCH
    return _NO_MATCH


def _best(matches: list[EntryMatch]) -> EntryMatch:
    """The strongest way the element names the requester (TRUE over UNKNOWN over FALSE;
    specific over account; exact over not)."""
    best = _NO_MATCH
    order = {Tri.FALSE: 0, Tri.UNKNOWN: 1, Tri.TRUE: 2}
    for match in matches:
        key = (order[match.tri], match.scope is PrincipalScope.SPECIFIC, match.exact)
        best_key = (order[best.tri], best.scope is PrincipalScope.SPECIFIC, best.exact)
        if key > best_key:
            best = match
    return best


def match_principal(element: Principal, requester: RequestPrincipal) -> EntryMatch:
    """A ``Principal`` element against an IAM requester."""
    if element.wildcard:
        return EntryMatch(Tri.TRUE, PrincipalScope.SPECIFIC)
    return _best([match_entry(entry, requester) for entry in element.aws])


def not_principal_applies(
    element: Principal, requester: RequestPrincipal, *, effect: str, has_boundary: bool
) -> Tri:
    """Does a statement with ``NotPrincipal`` apply to ``requester``?

    A Deny applies to every principal not listed (NotPrincipal page of the IAM User Guide).
    IAM may check each level of the requester against the list: the account, then the user,
    or the account, then the role, then the session. The requester is exempt only when every
    level is listed:

    * listing an account root exempts the root user, not the account's other principals (the
      page's example denies everyone but Bob although Bob's account is listed);
    * a user is exempt when the user and its account are listed;
    * a role session is exempt when the session, its role and the account are listed: the
      page's role example lists all three and denies "all principals except the assumed-role
      user" it names, so the role's other sessions are denied although the role is listed,
      and a session cannot be named with a wildcard. A requester that stands for any session
      of a role (a role ARN) is exempt only if its session happens to be listed: UNKNOWN when
      a session of that role is listed, else the Deny applies.

    When every level that is listed is listed but one is missing (the role without the
    account, the session without its role) the Deny "might" apply: UNKNOWN. A level surely
    not listed (no entry for the session) makes it apply. A Deny with NotPrincipal always
    denies a principal that has a permissions boundary (IAM User Guide, permissions
    boundaries).

    An Allow with NotPrincipal (IAM does not support it) applies only when no level of the
    requester is listed at all. A requester that is some principal of an account (given as
    its root) is exempt from a Deny only if it is one of those listed, which is not known.
    """
    if element.wildcard:
        return Tri.FALSE
    if effect == "Deny" and has_boundary:
        return Tri.TRUE
    account_listed = False
    identity_listed = False  # the user / role ARN itself (a root requester: its root ARN)
    session_listed = Tri.FALSE  # an entry names the requester's session
    identity_partly: Tri = Tri.FALSE  # some entry names the requester below the account
    for entry in element.aws:
        named = parse_principal(entry, requester.partition)
        if named.arn == requester.root_arn:
            account_listed = True
            continue
        match = match_entry(entry, requester)
        if match.tri is Tri.FALSE or match.scope is PrincipalScope.ACCOUNT:
            continue
        identity_partly = identity_partly | match.tri
        if named.kind is PrincipalKind.SESSION and requester.kind in (
            PrincipalKind.ROLE,
            PrincipalKind.SESSION,
        ):
            session_listed = session_listed | match.tri
        elif match.tri is Tri.TRUE:
            identity_listed = True
    if requester.kind is PrincipalKind.ROOT:
        # Some principal of the account: exempt only if it happens to be the root user or
        # one of those listed, which is not known.
        listed = Tri.of(account_listed) | identity_partly
        if effect == "Allow":
            return Tri.FALSE if account_listed else ~identity_partly
        return Tri.TRUE if listed is Tri.FALSE else Tri.UNKNOWN
    if effect == "Allow":
        return ~(identity_partly | Tri.of(account_listed))
    if identity_partly is Tri.FALSE:
        return Tri.TRUE
    if requester.kind in (PrincipalKind.ROLE, PrincipalKind.SESSION):
        if session_listed is Tri.FALSE:
            return Tri.TRUE  # the session level is surely not listed
        if identity_listed and account_listed and session_listed is Tri.TRUE:
            return Tri.FALSE
        return Tri.UNKNOWN
    if identity_listed and account_listed:
        return Tri.FALSE
    return Tri.UNKNOWN
