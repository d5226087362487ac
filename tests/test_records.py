"""``@record`` behaves as ``@dataclass`` does for everything xreg uses."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker import records
from checker.records import asdict, field, record, replace


@record
class Point:
    x: int
    y: int = 0
    note: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Reference:
    x: int
    y: int = 0
    note: dict[str, int] = dataclasses.field(default_factory=dict, compare=False, hash=False)


@record(order=True)
class Ordered:
    first: str
    second: int


@dataclass(frozen=True, order=True)
class OrderedReference:
    first: str
    second: int


@record(frozen=False)
class Counter:
    name: str
    seen: list[str] = field(default_factory=list)
    cache: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    label: str | None = field(default=None, init=False)


@record(frozen=False)
class Derived:
    base: int

    def __post_init__(self) -> None:
        self.double = self.base * 2


@record
class Custom:
    x: int

    def __repr__(self) -> str:
        return "custom"


@record
class Outer:
    inner: Point
    points: tuple[Point, ...]
    by_name: dict[str, Point]


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


@given(st.lists(st.tuples(st.text(max_size=3), st.integers(-3, 3)), max_size=8))
def test_order_matches_an_ordered_dataclass(pairs: list[tuple[str, int]]) -> None:
    ours = sorted(Ordered(*pair) for pair in pairs)
    theirs = sorted(OrderedReference(*pair) for pair in pairs)
    assert [(o.first, o.second) for o in ours] == [(t.first, t.second) for t in theirs]
    if len(pairs) >= 2:
        a, b = Ordered(*pairs[0]), Ordered(*pairs[1])
        ra, rb = OrderedReference(*pairs[0]), OrderedReference(*pairs[1])
        assert (a < b, a <= b, a > b, a >= b) == (ra < rb, ra <= rb, ra > rb, ra >= rb)


def test_frozen_records_refuse_assignment_and_deletion() -> None:
    point = Point(1)
    with pytest.raises(records.FrozenRecordError):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.x  # type: ignore[misc]
    assert point.x == 1


def test_defaults_are_fresh_per_instance_and_keywords_work() -> None:
    first, second = Point(1), Point(x=1, y=2)
    assert first.note is not second.note
    assert (second.x, second.y) == (1, 2)
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, {}, 4)  # type: ignore[call-arg]


def test_replace_asdict_and_other_types() -> None:
    point = Point(1)
    assert replace(point, y=5) == Point(1, 5)
    assert asdict(point) == {"x": 1, "y": 0, "note": {}}
    assert point != Reference(1)
    assert len({Point(1), Point(1, note={"a": 1}), Point(2)}) == 2
    nested = Outer(Point(1), (Point(2),), {"a": Point(3)})
    assert asdict(nested) == {
        "inner": {"x": 1, "y": 0, "note": {}},
        "points": ({"x": 2, "y": 0, "note": {}},),
        "by_name": {"a": {"x": 3, "y": 0, "note": {}}},
    }
    with pytest.raises(TypeError):
        asdict({"x": 1})


def test_mutable_records_are_assignable_unhashable_and_skip_init_false_fields() -> None:
    counter = Counter("c")
    counter.seen.append("a")
    counter.label = "set later"
    assert counter.cache == {} and Counter("c").label is None
    assert counter != Counter("c", ["a"])  # label differs
    counter.label = None
    assert counter == Counter("c", ["a"])
    assert "cache" not in repr(counter)
    with pytest.raises(TypeError):
        hash(counter)
    with pytest.raises(TypeError):
        Counter("c", [], {})  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="cache"):
        replace(counter, cache={})


def test_methods_the_class_defines_are_kept() -> None:
    assert repr(Custom(1)) == "custom"
    assert Custom(1) == Custom(1)


def test_post_init_runs_after_the_fields_are_set() -> None:
    assert Derived(4).double == 8


def test_records_survive_pickling() -> None:
    point = Point(1, 2, {"a": 1})
    assert pickle.loads(pickle.dumps(point)) == point


def test_a_required_field_after_a_default_is_refused_at_definition() -> None:
    with pytest.raises(TypeError, match="has no default"):

        @record
        class Broken:
            x: int = 0
            y: int
