"""Record classes: ``@record`` declares a class by its annotated fields, as ``@dataclass`` does,
at a fraction of the cost of defining it.

``dataclasses`` writes the source of ``__init__``, ``__repr__``, ``__eq__`` (and, for frozen
classes, ``__setattr__``, ``__delattr__`` and ``__hash__``) for every class and compiles each
one when the class is defined. docklint defines some seventy such classes on the way to linting
one file, and compiling their methods was about a third of a cold start. A record instead:

- binds its first instances' arguments with one generic ``__init__`` and compiles the class's
  own ``__init__`` (one small function) only once it has made enough instances to pay for the
  compile: a class a run uses a few times costs no compile at all;
- compares, hashes and prints through ``operator.attrgetter`` over its fields (C code, nothing
  to compile).

What it supports is what docklint uses, with the same meaning as in ``dataclasses``: fields in
annotation order (after those of a record base class), defaults and ``field(default_factory=
...)``, ``frozen=True`` (assigning raises :class:`FrozenInstanceError`; ``__hash__`` from the
fields), ``eq=False`` (identity equality and hash), ``slots=True``, ``__post_init__``, and the
module functions :func:`replace` and :func:`fields`. ``tests/test_record.py`` checks the
behaviour against ``dataclasses``; ``tests/test_startup.py`` keeps ``dataclasses`` itself off
the start-up path.
"""

from __future__ import annotations

import operator
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = ["record", "field", "replace", "fields", "FrozenInstanceError"]


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record."""


_MISSING = object()


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


class _Hidden:
    """A field's default, for a field left out of ``repr``."""

    __slots__ = ("default",)

    def __init__(self, default: Any) -> None:
        self.default = default


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] | None = None,
          repr: bool = True) -> Any:  # noqa: A002 - the dataclasses spelling
    """A field whose default is made by ``default_factory()`` for each instance, or one with
    a ``default`` that ``repr`` leaves out (``repr=False``)."""
    if default_factory is not None:
        if default is not _MISSING or not repr:
            raise TypeError("field(): default_factory goes alone")
        return _Factory(default_factory)
    if default is _MISSING or repr:
        raise TypeError("field(): give default_factory, or a default with repr=False")
    return _Hidden(default)


def fields(obj_or_cls: Any) -> tuple[str, ...]:
    """The field names of a record (class or instance), in order."""
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    return cls.__record_fields__


def replace(obj: Any, /, **changes: Any) -> Any:
    """A new record like ``obj`` with ``changes`` (``__post_init__`` runs again)."""
    cls = type(obj)
    names = cls.__record_fields__
    unknown = set(changes) - set(names)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {sorted(unknown)[0]!r}")
    return cls(**{n: changes[n] if n in changes else getattr(obj, n) for n in names})


def record(cls: type | None = None, /, *, frozen: bool = False, eq: bool = True,
           slots: bool = False) -> Any:
    """Make ``cls`` a record (see the module's docstring); usable bare or with options."""
    def wrap(c: type) -> type:
        return _make(c, frozen=frozen, eq=eq, slots=slots)
    return wrap if cls is None else wrap(cls)


def _make(cls: type, *, frozen: bool, eq: bool, slots: bool) -> type:
    names: list[str] = []
    defaults: dict[str, Any] = {}
    for base in reversed(cls.__mro__[1:]):
        for name in base.__dict__.get("__record_fields__", ()):
            if name not in names:
                names.append(name)
            if name in base.__record_defaults__:
                defaults[name] = base.__record_defaults__[name]
    for name, kind in cls.__dict__.get("__annotations__", {}).items():
        if isinstance(kind, str) and kind.replace("typing.", "").startswith("ClassVar"):
            continue
        if name not in names:
            names.append(name)
        if name in cls.__dict__:
            defaults[name] = cls.__dict__[name]
        else:
            defaults.pop(name, None)
    hidden = {n for n, v in defaults.items() if isinstance(v, _Hidden)}
    for base in cls.__mro__[1:]:
        hidden |= set(base.__dict__.get("__record_hidden__", ()))
    defaults = {n: v.default if isinstance(v, _Hidden) else v for n, v in defaults.items()}
    seen_default = False
    for name in names:
        if name in defaults:
            seen_default = True
        elif seen_default:
            raise TypeError(f"{cls.__name__}: field {name!r} without a default follows one "
                            "with a default")
    if slots:
        cls = _with_slots(cls, names, defaults)
    else:
        for name, value in defaults.items():
            if name in cls.__dict__:
                if isinstance(value, _Factory):
                    delattr(cls, name)      # the instance always gets its own value
                else:
                    setattr(cls, name, value)   # the plain default (unwrapped)
    own = cls.__dict__               # what the class body defines itself is kept
    cls.__record_fields__ = tuple(names)
    cls.__record_defaults__ = defaults
    cls.__record_frozen__ = frozen
    cls.__record_hidden__ = frozenset(hidden)
    get = operator.attrgetter(*names) if names else (lambda self: ())
    if len(names) == 1:                 # attrgetter of one name gives the value, not a tuple
        one = get
        get = lambda self: (one(self),)  # noqa: E731
    cls.__record_get__ = staticmethod(get)
    methods: dict[str, Any] = {"__init__": _tiered_init(cls), "__repr__": _repr}
    if eq:
        methods["__eq__"] = _eq
        if "__hash__" not in own or own["__hash__"] is None:
            methods["__hash__"] = _hash if frozen else None
    if frozen:
        methods["__setattr__"] = _frozen_setattr
        methods["__delattr__"] = _frozen_delattr
        if slots:
            methods["__getstate__"] = _getstate
            methods["__setstate__"] = _setstate
    for name, value in methods.items():
        if name not in own or (name == "__hash__" and own.get("__hash__") is None):
            setattr(cls, name, value)
    return cls


def _with_slots(cls: type, names: list[str], defaults: dict[str, Any]) -> type:
    """``cls`` rebuilt with ``__slots__`` for its own fields (class attributes holding
    defaults would clash with the slots; the defaults live in ``__record_defaults__``)."""
    inherited = {n for base in cls.__mro__[1:] for n in getattr(base, "__slots__", ())}
    body = dict(cls.__dict__)
    own = tuple(n for n in names if n not in inherited)
    for name in own:
        body.pop(name, None)
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    body["__slots__"] = own
    new = type(cls)(cls.__name__, cls.__bases__, body)
    new.__qualname__ = cls.__qualname__
    return new


# --- the methods -------------------------------------------------------------------------------

# A record's first instances are made by a generic ``__init__`` (nothing to compile, about a
# microsecond slower per instance); compiling the class's own ``__init__`` costs about as much as
# a hundred such instances, so it is compiled when the class has made that many.
COMPILE_AFTER = 100


def _tiered_init(cls: type) -> Callable[..., None]:
    made = 0

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        nonlocal made
        made += 1
        if made > COMPILE_AFTER:
            init = _compile_init(cls)
            cls.__init__ = init
            init(self, *args, **kwargs)
        else:
            _bind(cls, self, args, kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _bind(cls: type, self: Any, args: tuple, kwargs: dict) -> None:
    """What the compiled ``__init__`` does, interpreted: the same values and the same errors."""
    plan = cls.__dict__.get("__record_plan__") or _plan(cls)
    names, known, defaults, whole_dict = plan
    if args:
        if len(args) > len(names):
            _too_many(cls, len(args))
        values = dict(zip(names, args))
        for key in kwargs:
            if key in values:
                raise TypeError(f"{cls.__qualname__}.__init__() got multiple values for "
                                f"argument {key!r}")
        values.update(kwargs)
    else:
        values = kwargs
    if not values.keys() <= known:
        key = next(k for k in values if k not in known)
        raise TypeError(f"{cls.__qualname__}.__init__() got an unexpected keyword argument "
                        f"{key!r}")
    if len(values) < len(names):
        missing = [n for n in names if n not in values and n not in defaults]
        if missing:
            _missing(cls, missing)
        full = {}
        for name in names:
            if name in values:
                full[name] = values[name]
            else:
                value = defaults[name]
                full[name] = value.make() if type(value) is _Factory else value
    else:
        full = {name: values[name] for name in names}
    if whole_dict:
        self.__dict__.update(full)      # what assigning each field in order leaves
    else:
        assign = object.__setattr__ if cls.__record_frozen__ else setattr
        for name, value in full.items():
            assign(self, name, value)
    if hasattr(cls, "__post_init__"):
        self.__post_init__()


def _plan(cls: type) -> tuple:
    """What :func:`_bind` needs of a class, worked out once: its fields, as a set too, its
    defaults, and whether its instances' fields can be set by updating their ``__dict__``
    (they have one, no field is a data descriptor, and assigning is plain)."""
    names = cls.__record_fields__
    plain_assign = cls.__record_frozen__ or type(cls).__setattr__ is type.__setattr__ and \
        cls.__setattr__ is object.__setattr__
    descriptors = any(hasattr(type(c.__dict__.get(n)), "__set__") for c in cls.__mro__
                      for n in names if n in c.__dict__)
    whole_dict = bool(cls.__dictoffset__) and plain_assign and not descriptors
    plan = (names, frozenset(names), cls.__record_defaults__, whole_dict)
    cls.__record_plan__ = plan
    return plan


def _too_many(cls: type, given: int) -> None:
    most = len(cls.__record_fields__) + 1
    least = most - len(cls.__record_defaults__)
    takes = f"from {least} to {most}" if least < most else str(most)
    raise TypeError(f"{cls.__qualname__}.__init__() takes {takes} positional "
                    f"argument{'s' if most > 1 else ''} but {given + 1} were given")


def _missing(cls: type, missing: list[str]) -> None:
    quoted = [repr(n) for n in missing]       # Python's wording: 'a', 'b', and 'c'
    listed = (quoted[0] if len(quoted) == 1 else " and ".join(quoted) if len(quoted) == 2
              else ", ".join(quoted[:-1]) + ", and " + quoted[-1])
    raise TypeError(f"{cls.__qualname__}.__init__() missing {len(missing)} required "
                    f"positional argument{'s' if len(missing) > 1 else ''}: {listed}")


def _compile_init(cls: type) -> Callable[..., None]:
    names = cls.__record_fields__
    defaults = cls.__record_defaults__
    frozen = cls.__record_frozen__
    scope: dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    params, lines = [], []
    for name in names:
        if name in defaults:
            value = defaults[name]
            if isinstance(value, _Factory):
                scope[f"_f_{name}"] = value.make
                params.append(f"{name}=_MISSING")
                lines.append(f"  if {name} is _MISSING: {name} = _f_{name}()")
            else:
                scope[f"_d_{name}"] = value
                params.append(f"{name}=_d_{name}")
        else:
            params.append(name)
        lines.append(f"  _set(self, {name!r}, {name})" if frozen else f"  self.{name} = {name}")
    if hasattr(cls, "__post_init__"):
        lines.append("  self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(lines) or "  pass")
    exec(compile(source, f"<record {cls.__qualname__}>", "exec"), scope)
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _repr(self: Any) -> str:
    cls = type(self)
    inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in cls.__record_fields__
                      if n not in cls.__record_hidden__)
    return f"{cls.__qualname__}({inner})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    get = self.__record_get__
    return get(self) == get(other)


def _hash(self: Any) -> int:
    return hash(self.__record_get__(self))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> tuple:
    return tuple(getattr(self, n) for n in type(self).__record_fields__)


def _setstate(self: Any, state: tuple) -> None:
    for name, value in zip(type(self).__record_fields__, state):
        object.__setattr__(self, name, value)
