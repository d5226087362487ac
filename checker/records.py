"""``@record``: a small dataclass that is cheap to define.

Why not ``dataclasses``: on Python 3.11 ``@dataclass`` spends about half a millisecond per
class (it inspects every annotation and compiles several methods from source), and with
over a hundred classes that was the largest single cost of an offline ``xreg check``. A
record is defined in microseconds: equality, hashing, ordering, repr and frozen-ness are
shared functions driven by a per-class tuple of field names, and ``__init__`` is compiled
the first time the class is instantiated, so classes a run never builds cost nothing.

What it supports is what xreg uses: frozen (default) or mutable classes, defaults and
``field(default=..., default_factory=..., init=..., repr=..., compare=..., hash=...)``,
``__post_init__``, ``order=True``, ``replace`` and ``asdict``. Annotations must be strings
(every module uses ``from __future__ import annotations``); records do not inherit fields.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter, ge, gt, le, lt
from typing import Any, Final, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


class FrozenRecordError(AttributeError):
    """Raised on an assignment to a field of a frozen record."""


class Field:
    """One field's specification, as ``field()`` gives it (and as plain defaults imply)."""

    __slots__ = ("compare", "default", "default_factory", "hash", "init", "name", "repr")

    def __init__(
        self,
        default: Any,
        default_factory: Callable[[], Any] | _Missing,
        init: bool,
        repr: bool,
        compare: bool,
        hash: bool | None,
    ) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare
        self.hash = hash

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING or self.default_factory is not MISSING


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | _Missing = MISSING,
    init: bool = True,
    repr: bool = True,
    compare: bool = True,
    hash: bool | None = None,
) -> Any:
    """A field with options, used as a class attribute's value (as ``dataclasses.field``)."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("a field cannot have both a default and a default_factory")
    return Field(default, default_factory, init, repr, compare, hash)


def _keys(names: tuple[str, ...]) -> Callable[[Any], Any]:
    """A function from a record to the tuple of the named fields' values."""
    if not names:
        return lambda _record: ()
    if len(names) == 1:
        only = names[0]
        return lambda record: (getattr(record, only),)
    return attrgetter(*names)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    key = self.__record_compare__
    return bool(key(self) == key(other))


def _hash(self: Any) -> int:
    return hash(self.__record_hash__(self))


def _ordering(compare: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """``__lt__`` and its kin: ``compare`` (``operator.lt`` and so on) on the compared fields."""

    def method(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        key = self.__record_compare__
        return bool(compare(key(self), key(other)))

    return method


_ORDERING: Final = {
    "__lt__": _ordering(lt),
    "__le__": _ordering(le),
    "__gt__": _ordering(gt),
    "__ge__": _ordering(ge),
}


def _repr(self: Any) -> str:
    shown = ", ".join(
        f"{f.name}={getattr(self, f.name)!r}" for f in self.__record_fields__ if f.repr
    )
    return f"{self.__class__.__qualname__}({shown})"


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r} of a frozen record")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r} of a frozen record")


def _init_source(cls: type, fields: tuple[Field, ...]) -> tuple[str, dict[str, Any]]:
    """The source of ``cls.__init__`` and the names it refers to."""
    namespace: dict[str, Any] = {"_MISSING": MISSING}
    parameters = ["self"]
    body = ["    _values = self.__dict__"]
    for f in fields:
        if f.default_factory is not MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            if f.init:
                parameters.append(f"{f.name}=_MISSING")
                value = f"_factory_{f.name}() if {f.name} is _MISSING else {f.name}"
            else:
                value = f"_factory_{f.name}()"
        elif not f.init:
            continue  # the class attribute is its value (and without a default, it is unset)
        elif f.default is not MISSING:
            namespace[f"_default_{f.name}"] = f.default
            parameters.append(f"{f.name}=_default_{f.name}")
            value = f.name
        else:
            parameters.append(f.name)
            value = f.name
        body.append(f"    _values[{f.name!r}] = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__({', '.join(parameters)}):\n" + "\n".join(body) + "\n"
    return source, namespace


def _install_init(cls: type) -> Callable[..., None]:
    source, namespace = _init_source(cls, cls.__record_fields__)  # type: ignore[attr-defined]
    exec(compile(source, f"<record {cls.__qualname__}>", "exec"), namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]
    return init


def _lazy_init(cls: type) -> Callable[..., None]:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        _install_init(cls)(self, *args, **kwargs)

    return __init__


def _collect_fields(cls: type) -> tuple[Field, ...]:
    fields: list[Field] = []
    seen_default = False
    # Read the class's own annotations without evaluating them (inspect is not imported).
    own_annotations: dict[str, Any] = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
    for name, annotation in own_annotations.items():
        if not isinstance(annotation, str):
            raise TypeError(f"{cls.__qualname__}.{name}: records need string annotations")
        if annotation.startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, MISSING)
        if isinstance(value, Field):
            spec = value
            if spec.default is MISSING:
                if name in cls.__dict__:
                    delattr(cls, name)
            else:
                setattr(cls, name, spec.default)
        else:
            spec = Field(value, MISSING, True, True, True, None)
        spec.name = name
        if spec.init:
            if spec.has_default:
                seen_default = True
            elif seen_default:
                raise TypeError(
                    f"{cls.__qualname__}: field {name!r} has no default but follows one that has"
                )
        fields.append(spec)
    return tuple(fields)


def _set_if_absent(cls: type, name: str, value: Any) -> None:
    if name not in cls.__dict__:
        setattr(cls, name, value)


def _make_record(cls: type[_T], frozen: bool, order: bool) -> type[_T]:
    fields = _collect_fields(cls)
    compared = tuple(f.name for f in fields if f.compare)
    hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
    cls.__record_fields__ = fields  # type: ignore[attr-defined]
    cls.__record_compare__ = staticmethod(_keys(compared))  # type: ignore[attr-defined]
    cls.__record_hash__ = staticmethod(_keys(hashed))  # type: ignore[attr-defined]
    _set_if_absent(cls, "__init__", _lazy_init(cls))
    _set_if_absent(cls, "__repr__", _repr)
    _set_if_absent(cls, "__eq__", _eq)
    if "__hash__" not in cls.__dict__ or cls.__dict__["__hash__"] is None:
        # A class body that defines __eq__ gets __hash__ = None; as with dataclasses, a
        # frozen record is hashable by its fields and a mutable one is not hashable.
        cls.__hash__ = _hash if frozen else None  # type: ignore[method-assign, assignment]
    if order:
        for name, method in _ORDERING.items():
            _set_if_absent(cls, name, method)
    if frozen:
        cls.__setattr__ = _frozen_setattr  # type: ignore[method-assign]
        cls.__delattr__ = _frozen_delattr  # type: ignore[method-assign]
    return cls


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(*, frozen: bool = True, order: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(
    cls: type[_T] | None = None, /, *, frozen: bool = True, order: bool = False
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """Make ``cls`` a record: frozen unless ``frozen=False``, ordered when ``order=True``.

    Methods the class defines itself (``__repr__``, ``__eq__``, ``__hash__``…) are kept.
    """
    if cls is None:
        return lambda decorated: _make_record(decorated, frozen, order)
    return _make_record(cls, frozen, order)


def is_record(value: Any) -> bool:
    return hasattr(type(value), "__record_fields__")


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the record ``obj`` with ``changes`` applied (as ``dataclasses.replace``)."""
    for f in type(obj).__record_fields__:  # type: ignore[attr-defined]
        if not f.init:
            if f.name in changes:
                raise ValueError(f"field {f.name!r} is not set by __init__ and cannot be replaced")
        elif f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return type(obj)(**changes)


def asdict(obj: Any) -> dict[str, Any]:
    """The record ``obj`` as a dict, records inside it converted too (as ``dataclasses.asdict``,
    except that values other than records, lists, tuples and dicts are not copied)."""
    if not is_record(obj):
        raise TypeError("asdict() takes a record")
    converted: dict[str, Any] = _plain(obj)
    return converted


def _plain(value: Any) -> Any:
    if is_record(value):
        return {f.name: _plain(getattr(value, f.name)) for f in type(value).__record_fields__}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, tuple):
        items = [_plain(item) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, dict):
        return type(value)((_plain(k), _plain(v)) for k, v in value.items())
    return value
