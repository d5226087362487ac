"""IAM glob patterns (``*`` and ``?``) as token tuples: matching, inclusion and intersection.

A pattern is a tuple of tokens: a one-character string is a literal, ``STAR`` matches any run
of characters and ``ONE`` exactly one character; ``SEG_STAR`` and ``SEG_ONE`` do the same but
never consume a ``:`` (a wildcard that stays inside its ARN segment, see
``checker.policy.matching``). Keeping wildcards as tokens rather than
characters lets a policy variable such as ``${*}`` put a *literal* star into a pattern.

Inclusion and intersection are decided exactly on the automata of the two patterns: a glob
only tells apart the characters it names, so the literals of the patterns plus one fresh
character stand for the whole alphabet.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

STAR = 0
ONE = 1
SEG_STAR = 2
SEG_ONE = 3
SEGMENT_BOUNDARY = ":"
_STARS = (STAR, SEG_STAR)
_SEGMENT_BOUNDED = (SEG_STAR, SEG_ONE)

Token = str | int
Glob = tuple[Token, ...]
T = TypeVar("T")

# Any character that is not a literal of either pattern behaves the same under both, so one
# representative of "every other character" suffices; it must never be a literal itself.
_FRESH = "\uffff"


@lru_cache(maxsize=8192)
def parse_glob(text: str) -> Glob:
    """``a*b?`` as tokens; consecutive stars collapse (they match the same strings)."""
    tokens: list[Token] = []
    for char in text:
        if char == "*":
            if not tokens or tokens[-1] != STAR:
                tokens.append(STAR)
        elif char == "?":
            tokens.append(ONE)
        else:
            tokens.append(char)
    return tuple(tokens)


def regex_source(glob: Glob, any_char: str) -> str:
    """Regular-expression text for ``glob``; ``any_char`` is what a wildcard may consume."""
    parts: list[str] = []
    literal: list[str] = []
    for token in glob:
        if isinstance(token, str):
            literal.append(token)
            continue
        if literal:
            parts.append(re.escape("".join(literal)))
            literal = []
        char = "[^:]" if token in _SEGMENT_BOUNDED else any_char
        parts.append(f"{char}*" if token in _STARS else char)
    if literal:
        parts.append(re.escape("".join(literal)))
    return "".join(parts)


@lru_cache(maxsize=8192)
def compile_glob(glob: Glob, *, ignore_case: bool = False) -> re.Pattern[str]:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(regex_source(glob, "."), flags)


def _closure(glob: Glob, positions: set[int]) -> frozenset[int]:
    """Add the positions reachable by letting stars match the empty string."""
    stack = list(positions)
    while stack:
        position = stack.pop()
        if position < len(glob) and glob[position] in _STARS and position + 1 not in positions:
            positions.add(position + 1)
            stack.append(position + 1)
    return frozenset(positions)


def _step(glob: Glob, state: frozenset[int], char: str) -> frozenset[int]:
    nxt: set[int] = set()
    for position in state:
        if position == len(glob):
            continue
        token = glob[position]
        if isinstance(token, str):
            if token == char:
                nxt.add(position + 1)
        elif token in _SEGMENT_BOUNDED and char == SEGMENT_BOUNDARY:
            continue
        elif token in _STARS:
            nxt.add(position)
        else:
            nxt.add(position + 1)
    return _closure(glob, nxt)


@lru_cache(maxsize=8192)
def glob_covers(outer: Glob, inner: Glob) -> bool:
    """True iff every string ``inner`` matches is also matched by ``outer``."""
    if outer == inner or outer == (STAR,):
        return True
    literals = {t for t in outer if isinstance(t, str)}
    if any(t in _SEGMENT_BOUNDED for t in (*outer, *inner)):
        literals.add(SEGMENT_BOUNDARY)
    alphabet = [*sorted(literals), _FRESH]
    within_segment = [char for char in alphabet if char != SEGMENT_BOUNDARY]
    start_outer = _closure(outer, {0})
    # States pair one position of ``inner`` with the set of positions ``outer`` can be in
    # after reading the same string: ``outer`` is determinized on the fly.
    seen: set[tuple[int, frozenset[int]]] = set()
    queue: deque[tuple[int, frozenset[int]]] = deque()
    for position in _closure(inner, {0}):
        queue.append((position, start_outer))
    while queue:
        pair = queue.popleft()
        if pair in seen:
            continue
        seen.add(pair)
        position, state = pair
        if position == len(inner):
            if len(outer) not in state:
                return False
            continue
        token = inner[position]
        if isinstance(token, str):
            moves = [(position + 1, _step(outer, state, token))]
        else:
            target = position if token in _STARS else position + 1
            chars = within_segment if token in _SEGMENT_BOUNDED else alphabet
            moves = [(target, _step(outer, state, char)) for char in chars]
        for target, next_state in moves:
            for closed in _closure(inner, {target}):
                queue.append((closed, next_state))
    return True


def sequences_intersect(
    left: Sequence[T],
    right: Sequence[T],
    *,
    repeats: Callable[[T], bool],
    meet: Callable[[T, T], bool],
) -> bool:
    """True iff some string is matched by both token sequences.

    A token either consumes exactly one character or, where ``repeats`` says so, any number;
    ``meet`` says whether two tokens can consume the same character. Exact, in
    O(len(left) * len(right)) states. Shared by globs here and by ARN templates in the catalog.
    """
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        pair = stack.pop()
        if pair in seen:
            continue
        seen.add(pair)
        i, j = pair
        if i == len(left) and j == len(right):
            return True
        left_repeats = i < len(left) and repeats(left[i])
        right_repeats = j < len(right) and repeats(right[j])
        if left_repeats:
            stack.append((i + 1, j))
        if right_repeats:
            stack.append((i, j + 1))
        if i < len(left) and j < len(right) and meet(left[i], right[j]):
            stack.append((i if left_repeats else i + 1, j if right_repeats else j + 1))
    return False


def _is_star(token: Token) -> bool:
    return token in _STARS


def _consumes_together(left: Token, right: Token) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    if isinstance(left, str):
        return not (left == SEGMENT_BOUNDARY and right in _SEGMENT_BOUNDED)
    if isinstance(right, str):
        return not (right == SEGMENT_BOUNDARY and left in _SEGMENT_BOUNDED)
    return True


@lru_cache(maxsize=8192)
def globs_intersect(left: Glob, right: Glob) -> bool:
    """True iff some string is matched by both patterns."""
    return sequences_intersect(left, right, repeats=_is_star, meet=_consumes_together)
