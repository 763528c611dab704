"""A country's public holidays, as the business-hours clock reads them.

The dates come from the ``holidays`` library: for one (country, subdivision,
year), the holidays with their names and the weekend days made working days
(``weekend_workdays``, e.g. Russia's transfers). Computing them the first time
in a process costs ~150 ms (importing the library and its ~250 country
modules), so the command line serves the same answers from a disk cache
(``slactl.workspace.holidaydata``), installed with :func:`use_source`. Pure:
the default source only computes.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

Days = tuple[Mapping[date, str], frozenset[date]]
"""(holiday name by date, weekend days that are working days) of one year."""

Source = Callable[[str, "str | None", int], Days]


def from_library(country: str, subdivision: str | None, year: int) -> Days:
    """What the ``holidays`` library says for ``country`` (ISO code) in ``year``."""
    import holidays  # lazy: ~70 ms to import, ~90 ms more for the first country

    h = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return {d: str(name) for d, name in h.items()}, frozenset(getattr(h, "weekend_workdays", ()) or ())


_source: list[Source] = [from_library]


def days(country: str, subdivision: str | None, year: int) -> Days:
    """The public holidays of ``country`` in ``year``, from the source in use."""
    return _source[0](country, subdivision, year)


def use_source(source: Source | None) -> None:
    """Serve :func:`days` from ``source`` (None: the library again). The source must give
    exactly what :func:`from_library` gives."""
    _source[0] = source or from_library
