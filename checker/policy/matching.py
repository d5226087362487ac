"""Action and ARN matching, for single values and for wildcard request patterns.

Actions match case-insensitively; ARNs case-sensitively. An ARN is matched segment by
segment (``arn:partition:service:region:account:resource``): a wildcard in the first five
segments never crosses a ``:``, the resource segment (which may itself hold ``:`` and ``/``)
is globbed as a whole. When either side is not ARN-shaped the two are compared as plain
globs over the whole string, so ``*`` matches everything.
"""

from __future__ import annotations

import re
from functools import lru_cache

from checker.policy.glob import (
    STAR,
    Glob,
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
