import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    # The petition form counts filings per address in the cache.
    cache.clear()
    yield
    cache.clear()
