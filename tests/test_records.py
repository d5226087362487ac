"""``@record`` behaves as ``@dataclass(frozen=True)`` does."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest

from checker.records import record


@record
class Point:
    x: int
    y: int = 0
    note: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Reference:
    x: int
    y: int = 0
    note: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


@record
class Custom:
    x: int

    def __repr__(self) -> str:
        return "custom"


@pytest.mark.parametrize(
    ("left", "right"),
    [((1, 2, {}), (1, 2, {"a": 1})), ((1, 2, {}), (1, 3, {})), ((1, 0, {}), (2, 0, {}))],
)
def test_equality_hash_and_repr_match_a_frozen_dataclass(
    left: tuple[int, int, dict[str, int]], right: tuple[int, int, dict[str, int]]
) -> None:
    ours = (Point(*left), Point(*right))
    theirs = (Reference(*left), Reference(*right))
    assert (ours[0] == ours[1]) == (theirs[0] == theirs[1])
    if ours[0] == ours[1]:
        assert hash(ours[0]) == hash(ours[1])
    assert repr(ours[0]).replace("Point", "Reference") == repr(theirs[0])


def test_frozen_replace_asdict_and_other_types() -> None:
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    assert dataclasses.replace(point, y=5) == Point(1, 5)
    assert dataclasses.asdict(point) == {"x": 1, "y": 0, "note": {}}
    assert point != Reference(1)
    assert len({Point(1), Point(1, note={"a": 1}), Point(2)}) == 2


def test_methods_the_class_defines_are_kept() -> None:
    assert repr(Custom(1)) == "custom"
    assert Custom(1) == Custom(1)
