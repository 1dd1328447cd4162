"""Vietnamese public holidays (ngày lễ, Tết) and swapped working days (ngày làm bù), from ``holidays``.

Pure Python, no Django: the engine calls :func:`vn_year_days` whenever its window of years grows. Every reader
goes through :func:`vn_package_holidays` (tests replace it, and :func:`vn_package_version`, to play a new release).
"""

from datetime import date
from functools import lru_cache

import holidays

from .engine import YearDays


def vn_package_version() -> str:
    """Return the version of the installed ``holidays`` package."""
    return str(holidays.__version__)


@lru_cache(maxsize=32)
def vn_package_holidays(first_year: int, last_year: int, *, observed: bool = True) -> holidays.HolidayBase:
    """Return the package's Vietnamese holidays around the years ``first_year``-``last_year`` (cached)."""
    # Neighbouring years are asked for too: the package fills ``weekend_workdays`` only for the years
    # it computes, and a swap announced for one year may fall in the last days of the previous one.
    years = range(first_year - 1, last_year + 2)
    return holidays.country_holidays("VN", years=years, language="vi", observed=observed)


def _public_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """The public holidays themselves (Labour Code 2019 art. 112), without nghỉ bù or swapped days off."""
    h = vn_package_holidays(first_year, last_year, observed=False)
    # Swapped days off are the package's "substituted" days; their names start with its label.
    swapped = h.tr(h.substituted_label).split("%", 1)[0]
    return frozenset(
        d
        for d, names in h.items()
        if first_year <= d.year <= last_year and not all(n.startswith(swapped) for n in names.split("; "))
    )


def vn_year_days(first_year: int, last_year: int) -> YearDays:
    """Return the days off, swapped working days and public holidays of the years ``first_year``-``last_year``."""
    h = vn_package_holidays(first_year, last_year)
    return YearDays(
        days_off=frozenset(d for d in h if first_year <= d.year <= last_year),
        # ``weekend_workdays`` is not filtered by the years asked for: filter it here.
        working_days=frozenset(d for d in h.weekend_workdays if first_year <= d.year <= last_year),
        holidays=_public_holidays(first_year, last_year),
    )


def vn_public_holidays(year: int) -> frozenset[date]:
    """Return the public holidays of ``year`` that limits in calendar days do not count."""
    return _public_holidays(year, year)


def vn_holiday_names(year: int) -> dict[date, str]:
    """Return the public holidays of ``year`` with their Vietnamese names, in date order."""
    h = vn_package_holidays(year, year)
    return {d: h[d] for d in sorted(h) if d.year == year}


def vn_swapped_working_days(year: int) -> list[date]:
    """Return the weekend days of ``year`` turned into working days by the government."""
    return sorted(d for d in vn_package_holidays(year, year).weekend_workdays if d.year == year)
