"""Cheap questions about the ``holidays`` library's data.

``import holidays.countries`` imports all ~250 country modules (~100 ms), which
would make ``validate`` slower than linting. Validation only needs to know
whether a country code exists and what its subdivisions are, so it reads the
registry and loads just the one country module it needs.
"""
from __future__ import annotations

import functools
import importlib.util
import os


@functools.lru_cache(maxsize=None)
def country_modules() -> dict[str, tuple[str, str]]:
    """ISO code -> (module name, class name) for every supported country."""
    from holidays.registry import COUNTRIES

    return {info[1]: (module, info[0]) for module, info in COUNTRIES.items()}


@functools.lru_cache(maxsize=None)
def subdivisions(code: str) -> tuple[str, ...]:
    """The subdivision codes of country ``code`` (which must be in ``country_modules``)."""
    module, cls = country_modules()[code]
    try:
        import holidays

        path = os.path.join(os.path.dirname(holidays.__file__), "countries", f"{module}.py")
        spec = importlib.util.spec_from_file_location(f"_slactl_holidays_{module}", path)
        mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
        return tuple(getattr(mod, cls).subdivisions)
    except Exception:  # noqa: BLE001 - layout changed upstream: take the slow, supported way
        import holidays

        return tuple(holidays.country_holidays(code).subdivisions)
