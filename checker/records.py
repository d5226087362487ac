"""``@record``: a frozen dataclass that is cheaper to define.

Why: on Python 3.11 ``@dataclass(frozen=True)`` compiles six methods from source for every
class when its module is imported, and with over a hundred of them class definitions were
the largest single cost of an offline ``xreg check``. ``@record`` keeps the dataclass
machinery (fields, defaults, ``replace``, ``asdict``, frozen instances) but shares one
implementation of ``__eq__``, ``__hash__`` and ``__repr__`` among all records. Equality and
hashing follow the fields' ``compare`` and ``hash`` flags exactly as a dataclass's would.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

_T = TypeVar("_T")
_NAMES: dict[tuple[type, str], tuple[str, ...]] = {}


def _names(
    cls: type, purpose: str, keep: Callable[[dataclasses.Field[Any]], bool]
) -> tuple[str, ...]:
    names = _NAMES.get((cls, purpose))
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls) if keep(f))
        _NAMES[(cls, purpose)] = names
    return names


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = _names(self.__class__, "eq", lambda f: f.compare)
    return all(getattr(self, n) == getattr(other, n) for n in names)


def _hash(self: Any) -> int:
    names = _names(self.__class__, "hash", lambda f: f.compare if f.hash is None else f.hash)
    return hash(tuple(getattr(self, n) for n in names))


def _repr(self: Any) -> str:
    names = _names(self.__class__, "repr", lambda f: f.repr)
    inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
    return f"{self.__class__.__qualname__}({inner})"


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(cls: type[_T]) -> type[_T]:
    """Make ``cls`` a frozen dataclass with shared equality, hashing and repr (methods the
    class defines itself are kept)."""
    if not cls.__doc__:
        cls.__doc__ = cls.__name__  # spares dataclass an inspect.signature call
    for name, method in (("__eq__", _eq), ("__hash__", _hash), ("__repr__", _repr)):
        if name not in cls.__dict__:
            setattr(cls, name, method)
    return dataclasses.dataclass(frozen=True, eq=False, repr=False)(cls)
