"""The model's value classes (slactl.core.records) behave as frozen, slotted dataclasses do."""
from __future__ import annotations

import pickle
from datetime import date

import pytest

from slactl.core.model import CALENDAR_24X7, Agreement, Calendar, Customer, Manager, Pause
from slactl.core.records import FrozenInstanceError, replace


def _agreement(**more):
    return Agreement("acme-2026", Customer("acme"), date(2026, 1, 1), date(2026, 12, 31), **more)


def test_fields_defaults_and_factories():
    a = _agreement()
    assert (a.name, a.status, a.services, a.manager) == ("acme-2026", "auto", None, Manager())
    assert a.manager is not _agreement().manager  # a factory default is made for each record
    assert _agreement(status="active").status == "active"
    with pytest.raises(TypeError):
        Agreement("x", Customer("c"))  # start and end are required


def test_equal_by_value_hashable_and_named_in_repr():
    assert _agreement() == _agreement() and hash(_agreement()) == hash(_agreement())
    assert _agreement() != _agreement(status="active")
    assert Pause() != Manager()  # another class is never equal, whatever its fields
    assert {CALENDAR_24X7: 1}[Calendar("24x7", "UTC", (((0, 86400),),) * 7)] == 1
    assert repr(Pause(first_response=("x",))) == "Pause(first_response=('x',), resolution=None)"


def test_frozen_and_slotted():
    a = _agreement()
    with pytest.raises(FrozenInstanceError):
        a.name = "other"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del a.status  # type: ignore[misc]
    with pytest.raises(AttributeError):
        a.extra = 1  # type: ignore[attr-defined]
    assert not hasattr(a, "__dict__")


def test_pickled_by_value_and_replaced():
    a = _agreement(services=("email",))
    assert pickle.loads(pickle.dumps(a)) == a
    b = replace(a, status="suspended")
    assert (b.status, b.services, a.status) == ("suspended", ("email",), "auto")


def test_a_class_keeps_its_own_methods_and_cannot_inherit_fields():
    from slactl.core.records import record

    @record
    class Shown:
        x: int

        def __repr__(self) -> str:
            return f"<{self.x}>"

    assert repr(Shown(1)) == "<1>" and Shown(1) == Shown(1)
    with pytest.raises(TypeError, match="cannot inherit"):
        @record
        class More(Shown):
            y: int
