"""Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team, 'none'}``, ``${*}``).

IAM substitutes variables only in policies whose ``Version`` is ``2012-10-17``; elsewhere the
text is literal. ``${*}``, ``${?}`` and ``${$}`` stand for the literal characters. A
substituted value is literal text: a ``*`` in a user name is not a wildcard.

In a ``Resource`` / ``NotResource`` pattern IAM substitutes variables only in the resource
part of the ARN, after its fifth colon (IAM User Guide, "IAM policy elements: Variables and
tags", Resource element): before it the text is taken as written, so
``arn:aws:s3:us-east-1:${aws:PrincipalAccount}:x`` asks for an account spelled
``${aws:PrincipalAccount}``. No partition, service, region or account contains ``$``, ``{`` or
``}``, so such a pattern matches no real ARN (an Allow grants nothing, a Deny denies nothing).

Resolution against the request context has three outcomes: the text, ``ABSENT`` (the key is
known not to be in the request and there is no default: IAM says the match fails), or the
name of a key whose value the context does not know.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, cast

from checker.policy.glob import Glob, Token, parse_glob
from checker.policy.request import RequestContext
from checker.records import record

VARIABLES_VERSION: Final = "2012-10-17"

_ESCAPES: Final = {"*": "*", "?": "?", "$": "$"}
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_WITH_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*$")


@record
class Variable:
    """``${key}`` or ``${key, 'default'}``; ``key`` is lower-cased (keys ignore case)."""

    key: str
    default: str | None = None


Piece = Token | Variable
Template = tuple[Piece, ...]


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


@record
class UnknownKey:
    key: str


@lru_cache(maxsize=8192)
def parse_template(text: str, *, variables: bool, wildcards: bool) -> Template:
    """Split ``text`` into literal characters, wildcard tokens and variables.

    ``wildcards`` false keeps ``*`` and ``?`` literal (StringEquals compares exactly).
    """
    pieces: list[Piece] = []

    def add_text(chunk: str) -> None:
        # Chunks are separated by a variable or an escape, so stars never need collapsing
        # across two chunks.
        pieces.extend(parse_glob(chunk) if wildcards else chunk)

    if not variables or "${" not in text:
        add_text(text)
        return tuple(pieces)
    cursor = 0
    for found in _VARIABLE.finditer(text):
        add_text(text[cursor : found.start()])
        cursor = found.end()
        inner = found.group(1)
        if inner in _ESCAPES:
            pieces.append(_ESCAPES[inner])
            continue
        defaulted = _WITH_DEFAULT.match(inner)
        if defaulted:
            pieces.append(
                Variable(defaulted.group(1).lower(), defaulted.group(2).replace("''", "'"))
            )
        elif inner.strip() and "," not in inner and " " not in inner.strip():
            pieces.append(Variable(inner.strip().lower()))
        else:
            # Not a variable IAM recognises: the text stays as written.
            add_text(found.group(0))
    add_text(text[cursor:])
    return tuple(pieces)


_RESOURCE_PART_COLON = 5


@lru_cache(maxsize=8192)
def parse_resource_template(text: str, *, variables: bool) -> Template:
    """A ``Resource`` / ``NotResource`` pattern: variables only after the fifth colon."""
    if not variables or "${" not in text:
        return parse_template(text, variables=False, wildcards=True)
    cut = -1
    for _ in range(_RESOURCE_PART_COLON):
        cut = text.find(":", cut + 1)
        if cut < 0:
            # No resource part: nothing is substituted.
            return parse_template(text, variables=False, wildcards=True)
    head = parse_template(text[: cut + 1], variables=False, wildcards=True)
    return head + parse_template(text[cut + 1 :], variables=True, wildcards=True)


def has_variables(template: Template) -> bool:
    return any(isinstance(piece, Variable) for piece in template)


def resolve(template: Template, context: RequestContext) -> Glob | _Absent | UnknownKey:
    """Substitute every variable from ``context``; see the module docstring for outcomes."""
    if not has_variables(template):
        return cast(Glob, template)
    tokens: list[Token] = []
    for piece in template:
        if not isinstance(piece, Variable):
            tokens.append(piece)
            continue
        found = context.lookup(piece.key)
        if found is None:
            return UnknownKey(piece.key)
        if found is False or found == ():
            if piece.default is None:
                return ABSENT
            tokens.extend(piece.default)
            continue
        assert isinstance(found, tuple)
        if len(found) != 1:
            # IAM does not substitute multivalued keys; what it then does is not documented,
            # so the outcome is unknown rather than guessed.
            return UnknownKey(piece.key)
        tokens.extend(found[0])
    return tuple(tokens)
