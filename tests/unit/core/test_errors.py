"""The error tree: drawn completely in lia_core.errors, and the old names still resolve."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import lia_adapters
import lia_core
import lia_core.errors
import lia_entrypoints
from lia_core.errors import DatabaseUnavailable, DirectoryUnavailable, LiaError, PortUnavailable


def _subclasses(root: type[LiaError]) -> set[type[LiaError]]:
    found: set[type[LiaError]] = set()
    for sub in root.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_lia_error_is_drawn_in_the_tree() -> None:
    """Each LiaError subclass defined anywhere in the three packages is named in the docstring."""
    for package in (lia_core, lia_adapters, lia_entrypoints):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if not any(part in module.name for part in (".migrations.", "__main__")):
                importlib.import_module(module.name)
    drawing = inspect.getdoc(lia_core.errors) or ""
    ours = {c for c in _subclasses(LiaError) if c.__module__.startswith("lia_")}
    missing = sorted(c.__name__ for c in ours if f" {c.__name__}" not in drawing)
    assert missing == []


def test_unavailable_ports_share_one_base_with_retry_after() -> None:
    """The CRM and the database being down are both PortUnavailable, carrying retry_after."""
    crm = DirectoryUnavailable("ixc: timed out")
    database = DatabaseUnavailable("connection refused", retry_after=5.0)
    assert isinstance(crm, PortUnavailable)
    assert isinstance(database, PortUnavailable)
    assert (crm.retry_after, database.retry_after) == (None, 5.0)
    assert str(database) == "connection refused"


@pytest.mark.parametrize(
    ("module", "new"),
    [("lia_core.domain.gate", "decide_gate"), ("lia_core.handoff", "decide_handoff")],
)
def test_the_old_decide_name_warns_and_is_the_new_function(module: str, new: str) -> None:
    """`decide` still imports from its documented module, warns, and is the renamed function.

    The warning names both functions, and any other missing name still fails naming the module
    and the name. (Which line the warning points at is not checked: under mutmut a trampoline
    sits between the caller and `__getattr__`, so the frame `stacklevel=2` names differs.)
    """
    loaded = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match=new) as caught:
        old = loaded.decide
    assert old is getattr(loaded, new)
    [warning] = caught
    assert str(warning.message) == f"{module}.decide is deprecated; use {new}"
    assert warning.filename != loaded.__file__  # blamed on a caller, not on the module itself
    with pytest.raises(AttributeError) as error:
        _ = loaded.no_such_name
    assert str(error.value) == f"module {module!r} has no attribute 'no_such_name'"
