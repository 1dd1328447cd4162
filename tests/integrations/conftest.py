import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate counters live in the cache for a minute: each test starts with none.
    cache.clear()
    yield
    cache.clear()
