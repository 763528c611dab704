"""Immutable value classes, declared like ``@dataclass(frozen=True, slots=True)``.

The model's classes are built at every command's start. A frozen, slotted
dataclass generates its methods from source with ``exec`` (six per class): for
the model's fourteen classes ~10 ms of each start-up, a tenth of a whole
``validate``. ``@record`` generates only ``__init__`` (one ``exec`` per class)
and shares the rest: equality and hash over the fields in order, a repr that
names them (a class's own ``__eq__``, ``__hash__`` or ``__repr__`` is kept), no
assignment after ``__init__``, pickling by value (the parallel score sends the
workspace to its workers). ``replace`` does what ``dataclasses.replace`` does.
Not supported, because the model needs none of it: inheriting fields from another
record, ``dataclasses.fields``/``asdict``, pattern matching by position.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar, dataclass_transform

T = TypeVar("T")
_NONE: Any = object()


class FrozenInstanceError(AttributeError):
    """An attempt to change a record after it was made."""


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], T]) -> T:
    """A default made anew for each record (``manager: Manager = field(default_factory=Manager)``)."""
    return _Factory(default_factory)  # type: ignore[return-value]


def _setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field '{name}' of {type(self).__name__}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field '{name}' of {type(self).__name__}")


def _values(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, name) for name in self.__record_fields__)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_fields__)
    return f"{type(self).__qualname__}({inner})"


def _reduce(self: Any) -> tuple[Any, ...]:
    return type(self), _values(self)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[T]) -> type[T]:
    """The class, frozen and slotted, with ``__init__`` taking its annotated fields in order."""
    if any(hasattr(base, "__record_fields__") for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__name__}: a record cannot inherit another record's fields")
    annotations = cls.__dict__.get("__annotations__")
    if annotations is None:  # Python 3.14 evaluates annotations lazily
        import inspect

        annotations = inspect.get_annotations(cls)
    names = tuple(annotations)
    defaults = {n: cls.__dict__[n] for n in names if n in cls.__dict__}
    namespace = {k: v for k, v in cls.__dict__.items() if k not in names and k not in ("__dict__", "__weakref__")}
    params, body, env = [], [], {"_set": object.__setattr__, "_NONE": _NONE}
    for n in names:
        default = defaults.get(n, _NONE)
        if isinstance(default, _Factory):
            env[f"_f_{n}"] = default.make
            params.append(f"{n}=_NONE")
            body.append(f"    _set(self, {n!r}, _f_{n}() if {n} is _NONE else {n})")
        else:
            if default is not _NONE:
                env[f"_d_{n}"] = default
            params.append(n if default is _NONE else f"{n}=_d_{n}")
            body.append(f"    _set(self, {n!r}, {n})")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "    pass")
    exec(source, env)  # noqa: S102 - generated from the class's own field names
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    shared = {"__eq__": _eq, "__hash__": _hash, "__repr__": _repr}
    namespace.update({k: v for k, v in shared.items() if k not in cls.__dict__ or cls.__dict__[k] is None})
    namespace.update(__slots__=names, __record_fields__=names, __init__=init, __setattr__=_setattr,
                     __delattr__=_delattr, __reduce__=_reduce)
    metaclass: Any = type(cls)
    made = metaclass(cls.__name__, cls.__bases__, namespace)
    return made  # type: ignore[no-any-return]


def replace(obj: T, **changes: Any) -> T:
    """A copy of the record ``obj`` with ``changes`` to some of its fields."""
    values = {n: getattr(obj, n) for n in obj.__record_fields__}  # type: ignore[attr-defined]
    values.update(changes)
    return type(obj)(**values)
