"""Helpers shared by the working-calendar tests."""

from datetime import datetime, time

from chinhquyen.workcal.engine import TZ

PERIODS = [(time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))]


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    """Return an instant in Hà Nội time."""
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=TZ)
