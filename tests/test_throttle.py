"""Flood protection: one user is slowed down, with one notice; others are not affected."""

from bot.throttle import Throttle


def test_bursts_pass_floods_are_throttled_with_one_notice() -> None:
    throttle = Throttle(rate=1.0, burst=5)
    results = [throttle.allow(1, 0.0) for _ in range(8)]
    assert [allowed for allowed, _ in results] == [True] * 5 + [False] * 3
    assert [tell for _, tell in results] == [False] * 5 + [True, False, False]
    assert throttle.allow(2, 0.0) == (True, False)  # someone else
    assert throttle.allow(1, 2.0) == (True, False)  # refilled two tokens
    assert throttle.allow(1, 2.0) == (True, False)
    assert throttle.allow(1, 2.0) == (False, False)  # the same stretch: not told again
    assert throttle.allow(1, 7.0) == (True, False)  # quiet for 5 s: full again
    assert [throttle.allow(1, 7.0) for _ in range(5)] == [(True, False)] * 4 + [(False, True)]


def test_a_sustained_flood_is_told_once() -> None:
    """100 messages a second for a minute: one message per second passes, one notice."""
    throttle = Throttle(rate=1.0, burst=10)
    results = [throttle.allow(1, i / 100) for i in range(6000)]
    assert sum(tell for _, tell in results) == 1
    assert 60 <= sum(allowed for allowed, _ in results) <= 71


def test_memory_stays_bounded() -> None:
    throttle = Throttle(rate=1.0, burst=2, max_users=100)
    for user in range(1000):
        throttle.allow(user, float(user))
    assert len(throttle._buckets) <= 100
