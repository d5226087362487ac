"""Fast three-valued AND / OR / ANY for the hot paths of a decision.

``Tri``'s own operators are fine everywhere else; these avoid their type checks and run
several times per decision.
"""

from __future__ import annotations

from collections.abc import Iterable

from checker.policy.decision import Tri


def both(left: Tri, right: Tri) -> Tri:
    if left is Tri.TRUE:
        return right
    if left is Tri.FALSE or right is Tri.FALSE:
        return Tri.FALSE
    return Tri.UNKNOWN


def either(left: Tri, right: Tri) -> Tri:
    if left is Tri.FALSE:
        return right
    if left is Tri.TRUE or right is Tri.TRUE:
        return Tri.TRUE
    return Tri.UNKNOWN


def any_of(values: Iterable[Tri]) -> Tri:
    result = Tri.FALSE
    for value in values:
        if value is Tri.TRUE:
            return Tri.TRUE
        if value is Tri.UNKNOWN:
            result = Tri.UNKNOWN
    return result
