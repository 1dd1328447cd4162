"""Play a new release of the ``holidays`` package: the same Vietnamese days, some added or removed, another version."""

from collections.abc import Iterable, Mapping
from datetime import date

import holidays
import pytest

from chinhquyen.workcal import holidays_vn
from chinhquyen.workcal.selectors import calendar_reset


def holidays_release(
    monkeypatch: pytest.MonkeyPatch,
    *,
    version: str,
    added: Mapping[date, str] | None = None,
    removed: Iterable[date] = (),
) -> None:
    """From now on the package is ``version`` and gives ``added`` as public holidays (with their names) and no
    ``removed`` day off."""
    added = dict(added or {})
    removed = set(removed)

    def package_holidays(first_year: int, last_year: int, *, observed: bool = True) -> holidays.HolidayBase:
        h = holidays.country_holidays(
            "VN", years=range(first_year - 1, last_year + 2), language="vi", observed=observed
        )
        for day, name in added.items():
            h[day] = name
        for day in removed:
            h.pop(day, None)
        return h

    monkeypatch.setattr(holidays_vn, "vn_package_holidays", package_holidays)
    monkeypatch.setattr(holidays_vn, "vn_package_version", lambda: version)
    calendar_reset()
