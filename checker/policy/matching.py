"""Action and ARN matching, for single values and for wildcard request patterns.

Actions match case-insensitively; ARNs case-sensitively.

``Resource`` / ``NotResource`` patterns (``resource_*``) follow the IAM User Guide, "IAM JSON
policy elements: Resource": wildcards "within the individual segments of an ARN (the parts
separated by colons)", and "if the ``*`` wildcard is the last character of a resource ARN
segment, it can expand to match beyond the colon boundaries". So ``?`` never matches a ``:``
and a ``*`` matches one only when it ends its segment: ``arn:aws:s3:::*``,
``arn:aws:sagemaker:*:*:*`` and ``arn:aws:sagemaker:*`` match every ARN of their service, while
a pattern with too few segments and no such ``*`` (``arn:aws:s3:?:bucket-a``,
``arn:aws:sqs:us-east-1?111111111111:queue-a``) matches no ARN at all, where a whole-string
glob would let ``?`` stand for a ``:``.

The page leaves two things open: whether a ``*`` ending one of the first five segments may
shift the later segments (``arn:aws:logs:*:log-group:*``, which lacks its account, against
``arn:aws:logs:us-east-1:111111111111:log-group:x``), and whether a wildcard inside the
resource part may match a ``:`` there (older versions of the page globbed that part whole,
and an S3 key may hold a ``:``). A pattern is therefore read two ways: *segment by segment*
as quoted, and *aligned*, its first five colons on the ARN's first five, those segments
colon-free and the resource part globbed whole (only a ``*`` ending the last segment of a
shorter pattern runs on). Where both readings agree the answer is TRUE or FALSE; where they
differ it is UNKNOWN, never a guess. Well-formed patterns (six segments, wildcards that do not
need to cross a colon) read the same both ways.

A pattern that does not start with ``arn:`` (``*``) is a plain glob over the whole string.
``Condition`` ARN operators keep ``glob_matches_arn``: six segments compared one by one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from checker.policy.decision import Tri
from checker.policy.glob import (
    ONE,
    SEG_ONE,
    SEG_STAR,
    SEGMENT_BOUNDARY,
    STAR,
    Glob,
    Token,
    compile_glob,
    glob_covers,
    globs_intersect,
    parse_glob,
    regex_source,
)

_SEGMENTS = 6


@lru_cache(maxsize=8192)
def _action_regex(pattern: str) -> re.Pattern[str]:
    # One cache lookup on the text on this hot path instead of two (parse, then compile).
    return compile_glob(parse_glob(pattern), ignore_case=True)


def action_matches(pattern: str, action: str) -> bool:
    """``s3:Get*`` matches ``S3:GetObject``: service and action names ignore case."""
    if pattern == "*":
        return True
    return _action_regex(pattern).fullmatch(action) is not None


def split_arn_glob(glob: Glob) -> tuple[Glob, ...] | None:
    """The six segments of an ARN-shaped pattern (``arn`` then five ``:``), else ``None``."""
    if glob[:4] != ("a", "r", "n", ":"):
        return None
    segments: list[Glob] = []
    start = 0
    for index, token in enumerate(glob):
        if token == ":" and len(segments) < _SEGMENTS - 1:
            segments.append(glob[start:index])
            start = index + 1
    if len(segments) < _SEGMENTS - 1:
        return None
    segments.append(glob[start:])
    return tuple(segments)


@lru_cache(maxsize=16384)
def _arn_regexes(glob: Glob) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """(plain whole-string regex, segment-aware regex or None)."""
    plain = compile_glob(glob)
    segments = split_arn_glob(glob)
    if segments is None:
        return plain, None
    head = [regex_source(segment, "[^:]") for segment in segments[:-1]]
    tail = regex_source(segments[-1], ".")
    return plain, re.compile(":".join([*head, tail]), re.DOTALL)


def _is_arn_value(value: str) -> bool:
    return value.startswith("arn:") and value.count(":") >= _SEGMENTS - 1


def glob_matches_arn(glob: Glob, value: str) -> bool:
    """Does the resource pattern ``glob`` match the single (wildcard-free) ARN ``value``?"""
    if glob == (STAR,):
        return True
    plain, segmented = _arn_regexes(glob)
    if segmented is not None and _is_arn_value(value):
        return segmented.fullmatch(value) is not None
    return plain.fullmatch(value) is not None


def arn_matches(pattern: str, arn: str) -> bool:
    """Case-sensitive ARN glob match, segment by segment (see the module docstring)."""
    return glob_matches_arn(parse_glob(pattern), arn)


@lru_cache(maxsize=16384)
def glob_covers_arn(outer: Glob, inner: Glob) -> bool:
    """Every ARN the pattern ``inner`` stands for is matched by ``outer``."""
    if outer == (STAR,):
        return True
    outer_segments = split_arn_glob(outer)
    inner_segments = split_arn_glob(inner)
    if outer_segments is None or inner_segments is None:
        return glob_covers(outer, inner)
    return all(glob_covers(o, i) for o, i in zip(outer_segments, inner_segments, strict=True))


@lru_cache(maxsize=16384)
def globs_intersect_arn(left: Glob, right: Glob) -> bool:
    """Some ARN is matched by both patterns."""
    if left == (STAR,) or right == (STAR,):
        return True
    left_segments = split_arn_glob(left)
    right_segments = split_arn_glob(right)
    if left_segments is None or right_segments is None:
        return globs_intersect(left, right)
    return all(globs_intersect(a, b) for a, b in zip(left_segments, right_segments, strict=True))


def arn_pattern_covers(policy_pattern: str, request_pattern: str) -> bool:
    """True iff every string ``request_pattern`` matches is matched by ``policy_pattern``.

    ``a/*`` covers ``a/*`` and ``a/b*``; ``a/?`` does not cover ``a/*``; ``a/1*`` does not
    cover ``a/*``.
    """
    return glob_covers_arn(parse_glob(policy_pattern), parse_glob(request_pattern))


def arn_patterns_intersect(left: str, right: str) -> bool:
    """True iff some string matches both patterns."""
    return globs_intersect_arn(parse_glob(left), parse_glob(right))


# --- Resource / NotResource patterns ---------------------------------------------------------


def _resource_start(glob: Glob) -> int:
    """Where the resource part begins (after the fifth ``:``); the length when there is none."""
    seen = 0
    for index, token in enumerate(glob):
        if token == SEGMENT_BOUNDARY:
            seen += 1
            if seen == _SEGMENTS - 1:
                return index + 1
    return len(glob)


def _segment_reading(glob: Glob, *, shift: bool) -> Glob:
    """Every ``:`` bounds a segment; only a ``*`` that ends one may cross it. Without
    ``shift``, a ``*`` ending one of the first five segments of a full-length pattern stays in
    its segment (see ``_readings``)."""
    start = _resource_start(glob)
    full_length = glob.count(SEGMENT_BOUNDARY) >= _SEGMENTS - 1
    tokens: list[Token] = []
    for index, token in enumerate(glob):
        if token == ONE:
            token = SEG_ONE
        elif token == STAR:
            ends_segment = index + 1 == len(glob) or glob[index + 1] == SEGMENT_BOUNDARY
            stays = not shift and full_length and index < start
            token = STAR if ends_segment and not stays else SEG_STAR
        tokens.append(token)
    return tuple(tokens)


def _aligned_reading(glob: Glob) -> Glob:
    """The first five segments colon-free, the resource part whole; in a pattern with fewer
    segments, a ``*`` ending the last one runs on."""
    start = _resource_start(glob)
    tokens: list[Token] = []
    for index, token in enumerate(glob):
        if index < start and token in (STAR, ONE):
            runs_on = token == STAR and index + 1 == len(glob)
            token = STAR if runs_on else SEG_STAR if token == STAR else SEG_ONE
        tokens.append(token)
    return tuple(tokens)


def _request_reading(glob: Glob) -> Glob:
    """A wildcard request resource (``…:model-package/grp/*``) as xreg builds it: wildcards
    in the first five segments stay there, the resource part is globbed whole."""
    if glob[:4] != ("a", "r", "n", ":"):
        return glob
    return _aligned_reading(glob)


@lru_cache(maxsize=16384)
def _readings(glob: Glob, shift: bool = True) -> tuple[Glob, ...]:
    """The distinct readings of a resource pattern (one when they coincide).

    ``shift`` is false against a wildcard request: its ``*`` stands for version numbers or
    object keys, and would otherwise let every ``*`` ending a region or account segment
    shift the pattern's later segments into that wildcard, making every such pattern
    "maybe" meet every request. Against a single ARN the shift is decided exactly.
    """
    if glob[:4] != ("a", "r", "n", ":"):
        return (glob,)
    segment, aligned = _segment_reading(glob, shift=shift), _aligned_reading(glob)
    return (segment,) if segment == aligned else (segment, aligned)


@lru_cache(maxsize=16384)
def _reading_regexes(glob: Glob) -> tuple[re.Pattern[str], ...]:
    return tuple(compile_glob(reading) for reading in _readings(glob))


def _agreement(results: list[bool]) -> Tri:
    if all(results):
        return Tri.TRUE
    return Tri.UNKNOWN if any(results) else Tri.FALSE


def resource_glob_matches(glob: Glob, value: str) -> Tri:
    """Does the Resource pattern ``glob`` match the single ARN ``value`` (module docstring)?"""
    if glob == (STAR,):
        return Tri.TRUE
    regexes = _reading_regexes(glob)
    if len(regexes) == 1:
        return Tri.TRUE if regexes[0].fullmatch(value) is not None else Tri.FALSE
    return _agreement([regex.fullmatch(value) is not None for regex in regexes])


@lru_cache(maxsize=16384)
def resource_glob_covers(outer: Glob, inner: Glob) -> Tri:
    """Every ARN the request pattern ``inner`` stands for is matched by ``outer``."""
    if outer == (STAR,):
        return Tri.TRUE
    request = _request_reading(inner)
    return _agreement([glob_covers(r, request) for r in _readings(outer, shift=False)])


@lru_cache(maxsize=16384)
def resource_globs_intersect(outer: Glob, inner: Glob) -> Tri:
    """Some ARN the request pattern ``inner`` stands for is matched by ``outer``."""
    if outer == (STAR,) or inner == (STAR,):
        return Tri.TRUE
    request = _request_reading(inner)
    return _agreement([globs_intersect(r, request) for r in _readings(outer, shift=False)])


def resource_pattern_matches(pattern: str, arn: str) -> Tri:
    """``resource_glob_matches`` on the text of a Resource pattern."""
    return resource_glob_matches(parse_glob(pattern), arn)


def resource_pattern_covers(pattern: str, request_pattern: str) -> Tri:
    return resource_glob_covers(parse_glob(pattern), parse_glob(request_pattern))


def resource_patterns_intersect(pattern: str, request_pattern: str) -> Tri:
    return resource_globs_intersect(parse_glob(pattern), parse_glob(request_pattern))
