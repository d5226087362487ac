"""Glob inclusion and intersection agree with brute force over every short string."""

from __future__ import annotations

import itertools
import re
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.policy import Tri, arn_matches, arn_pattern_covers, arn_patterns_intersect
from checker.policy.glob import (
    ONE,
    SEG_ONE,
    SEG_STAR,
    STAR,
    glob_covers,
    globs_intersect,
    regex_source,
)
from checker.policy.matching import resource_pattern_matches

ALPHABET = "ab"
# Patterns draw from "ab", so "c" stands for every other character.
patterns = st.text(alphabet="ab*?", max_size=4)
# Long enough for a shortest counterexample / witness of two patterns of four characters.
MAX_WORD = 7


@cache
def words(max_length: int) -> tuple[str, ...]:
    found: list[str] = []
    for length in range(max_length + 1):
        found.extend("".join(p) for p in itertools.product(ALPHABET + "c", repeat=length))
    return tuple(found)


def brute_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    )


@settings(max_examples=200, deadline=None)
@given(patterns, patterns)
def test_covers_agrees_with_brute_force(outer: str, inner: str) -> None:
    outer_re, inner_re = brute_regex(outer), brute_regex(inner)
    expected = all(outer_re.fullmatch(w) for w in words(MAX_WORD) if inner_re.fullmatch(w))
    assert arn_pattern_covers(outer, inner) is expected


@settings(max_examples=200, deadline=None)
@given(patterns, patterns)
def test_intersect_agrees_with_brute_force(left: str, right: str) -> None:
    left_re, right_re = brute_regex(left), brute_regex(right)
    expected = any(left_re.fullmatch(w) and right_re.fullmatch(w) for w in words(MAX_WORD))
    assert arn_patterns_intersect(left, right) is expected


@settings(max_examples=200, deadline=None)
@given(patterns, st.text(alphabet="abc", max_size=6))
def test_a_pattern_covers_and_meets_exactly_the_strings_it_matches(pattern: str, word: str) -> None:
    matched = brute_regex(pattern).fullmatch(word) is not None
    assert arn_matches(pattern, word) is matched
    assert arn_pattern_covers(pattern, word) is matched
    assert arn_patterns_intersect(pattern, word) is matched


arn_segment = st.text(alphabet="ab*?", min_size=0, max_size=3)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(arn_segment, min_size=5, max_size=5),
    st.lists(st.text(alphabet="ab:", max_size=3), min_size=5, max_size=5),
)
def test_arn_segments_never_let_a_wildcard_cross_a_colon(
    pattern_parts: list[str], value_parts: list[str]
) -> None:
    pattern = "arn:" + ":".join(pattern_parts)
    value = "arn:" + ":".join(value_parts)
    value_segments = value.split(":", 5)
    pattern_segments = pattern.split(":", 5)
    expected = (
        all(
            brute_regex(p).fullmatch(v) is not None
            for p, v in zip(pattern_segments[:-1], value_segments[:-1], strict=True)
        )
        and brute_regex(pattern_segments[-1]).fullmatch(value_segments[-1]) is not None
    )
    assert arn_matches(pattern, value) is expected


def _segment_regex(pattern: str) -> re.Pattern[str]:
    """Every colon bounds a segment; only a ``*`` that ends one may cross it."""
    parts = []
    for index, char in enumerate(pattern):
        ends = index + 1 == len(pattern) or pattern[index + 1] == ":"
        if char == "*":
            parts.append(".*" if ends else "[^:]*")
        elif char == "?":
            parts.append("[^:]")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts))


def _aligned_regex(pattern: str) -> re.Pattern[str]:
    """Five colon-free segments, then the resource part globbed whole."""
    pieces = pattern.split(":", 5)
    head = pieces if len(pieces) < 6 else pieces[:5]
    sources = []
    for position, piece in enumerate(head):
        last = position == len(pieces) - 1
        source = ""
        for index, char in enumerate(piece):
            if char == "*":
                source += ".*" if last and index + 1 == len(piece) else "[^:]*"
            elif char == "?":
                source += "[^:]"
            else:
                source += re.escape(char)
        sources.append(source)
    if len(pieces) == 6:
        sources.append(brute_regex(pieces[5]).pattern)
    return re.compile(":".join(sources))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="ab*?", max_size=3), min_size=2, max_size=7),
    st.lists(st.text(alphabet="ab", max_size=2), min_size=4, max_size=4),
    st.text(alphabet="ab:", max_size=4),
)
def test_resource_patterns_are_sure_only_where_both_readings_agree(
    pattern_parts: list[str], value_head: list[str], value_resource: str
) -> None:
    pattern = "arn:" + ":".join(pattern_parts)
    value = "arn:" + ":".join(value_head) + ":" + value_resource
    readings = [
        _segment_regex(pattern).fullmatch(value) is not None,
        _aligned_regex(pattern).fullmatch(value) is not None,
    ]
    expected = Tri.TRUE if all(readings) else Tri.UNKNOWN if any(readings) else Tri.FALSE
    assert resource_pattern_matches(pattern, value) is expected


# Tokens over "a" and ":", with wildcards that may or may not cross a colon.
tokens = st.lists(st.sampled_from(["a", ":", STAR, ONE, SEG_STAR, SEG_ONE]), max_size=4).map(tuple)


def _token_regex(glob: tuple[str | int, ...]) -> re.Pattern[str]:
    return re.compile(regex_source(glob, "."), re.DOTALL)


@settings(max_examples=300, deadline=None)
@given(tokens, tokens)
def test_segment_bounded_wildcards_cover_and_meet_as_brute_force_says(
    outer: tuple[str | int, ...], inner: tuple[str | int, ...]
) -> None:
    alphabet = "a:c"
    candidates = [
        "".join(p) for n in range(MAX_WORD) for p in itertools.product(alphabet, repeat=n)
    ]
    outer_re, inner_re = _token_regex(outer), _token_regex(inner)
    inner_words = [w for w in candidates if inner_re.fullmatch(w)]
    assert glob_covers(outer, inner) is all(outer_re.fullmatch(w) for w in inner_words)
    assert globs_intersect(outer, inner) is any(outer_re.fullmatch(w) for w in inner_words)
