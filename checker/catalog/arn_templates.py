"""Resource-type ARN templates (``arn:${Partition}:s3:::${BucketName}``) against policy globs.

The question the lint rules ask is "can this Resource glob name any resource of this type?". A
template variable is turned into a character class (most match anything; a few, such as an S3
bucket name, are one path segment), and the glob and the template are intersected exactly
(``checker.policy.glob.sequences_intersect``), segment by segment as IAM matches ARNs (a
wildcard before the resource part does not cross a ``:``).
"""

from __future__ import annotations

import re
from functools import cache

from checker.policy.glob import ONE, STAR, parse_glob, sequences_intersect
from checker.policy.glob import Token as GlobToken
from checker.records import record

# Variables whose values never contain "/": the resource part of these types is one segment.
# Every other variable may (ECR repository names, S3 object keys, model package versions
# ``GROUP/N``, IAM names with paths), so it matches anything: a false "no match" would raise an
# error on a correct policy, a missed one only loses a lint hint.
SINGLE_SEGMENT_VARIABLES = frozenset(
    {"BucketName", "KeyId", "ModelPackageGroupName", "AccessPointName", "AccountId"}
)

_VARIABLE = re.compile(r"\$\{([A-Za-z0-9_]+)\}")

# A token is (charset, repeated). charset: a one-character string (a literal), ANY, or
# NOT_SLASH. repeated: False for exactly one character, True for zero or more.
ANY = "any"
NOT_SLASH = "not/"
Token = tuple[str, bool]


def _as_token(token: GlobToken) -> Token:
    if token == STAR:
        return (ANY, True)
    if token == ONE:
        return (ANY, False)
    assert isinstance(token, str)
    return (token, False)


def _glob_tokens(glob: str) -> tuple[Token, ...]:
    return tuple(_as_token(token) for token in parse_glob(glob))


def _template_tokens(template: str) -> tuple[Token, ...]:
    tokens: list[Token] = []
    position = 0
    for match in _VARIABLE.finditer(template):
        tokens.extend((char, False) for char in template[position : match.start()])
        charset = NOT_SLASH if match.group(1) in SINGLE_SEGMENT_VARIABLES else ANY
        tokens.extend(((charset, False), (charset, True)))  # one or more characters
        position = match.end()
    tokens.extend((char, False) for char in template[position:])
    return tuple(tokens)


def _charsets_meet(left: str, right: str) -> bool:
    if left == ANY or right == ANY:
        return True
    if left == NOT_SLASH:
        return right != "/"
    if right == NOT_SLASH:
        return left != "/"
    return left == right


def _repeats(token: Token) -> bool:
    return token[1]


def _tokens_meet(left: Token, right: Token) -> bool:
    return _charsets_meet(left[0], right[0])


def _tokens_intersect(left: tuple[Token, ...], right: tuple[Token, ...]) -> bool:
    """Whether some string matches both token lists."""
    return sequences_intersect(left, right, repeats=_repeats, meet=_tokens_meet)


def _split_arn(text: str) -> list[str] | None:
    parts = text.split(":", 5)
    return parts if len(parts) == 6 else None


@cache
def template_may_match(template: str, resource: str) -> bool:
    """Whether the policy glob ``resource`` can name some ARN of the ``template`` type.

    ``*``, anything that is not an ARN, and a resource with a policy variable (whose value may
    hold ``:`` or ``/``) answer True: only a certain mismatch answers False.
    """
    if resource == "*" or "${" in resource:
        return True
    glob_parts = _split_arn(resource)
    template_parts = _split_arn(template)
    if glob_parts is None or template_parts is None:
        return True
    return all(
        _tokens_intersect(_glob_tokens(glob), _template_tokens(part))
        for glob, part in zip(glob_parts, template_parts, strict=True)
    )


@record
class Binding:
    """The template variables read off a resource glob (``{"BucketName": "my-bucket"}``)."""

    values: dict[str, str]


@cache
def _binding_regex(template: str) -> re.Pattern[str]:
    pattern = ""
    position = 0
    for match in _VARIABLE.finditer(template):
        pattern += re.escape(template[position : match.start()])
        name = match.group(1)
        if template[: match.start()].count(":") < 5:
            charset = "[^:]"  # partition, region, account: one ARN field
        elif name in SINGLE_SEGMENT_VARIABLES:
            charset = "[^/]"
        else:
            charset = "."
        pattern += f"(?P<{name}>{charset}+)"
        position = match.end()
    pattern += re.escape(template[position:])
    return re.compile(pattern)


def _fields_fit(template: str, resource: str) -> bool:
    """False when ``resource`` certainly cannot bind to ``template``: an ARN field the template
    spells out differs, a field that is one whole variable is empty, or the resource part
    does not start with the template's literal prefix. Spares compiling the binding regex of
    every resource type a statement's resource is compared with."""
    template_fields = _split_arn(template)
    resource_fields = _split_arn(resource)
    if template_fields is None or resource_fields is None:
        return True
    for wanted, given in zip(template_fields[:5], resource_fields[:5], strict=True):
        if "${" not in wanted:
            if wanted != given:
                return False
        elif _VARIABLE.fullmatch(wanted) and not given:
            return False
    prefix = template_fields[5].split("${", 1)[0]
    return resource_fields[5].startswith(prefix)


def bind(template: str, resource: str) -> Binding | None:
    """Read the variables of ``template`` off ``resource`` (glob characters kept as they are)."""
    if not _fields_fit(template, resource):
        return None
    match = _binding_regex(template).fullmatch(resource)
    return Binding(dict(match.groupdict())) if match else None


def instantiate(template: str, values: dict[str, str]) -> str | None:
    """Fill ``template`` from ``values``; None when a variable is missing."""
    missing = False

    def fill(match: re.Match[str]) -> str:
        nonlocal missing
        value = values.get(match.group(1))
        if value is None:
            missing = True
            return ""
        return value

    text = _VARIABLE.sub(fill, template)
    return None if missing else text
