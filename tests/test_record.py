"""docklint.record behaves as ``dataclasses`` does for what docklint uses: fields in order with
defaults and factories, frozen (assignment refused, hashing by value), eq=False (identity),
slots, __post_init__, inheritance, replace, repr, pickling (the worker pool pickles results)."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from docklint.record import FrozenInstanceError, field, fields, record, replace


@record(frozen=True, slots=True)
class Point:
    x: int
    y: int = 0

    def __post_init__(self) -> None:
        if self.x < 0:
            raise ValueError("negative")


@record
class Bag:
    name: str
    items: list = field(default_factory=list)
    note: str | None = field(default=None, repr=False)


@record(frozen=True, eq=False)
class Ident:
    value: int


@record(frozen=True)
class Base:
    a: int
    b: str = "b"


@record(frozen=True)
class Child(Base):
    c: float = 1.0


@dataclasses.dataclass(frozen=True, slots=True)
class DPoint:
    x: int
    y: int = 0


def test_fields_defaults_and_factories():
    assert fields(Point) == ("x", "y") and fields(Child) == ("a", "b", "c")
    assert Point(1) == Point(1, 0) == Point(x=1, y=0)
    one, two = Bag("a"), Bag("b")
    one.items.append(1)
    assert two.items == [] and one.items == [1]         # a list each
    assert Child(1).b == "b" and Child(1, c=2.0).c == 2.0
    with pytest.raises(TypeError):
        Point()                                          # x is required
    with pytest.raises(TypeError):
        Point(1, 2, 3)


def test_frozen_and_hash_like_dataclasses():
    p = Point(1, 2)
    with pytest.raises(FrozenInstanceError):
        p.x = 3                                          # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.y
    assert hash(p) == hash(Point(1, 2)) and len({p, Point(1, 2), Point(2, 1)}) == 2
    assert isinstance(FrozenInstanceError("x"), AttributeError)
    assert (Point(1, 2) == DPoint(1, 2)) is False        # another class: not equal
    with pytest.raises(TypeError):
        hash(Bag("a"))                                   # eq without frozen: unhashable


def test_eq_false_is_identity():
    a, b = Ident(1), Ident(1)
    assert a != b and a == a and len({a, b}) == 2


def test_post_init_runs_on_construction_and_replace():
    with pytest.raises(ValueError):
        Point(-1)
    with pytest.raises(ValueError):
        replace(Point(1), x=-1)
    assert replace(Point(1, 2), y=5) == Point(1, 5)
    with pytest.raises(TypeError):
        replace(Point(1), z=1)


def test_slots_and_repr():
    assert not hasattr(Point(1), "__dict__") and Point.__slots__ == ("x", "y")
    assert repr(Point(1, 2)) == repr(DPoint(1, 2)).replace("DPoint", "Point")
    assert repr(Bag("a", [1], note="hidden")) == "Bag(name='a', items=[1])"
    assert repr(Child(1)) == "Child(a=1, b='b', c=1.0)"


@pytest.mark.parametrize("obj", [Point(1, 2), Bag("a", [1], "n"), Child(3, "x", 2.5)])
def test_pickle_and_copy(obj):
    for clone in (pickle.loads(pickle.dumps(obj)), copy.copy(obj), copy.deepcopy(obj)):
        assert clone == obj and type(clone) is type(obj)
    frozen = pickle.loads(pickle.dumps(Point(4, 5)))
    with pytest.raises(FrozenInstanceError):
        frozen.x = 1                                     # type: ignore[misc]


def test_a_field_without_default_after_one_with_is_refused():
    with pytest.raises(TypeError, match="without a default follows one"):
        @record
        class Bad:
            a: int = 1
            b: int


def _outcome(make, args, kwargs):
    try:
        obj = make(*args, **kwargs)
    except (TypeError, ValueError) as exc:
        return type(exc), str(exc)
    return type(obj).__record_get__(obj), repr(obj), list(getattr(obj, "__dict__", {}).items())


CALLS = [((1,), {}), ((1, 2, 3, 4), {}), ((), {"z": 1}), ((), {"y": 2, "x": 1}), ((1, 2), {}), ((), {"x": 1, "y": 2}), ((1,), {"y": 3}), ((), {}),
         ((1, 2, 3), {}), ((1,), {"x": 2}), ((1,), {"z": 2}), ((-1,), {}), ((), {"y": 1})]


@pytest.mark.parametrize("plain", [False, True])
@pytest.mark.parametrize("args, kwargs", CALLS)
def test_the_generic_init_and_the_compiled_one_agree(monkeypatch, args, kwargs, plain):
    """A record's first instances are bound by a generic __init__, later ones by the compiled
    one: both give the same fields, the same factories and the same errors, word for word."""
    import docklint.record as module

    def declare():
        @record(frozen=True, slots=True)
        class Pair:
            x: int
            y: list = field(default_factory=list)

            def __post_init__(self) -> None:
                if self.x < 0:
                    raise ValueError("negative")

        @record
        class Plain:                                     # no defaults, not frozen
            x: int
            y: int
            z: int = 0
        return Plain if plain else Pair

    generic, compiled = declare(), declare()
    monkeypatch.setattr(module, "COMPILE_AFTER", 0)
    compiled(*(5, 6, 7)[:len(fields(compiled))])        # compiles compiled.__init__
    assert compiled.__init__.__code__.co_filename.startswith("<record")
    monkeypatch.setattr(module, "COMPILE_AFTER", 10**9)
    assert not generic.__init__.__code__.co_filename.startswith("<record")
    assert _outcome(generic, args, kwargs) == _outcome(compiled, args, kwargs)
    if not plain and len(args) < 2 and "y" not in kwargs and not isinstance(_outcome(generic, args, kwargs)[0], type):
        assert generic(*args, **kwargs).y is not generic(*args, **kwargs).y   # a list each


def test_a_class_compiles_its_init_once_it_has_made_enough_instances():
    import docklint.record as module

    @record
    class Counted:
        a: int

    for i in range(module.COMPILE_AFTER):
        assert Counted(i).a == i
    assert "Counted" not in Counted.__init__.__code__.co_filename
    Counted(1)
    assert Counted.__init__.__code__.co_filename == "<record " + Counted.__qualname__ + ">"
    assert Counted(7).a == 7
