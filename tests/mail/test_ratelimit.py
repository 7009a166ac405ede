"""The lost-link rate limit: a sliding window per key, memory bounded."""

from __future__ import annotations

import pytest

from mail.ratelimit import RateLimiter


def test_limit_per_key_within_the_window():
    limiter = RateLimiter(limit=3, window_s=3600)
    assert [limiter.allow("a", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limiter.allow("b", now=4), "another key has its own count"
    assert not limiter.allow("a", now=3599)
    assert limiter.allow("a", now=3601), "the first hit left the window"


def test_memory_is_bounded():
    limiter = RateLimiter(limit=1, window_s=60, max_keys=100)
    for i in range(10_000):
        limiter.allow(f"k{i}", now=0)
    assert len(limiter) == 100


def test_bad_parameters_raise():
    with pytest.raises(ValueError):
        RateLimiter(limit=0, window_s=1)
