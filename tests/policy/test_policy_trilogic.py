"""The fast three-valued helpers agree with ``Tri``'s own operators on every input."""

from __future__ import annotations

import itertools

import pytest

from checker.policy import Tri
from checker.policy.trilogic import any_of, both, either

PAIRS = list(itertools.product(Tri, repeat=2))


@pytest.mark.parametrize(("left", "right"), PAIRS)
def test_both_and_either_match_the_operators(left: Tri, right: Tri) -> None:
    assert both(left, right) is (left & right)
    assert either(left, right) is (left | right)


@pytest.mark.parametrize(
    "values", [list(v) for n in range(4) for v in itertools.product(Tri, repeat=n)]
)
def test_any_of_is_a_chain_of_or(values: list[Tri]) -> None:
    expected = Tri.FALSE
    for value in values:
        expected = expected | value
    assert any_of(values) is expected
