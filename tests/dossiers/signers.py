"""Agencies that sign slips in the signing tests (no database rows: signing needs a code and a name)."""

from types import SimpleNamespace

COMMUNE = SimpleNamespace(code="000.00.01.H37", name="Ủy ban nhân dân xã Đông Sơn")
DEPARTMENT = SimpleNamespace(code="000.00.02.H37", name="Sở Tư pháp tỉnh Thanh Hóa")
